package commission

import (
	"math/bits"
	"strings"

	"codecredit/platforms"
	"codecredit/platforms/currency"
)

// earn fills in each line's commission: lines under the same percent rule
// share one rounding; the order rule's lines share its flat amount; a flat
// product rule pays per unit. It returns a note when a flat rule in another
// currency than the order's paid nothing.
func earn(lines []Line, o *platforms.Order) string {
	groups := map[groupKey][]int{}
	var keys []groupKey
	var notes []string
	for i := range lines {
		l := &lines[i]
		switch {
		case l.Rule.Kind == Exclude:
			continue
		case l.Rule.Kind == Flat && isLineSource(l.Rule.Source):
			if l.Rule.Currency != o.Currency {
				notes = appendOnce(notes, flatCurrencyNote(l.Rule, o.Currency, "per unit"))
				continue
			}
			if l.Base > 0 {
				l.Commission = l.Rule.FlatAmount * quantity(o, l.ID)
			}
			continue
		}
		k := groupKey{l.Rule.Source, l.Rule.ID}
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	for _, k := range keys {
		idx := groups[k]
		bases := make([]int64, len(idx))
		var sum int64
		for j, i := range idx {
			bases[j] = lines[i].Base
			sum += bases[j]
		}
		total, note := orderRate(lines[idx[0]].Rule, sum, o.Currency)
		notes = appendOnce(notes, note)
		for j, part := range Allocate(total, bases) {
			lines[idx[j]].Commission = part
		}
	}
	return strings.Join(notes, "; ")
}

type groupKey struct {
	source string
	id     uint64
}

// quantity is the quantity of the order line with id.
func quantity(o *platforms.Order, id string) int64 {
	for _, l := range o.Lines {
		if l.ID == id {
			return l.Quantity
		}
	}
	return 0
}

func appendOnce(notes []string, n string) []string {
	if n == "" {
		return notes
	}
	for _, have := range notes {
		if have == n {
			return notes
		}
	}
	return append(notes, n)
}

// flatCurrencyNote says why a flat rule in another currency paid nothing.
func flatCurrencyNote(r Rule, cur, per string) string {
	return "no commission: the flat rule pays " + currency.FormatMinor(r.FlatAmount, r.Currency) + " " + r.Currency +
		" " + per + ", and this order is in " + cur + " (no exchange rate is applied)"
}

// mulDivRem is a×b/c rounded down and the remainder, for a, b ≥ 0 and
// c > 0 with b ≤ c (a share of a whole), without overflow.
func mulDivRem(a, b, c int64) (int64, int64) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, r := bits.Div64(hi, lo, uint64(c))
	return int64(q), int64(r)
}

// Allocate divides total among parts in proportion to weights, each share
// rounded down and the units left over given to the largest remainders
// (the earlier part on a tie), so the shares sum to total exactly. With no
// weight at all, the first part takes everything.
func Allocate(total int64, weights []int64) []int64 {
	out := make([]int64, len(weights))
	if len(weights) == 0 {
		return out
	}
	var sum int64
	for _, w := range weights {
		sum += max(w, 0)
	}
	if sum == 0 || total == 0 {
		out[0] = total
		return out
	}
	neg := total < 0
	if neg {
		total = -total
	}
	rems := make([]int64, len(weights))
	left := total
	for i, w := range weights {
		out[i], rems[i] = mulDivRem(total, max(w, 0), sum)
		left -= out[i]
	}
	for ; left > 0; left-- {
		best := 0
		for i := range rems {
			if rems[i] > rems[best] {
				best = i
			}
		}
		out[best]++
		rems[best] = -1
	}
	if neg {
		for i := range out {
			out[i] = -out[i]
		}
	}
	return out
}
