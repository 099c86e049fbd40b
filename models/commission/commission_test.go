package commission

import (
	"math/rand/v2"
	"strings"
	"testing"

	"codecredit/platforms"
)

var program = Rule{Source: SourceDefault, Kind: Percent, BasisPoints: 1000}

func line(id, product string, qty, unit, discount, tax int64) platforms.OrderLine {
	return platforms.OrderLine{ID: id, ProductID: product, VariantID: "v" + product, Title: "T" + id,
		Quantity: qty, UnitPrice: unit, Discount: discount, Tax: tax}
}

func commissions(r Result) []int64 {
	out := make([]int64, len(r.Lines))
	for i, l := range r.Lines {
		out[i] = l.Commission
	}
	return out
}

func sameInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// One rule over two lines earns what it earns on the subtotal: 10% of
// 66.67 is 6.667, rounded to 6.67; the lines split it 3.33 / 3.34 (the
// second line's remainder, 0.3667 of a cent, beats the first's 0.3000).
func TestOneRuleEarnsWhatTheSubtotalEarns(t *testing.T) {
	o := &platforms.Order{Currency: "USD", Subtotal: 6667,
		Lines: []platforms.OrderLine{line("1", "p1", 1, 3333, 0, 0), line("2", "p2", 1, 3334, 0, 0)}}
	r := Compute(Input{Order: o, OrderRule: program})
	if r.Commission != 667 || !sameInts(commissions(r), []int64{333, 334}) {
		t.Fatalf("commission %d lines %v, want 667 split 333/334", r.Commission, commissions(r))
	}
	if r.Lines[0].Rule.Source != SourceDefault || Why(r.Lines[0].Rule) != "Program default: 10%" {
		t.Fatalf("why = %q", Why(r.Lines[0].Rule))
	}
}

// A tax-inclusive order (prices shown with 20% VAT) with an excluded gift
// card, a product in a collection with its own rate, a product with its
// own rate, and a plain line, shipping in the base:
//
//	line  product   qty unit   disc  tax   net            rule            commission
//	g     gift      1   50.00  0     0     50.00          excluded        0
//	s     shirt     2   30.00  6.00  9.00  60-6-9 = 45.00 product 15%     6.75
//	h     hat       1   24.00  0     4.00  20.00          collection 5%   1.00
//	m     mug       1   12.00  0     2.00  10.00          default 10%     } 10% of 10.00 + 5.00
//	shipping                               5.00           default 10%     } = 1.50: 1.00 / 0.50
//
// The subtotal is 50 + 45 + 20 + 10 = 125.00; the order earns 9.25.
func TestPrecedenceAndBase(t *testing.T) {
	o := &platforms.Order{Currency: "EUR", Subtotal: 12500, Shipping: 500, Tax: 1500, TaxesIncluded: true,
		Lines: []platforms.OrderLine{line("g", "gift", 1, 5000, 0, 0), line("s", "shirt", 2, 3000, 600, 900),
			line("h", "hat", 1, 2400, 0, 400), line("m", "mug", 1, 1200, 0, 200)}}
	in := Input{Order: o, OrderRule: program, Base: Base{Shipping: true},
		LineRules: []Rule{
			{ID: 1, Source: SourceCollection, Target: "summer", Label: "Summer", Kind: Percent, BasisPoints: 500},
			{ID: 2, Source: SourceProduct, Target: "shirt", Label: "Linen shirt", Kind: Percent, BasisPoints: 1500},
			{ID: 3, Source: SourceProduct, Target: "gift", Label: "Gift card", Kind: Exclude},
			{ID: 4, Source: SourceCollection, Target: "summer-too", Kind: Exclude},
		},
		Collections: map[string][]string{"hat": {"summer"}, "shirt": {"summer"}},
	}
	r := Compute(in)
	want := []int64{0, 675, 100, 100, 50}
	if r.Commission != 925 || !sameInts(commissions(r), want) {
		t.Fatalf("commission %d lines %v, want 925 as %v", r.Commission, commissions(r), want)
	}
	if r.Lines[4].ID != ShippingLineID || r.Lines[1].Net != 4500 {
		t.Fatalf("lines = %+v", r.Lines)
	}
	whys := []string{"Excluded: Gift card earns nothing", "Product rule (Linen shirt): 15%",
		"Product rule (collection Summer): 5%", "Program default: 10%", "Program default: 10%"}
	for i, w := range whys {
		if got := Why(r.Lines[i].Rule); got != w {
			t.Errorf("line %s: why %q, want %q", r.Lines[i].ID, got, w)
		}
	}
}

// A code rule decides every line but the excluded ones; the order's flat
// rule pays once, shared by the lines it decides.
func TestCodeRuleAndFlat(t *testing.T) {
	o := &platforms.Order{Currency: "USD", Subtotal: 9000,
		Lines: []platforms.OrderLine{line("a", "gift", 1, 3000, 0, 0), line("b", "shirt", 1, 2000, 0, 0), line("c", "mug", 1, 4000, 0, 0)}}
	rules := []Rule{{ID: 2, Source: SourceProduct, Target: "shirt", Kind: Percent, BasisPoints: 5000},
		{ID: 3, Source: SourceProduct, Target: "gift", Kind: Exclude}}
	code := Rule{ID: 9, Source: SourceCode, Label: "BEA10", Kind: Flat, FlatAmount: 1000, Currency: "USD"}
	r := Compute(Input{Order: o, OrderRule: code, LineRules: rules})
	// 10.00 over bases 20 and 40: 3.33 and 6.67 (remainders 0.33 and 0.67).
	if r.Commission != 1000 || !sameInts(commissions(r), []int64{0, 333, 667}) {
		t.Fatalf("commission %d lines %v", r.Commission, commissions(r))
	}
	if Why(r.Lines[1].Rule) != "Code rule (BEA10): 10.00 USD per order" {
		t.Fatalf("why %q", Why(r.Lines[1].Rule))
	}
	// Without the code rule the shirt earns its own 50%, flat per unit for a
	// flat product rule, and the program default the rest.
	rules[0] = Rule{ID: 2, Source: SourceProduct, Target: "shirt", Kind: Flat, FlatAmount: 150, Currency: "USD"}
	o.Lines[1].Quantity, o.Lines[1].UnitPrice = 4, 500
	r = Compute(Input{Order: o, OrderRule: program, LineRules: rules})
	if r.Commission != 600+400 || !sameInts(commissions(r), []int64{0, 600, 400}) {
		t.Fatalf("commission %d lines %v", r.Commission, commissions(r))
	}
	// A flat product rule in another currency pays nothing and says why.
	rules[0].Currency = "EUR"
	r = Compute(Input{Order: o, OrderRule: program, LineRules: rules})
	if r.Commission != 400 || !strings.Contains(r.Note, "1.50 EUR per unit, and this order is in USD") {
		t.Fatalf("commission %d note %q", r.Commission, r.Note)
	}
}

// An order without lines is credited on its totals, with the base chosen;
// lines that do not add up fall back to the same, and say so.
func TestOrderWithoutLines(t *testing.T) {
	o := &platforms.Order{Currency: "USD", Subtotal: 10000, Discount: 1000, Tax: 800, Shipping: 500}
	cases := []struct {
		base Base
		want int64
	}{{Base{}, 1000}, {Base{BeforeDiscount: true}, 1100}, {Base{Tax: true}, 1080}, {Base{Shipping: true, Tax: true, BeforeDiscount: true}, 1230}}
	for _, c := range cases {
		if r := Compute(Input{Order: o, OrderRule: program, Base: c.base}); r.Commission != c.want || len(r.Lines) != 0 {
			t.Errorf("base %+v: %d, want %d", c.base, r.Commission, c.want)
		}
	}
	o.Lines = []platforms.OrderLine{line("1", "p", 1, 9000, 0, 0)}
	r := Compute(Input{Order: o, OrderRule: program, LineRules: []Rule{{Source: SourceProduct, Target: "p", Kind: Exclude}}})
	if r.Commission != 1000 || r.Note != LinesMismatchNote {
		t.Fatalf("mismatched lines: %d %q", r.Commission, r.Note)
	}
}

// Allocate's shares always sum to the whole and follow the weights to
// within one unit.
func TestAllocateSumsToTheWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := 1 + rng.IntN(6)
		ws := make([]int64, n)
		var sum int64
		for i := range ws {
			ws[i] = rng.Int64N(100000)
			sum += ws[i]
		}
		total := rng.Int64N(1_000_000) - 500_000
		parts := Allocate(total, ws)
		var got int64
		for i, p := range parts {
			got += p
			if sum > 0 {
				exact := float64(total) * float64(ws[i]) / float64(sum)
				if d := float64(p) - exact; d > 1 || d < -1 {
					t.Fatalf("Allocate(%d, %v) = %v: share %d is %.2f from %.2f", total, ws, parts, i, d, exact)
				}
			}
		}
		if got != total {
			t.Fatalf("Allocate(%d, %v) = %v sums to %d", total, ws, parts, got)
		}
	}
}
