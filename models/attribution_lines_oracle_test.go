package models_test

import (
	"context"
	"fmt"
	"math/big"
	"math/rand"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/commission"
	"codecredit/platforms"
)

// The fixture's product rules, for orders with lines: P1 earns 15%, P2 is
// excluded, P3 earns 1.50 USD per unit; other products earn the
// affiliate's rule (10%, or 5.00 USD per order for the flat affiliate).
func (f *fixture) addLineRules(t testing.TB) {
	for _, r := range []models.ConditionRule{
		{Scope: models.ScopeProduct, Target: "P1", Kind: commission.Percent, BasisPoints: 1500},
		{Scope: models.ScopeProduct, Target: "P2", Kind: commission.Exclude},
		{Scope: models.ScopeProduct, Target: "P3", Kind: commission.Flat, FlatAmount: 150, Currency: "USD"},
	} {
		if _, err := f.store.SaveConditionRule(context.Background(), f.account.ID, r); err != nil {
			t.Fatal(err)
		}
	}
}

// genLines makes 1–4 lines of products P1–P4 (P4 has no rule of its
// own), maybe with prices that include tax.
func genLines(r *rand.Rand) ([]platforms.OrderLine, bool) {
	incl := r.Intn(2) == 0
	lines := make([]platforms.OrderLine, 1+r.Intn(4))
	for i := range lines {
		qty := int64(1 + r.Intn(3))
		unit := int64(r.Intn(20000))
		disc := r.Int63n(unit*qty + 1)
		tax := r.Int63n((unit*qty-disc)/4 + 1)
		lines[i] = platforms.OrderLine{ID: fmt.Sprintf("L%d", i), ProductID: fmt.Sprintf("P%d", 1+r.Intn(4)),
			Quantity: qty, UnitPrice: unit, Discount: disc, Tax: tax}
	}
	return lines, incl
}

func lineNet(l platforms.OrderLine, incl bool) int64 {
	n := l.UnitPrice*l.Quantity - l.Discount
	if incl {
		n -= l.Tax
	}
	return max(n, 0)
}

// genLineRefunds makes refunds of lines (some units of one line), refunds
// without lines, maybe a cancellation, and undoes some of them. It returns
// the refunds, the undos and the refunds still standing.
func genLineRefunds(r *rand.Rand, o platforms.Order, n int) (refunds []platforms.Refund, undos []undo, standing []platforms.Refund) {
	at := o.PlacedAt.Add(time.Hour)
	add := func(rf platforms.Refund) {
		refunds = append(refunds, rf)
		if r.Intn(4) == 0 {
			undos = append(undos, undo{platforms.Refund{ExternalID: rf.ExternalID, OrderExternalID: rf.OrderExternalID}})
			return
		}
		standing = append(standing, rf)
	}
	for i := r.Intn(4); i > 0; i-- {
		id := fmt.Sprintf("r%d-%d", n, i)
		if r.Intn(2) == 0 {
			l := o.Lines[r.Intn(len(o.Lines))]
			q := 1 + r.Int63n(l.Quantity)
			sub := lineNet(l, o.TaxesIncluded) * q / l.Quantity
			add(platforms.Refund{ExternalID: id, OrderExternalID: o.ExternalID, Currency: o.Currency, Subtotal: sub,
				Lines: []platforms.RefundLine{{LineID: l.ID, Quantity: q, Subtotal: sub}}, CreatedAt: at})
			continue
		}
		add(platforms.Refund{ExternalID: id, OrderExternalID: o.ExternalID, Currency: o.Currency,
			Subtotal: 1 + r.Int63n(o.Subtotal+1), CreatedAt: at})
	}
	if r.Intn(8) == 0 {
		add(platforms.Refund{ExternalID: fmt.Sprintf("cancel-%d", n), OrderExternalID: o.ExternalID, Full: true, CreatedAt: at})
	}
	return refunds, undos, standing
}

// oracleLines is what an order with lines nets its affiliate after the
// standing refunds, worked out on its own: per product rule, one rounding
// per rule split over its lines by largest remainder; refunds of a line
// off that line, other refunded goods spread over what is left.
func oracleLines(o platforms.Order, flatAff bool, standing []platforms.Refund) int64 {
	n := len(o.Lines)
	nets, comm := make([]int64, n), make([]int64, n)
	groups := map[string][]int{}
	for i, l := range o.Lines {
		nets[i] = lineNet(l, o.TaxesIncluded)
		switch l.ProductID {
		case "P2":
		case "P3":
			if o.Currency == "USD" && nets[i] > 0 {
				comm[i] = 150 * l.Quantity
			}
		default:
			g := "order"
			if l.ProductID == "P1" {
				g = "P1"
			}
			groups[g] = append(groups[g], i)
		}
	}
	for g, idx := range groups {
		var sum int64
		for _, i := range idx {
			sum += nets[i]
		}
		var total int64
		switch {
		case g == "P1":
			total = oracleRound(sum, 1500, 10000)
		case flatAff && o.Currency == "USD" && sum > 0:
			total = 500
		case !flatAff:
			total = oracleRound(sum, 1000, 10000)
		}
		ws := make([]int64, len(idx))
		for j, i := range idx {
			ws[j] = nets[i]
		}
		for j, part := range largestRemainder(total, ws) {
			comm[idx[j]] = part
		}
	}
	var earned int64
	for _, c := range comm {
		earned += c
	}
	return earned - oracleLineReversal(o, nets, comm, earned, standing)
}

func oracleLineReversal(o platforms.Order, nets, comm []int64, earned int64, standing []platforms.Refund) int64 {
	if earned == 0 || len(standing) == 0 {
		return 0
	}
	back := make([]int64, len(nets))
	var goods, unplaced int64
	for _, rf := range standing {
		if rf.Full {
			return earned
		}
		goods += rf.Subtotal
		left := rf.Subtotal
		for _, rl := range rf.Lines {
			var i int
			fmt.Sscanf(rl.LineID, "L%d", &i)
			part := min(rl.Subtotal, left)
			back[i] += part
			left -= part
		}
		unplaced += left
	}
	if goods >= o.Subtotal {
		return earned
	}
	rest := make([]int64, len(nets))
	var room int64
	for i := range nets {
		if back[i] > nets[i] {
			unplaced += back[i] - nets[i]
			back[i] = nets[i]
		}
		rest[i] = nets[i] - back[i]
		room += rest[i]
	}
	var reversed int64
	for i, part := range largestRemainder(min(unplaced, room), rest) {
		if nets[i] > 0 {
			reversed += oracleRound(comm[i], back[i]+part, nets[i])
		}
	}
	return reversed
}

// largestRemainder splits total by weights: floors, then one unit each to
// the largest remainders, the earlier first on a tie; all of it to the
// first part when the weights are all zero.
func largestRemainder(total int64, ws []int64) []int64 {
	out := make([]int64, len(ws))
	var sum int64
	for _, w := range ws {
		sum += w
	}
	if len(ws) == 0 {
		return out
	}
	if sum == 0 {
		out[0] = total
		return out
	}
	rems := make([]*big.Int, len(ws))
	left := total
	for i, w := range ws {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(total), big.NewInt(w)), big.NewInt(sum), new(big.Int))
		out[i], rems[i] = q.Int64(), r
		left -= out[i]
	}
	taken := make([]bool, len(ws))
	for ; left > 0; left-- {
		best := -1
		for i := range ws {
			if !taken[i] && (best < 0 || rems[i].Cmp(rems[best]) > 0) {
				best = i
			}
		}
		out[best]++
		taken[best] = true
	}
	return out
}
