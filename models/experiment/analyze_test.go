package experiment

import (
	"strings"
	"testing"
)

var plan = Plan{BaselineRate: 0.05, MinLift: 0.5} // 5% → 7.5%, α 0.05, power 0.8

func TestMinSampleCorrectsForVariants(t *testing.T) {
	for k := MinVariants; k <= MaxVariants; k++ {
		got, err := plan.MinSample(k)
		if err != nil {
			t.Fatal(err)
		}
		if want := SampleSize(0.05, 0.075, 0.05/float64(k-1), 0.8); got != want || got == 0 {
			t.Fatalf("%d variants: %d, want %d", k, got, want)
		}
		// Each comparison at α/(k−1) keeps the planned power.
		if p := Power(0.05, 0.075, 0.05/float64(k-1), got); p < 0.8 {
			t.Fatalf("%d variants: power %.3f at %d", k, p, got)
		}
	}
	two, _ := plan.MinSample(2)
	four, _ := plan.MinSample(4)
	if two != 1471 || four <= two {
		t.Fatalf("min sample 2 variants %d, 4 variants %d", two, four)
	}
	for _, bad := range []Plan{{}, {BaselineRate: 1.2, MinLift: 0.1}, {BaselineRate: 0.05}, {BaselineRate: 0.6, MinLift: 1},
		{BaselineRate: 0.05, MinLift: 0.2, Alpha: 0.7}, {BaselineRate: 0.05, MinLift: 0.2, Power: 1}} {
		if _, err := bad.MinSample(2); err == nil {
			t.Fatalf("plan %+v accepted", bad)
		}
	}
	if _, err := plan.MinSample(5); err != ErrVariants {
		t.Fatalf("5 variants: %v", err)
	}
}

func TestAnalyzeKeepsRunningUntilEveryVariantHasItsSample(t *testing.T) {
	// Variant B is far ahead, but C has too few visitors: no verdict yet.
	r, err := Analyze(plan, []Variant{
		{Name: "A", Visitors: 3000, Orders: 150},
		{Name: "B", Visitors: 3000, Orders: 400},
		{Name: "C", Visitors: 900, Orders: 45},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != KeepRunning || r.Winner != -1 || !strings.Contains(r.Reason, "C has 900") {
		t.Fatalf("verdict %s %d: %s", r.Verdict, r.Winner, r.Reason)
	}
	b := r.Variants[1]
	if b.Z <= 0 || b.P > 1e-6 || b.ConversionRate != 400.0/3000 || b.Interval.Low > b.ConversionRate || r.Variants[0].Control != true {
		t.Fatalf("figures still reported: %+v", b)
	}
}

func TestAnalyzeDeclaresWinnerOnlyWhenHolmRejects(t *testing.T) {
	n, _ := plan.MinSample(3)
	cases := []struct {
		name    string
		orders  [3]int64
		verdict Verdict
		winner  int
		reason  string
	}{
		{"B clearly better", [3]int64{n / 20, n * 8 / 100, n / 20}, Winner, 1, "B wins"},
		{"both better, C best", [3]int64{n / 20, n * 8 / 100, n * 9 / 100}, Winner, 2, "C wins"},
		{"no difference", [3]int64{n / 20, n / 20, n / 20}, NoWinner, -1, "No winner"},
		{"control better than both", [3]int64{n / 10, n / 20, n / 20}, Winner, 0, "A (the control) wins"},
		{"control better than one only", [3]int64{n / 10, n / 20, n / 10}, NoWinner, -1, "keep A"},
	}
	for _, c := range cases {
		vs := []Variant{{Name: "A"}, {Name: "B"}, {Name: "C"}}
		for i := range vs {
			vs[i].Visitors, vs[i].Orders = n, c.orders[i]
		}
		r, err := Analyze(plan, vs)
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != c.verdict || r.Winner != c.winner || !strings.Contains(r.Reason, c.reason) {
			t.Errorf("%s: %s %d: %s", c.name, r.Verdict, r.Winner, r.Reason)
		}
	}
}

func TestAnalyzeCorrectsForMultipleVariants(t *testing.T) {
	// One challenger's raw p-value is below 0.05 but above 0.05/3: alone
	// it would win; among three challengers, Holm says no.
	n, _ := plan.MinSample(4)
	vs := []Variant{{Name: "A", Visitors: n, Orders: 500}, {Name: "B", Visitors: n, Orders: 560},
		{Name: "C", Visitors: n, Orders: 500}, {Name: "D", Visitors: n, Orders: 500}}
	r, err := Analyze(plan, vs)
	if err != nil {
		t.Fatal(err)
	}
	b := r.Variants[1]
	if !(b.P < 0.05 && b.P > 0.05/3) {
		t.Fatalf("fixture: B's p-value %.4f is not between 0.0167 and 0.05", b.P)
	}
	if r.Verdict != NoWinner || b.AdjustedP <= 0.05 {
		t.Fatalf("%s: %s (adjusted p %.4f)", r.Verdict, r.Reason, b.AdjustedP)
	}
}

func TestAnalyzeNetRevenuePerVisitor(t *testing.T) {
	n, _ := plan.MinSample(2)
	// B (a deeper discount) converts better but earns less per visitor.
	r, err := Analyze(plan, []Variant{
		{Name: "TEN", Visitors: n, Orders: n / 20, Sales: n / 20 * 9000, Commission: n / 20 * 900},
		{Name: "THIRTY", Visitors: n, Orders: n / 10, Sales: n / 10 * 3000, Commission: n / 10 * 300},
	})
	if err != nil {
		t.Fatal(err)
	}
	ten, thirty := r.Variants[0], r.Variants[1]
	if want := float64(n/20*8100) / float64(n); ten.NetRevenuePerVisitor != want {
		t.Fatalf("TEN earns %.2f per visitor, want %.2f", ten.NetRevenuePerVisitor, want)
	}
	if r.Winner != 1 || !strings.Contains(r.Reason, "earns less per visitor") || thirty.NetRevenuePerVisitor >= ten.NetRevenuePerVisitor {
		t.Fatalf("%d: %s", r.Winner, r.Reason)
	}
}

func TestAnalyzeRefusesImpossibleCounts(t *testing.T) {
	for _, vs := range [][]Variant{
		{{Name: "A", Visitors: 10, Orders: 11}, {Name: "B", Visitors: 10}},
		{{Name: "A", Visitors: -1}, {Name: "B"}},
		{{Name: "A"}},
	} {
		if _, err := Analyze(plan, vs); err == nil {
			t.Fatalf("%+v accepted", vs)
		}
	}
	if _, err := Analyze(Plan{}, []Variant{{Name: "A"}, {Name: "B"}}); err == nil {
		t.Fatal("an empty plan is accepted")
	}
}
