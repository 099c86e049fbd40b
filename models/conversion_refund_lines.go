package models

import (
	"gorm.io/gorm"

	"codecredit/models/commission"
	"codecredit/platforms/currency"
)

// reverseLines works out, from every refund of the conversion still
// standing (applied and not undone) plus extra (the refund being applied,
// or nil), how much of each line's goods has come back, stores it on the
// lines, and returns the conversion's reversed commission: the sum over
// its lines of each line's commission times the share of its goods
// refunded. A conversion that earned nothing (flagged, unattributed)
// reverses nothing, but its lines keep count for a later approval.
func (s *Store) reverseLines(tx *gorm.DB, conv *Conversion, lines []ConversionLine, extra *Refund) (int64, error) {
	refs, err := remainingRefunds(tx, conv)
	if err != nil {
		return 0, err
	}
	if extra != nil {
		refs = append(refs, *extra)
	}
	back, all := refundedLines(conv, lines, refs)
	var total int64
	for i := range lines {
		l := &lines[i]
		reversed := l.Commission
		if !all {
			reversed = currency.MulDiv(l.Commission, back[i], l.Net)
		}
		total += reversed
		if back[i] == l.RefundedNet && reversed == l.ReversedCommission {
			continue
		}
		l.RefundedNet, l.ReversedCommission = back[i], reversed
		err := tx.Model(&ConversionLine{}).Where("id = ?", l.ID).
			Updates(map[string]any{"refunded_net": l.RefundedNet, "reversed_commission": reversed}).Error
		if err != nil {
			return 0, err
		}
	}
	if conv.Commission == 0 {
		return 0, nil
	}
	return total, nil
}

// refundedLines is how much of each line's net the refunds gave back, and
// whether everything came back. It is worked out from the totals, so it
// does not depend on the order the refunds came in:
//   - goods a refund places on a line (its refund lines) come off that
//     line, up to the line's net;
//   - goods it does not place (a refund without lines, or beyond its
//     lines) are spread over what is left of the lines, in proportion
//     (largest remainder);
//   - a full refund, or refunds of the whole subtotal, take every line
//     back, shipping included.
func refundedLines(conv *Conversion, lines []ConversionLine, refs []Refund) ([]int64, bool) {
	back := make([]int64, len(lines))
	byID := make(map[string]int, len(lines))
	for i, l := range lines {
		byID[l.LineID] = i
	}
	all := false
	var goods, unplaced int64
	for i := range refs {
		r := &refs[i]
		if r.Full {
			all = true
			continue
		}
		left := refundedGoods(conv, r)
		goods += left
		for _, rl := range r.Lines {
			j, ok := byID[rl.LineID]
			if !ok {
				continue
			}
			part := rl.Subtotal
			if part == 0 && rl.Quantity > 0 {
				part = currency.MulDiv(lines[j].Net, rl.Quantity, lines[j].Quantity)
			}
			part = min(part, left)
			back[j] += part
			left -= part
		}
		unplaced += left
	}
	if all || goods >= conv.Subtotal {
		for i, l := range lines {
			back[i] = l.Net
		}
		return back, true
	}
	rest := make([]int64, len(lines))
	var room int64
	for i, l := range lines {
		if back[i] > l.Net {
			unplaced += back[i] - l.Net
			back[i] = l.Net
		}
		rest[i] = l.Net - back[i]
		room += rest[i]
	}
	for i, part := range commission.Allocate(min(unplaced, room), rest) {
		back[i] += part
	}
	return back, false
}
