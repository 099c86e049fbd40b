package models

import (
	"time"
)

// tierNeed is an order a batch is about to count towards a tier.
type tierNeed struct {
	account, affiliate uint64
	placed             time.Time
}

// prefetchTiers reads, with one query per account (and one more for the
// bonuses), the tier counts of every affiliate and period the batch's
// orders need, and which of their tier bonuses are booked, so a batch
// asks for neither order by order.
func (b *ruleBook) prefetchTiers(needs []tierNeed) error {
	byAccount := map[uint64][]tierNeed{}
	for _, n := range needs {
		byAccount[n.account] = append(byAccount[n.account], n)
	}
	for id, ns := range byAccount {
		ar, err := b.account(id)
		if err != nil {
			return err
		}
		if !ar.tiered() {
			continue
		}
		if err := b.prefetchCounts(ar, ns); err != nil {
			return err
		}
	}
	return nil
}

// prefetchCounts fills b.counts for the (affiliate, period) pairs of ns
// not read yet, from the daily rollup, and the bonus states.
func (b *ruleBook) prefetchCounts(ar *accountRules, ns []tierNeed) error {
	want := map[tierKey]bool{}
	var affs []uint64
	var lo, hi time.Time
	for _, n := range ns {
		start, end := periodOf(ar.account.TierPeriod, n.placed)
		k := tierKey{n.affiliate, start}
		if b.counts[k] != nil || want[k] {
			continue
		}
		want[k] = true
		affs = append(affs, n.affiliate)
		if lo.IsZero() || start.Before(lo) {
			lo = start
		}
		if end.After(hi) {
			hi = end
		}
	}
	if len(want) == 0 {
		return nil
	}
	var rows []struct {
		AffiliateID   uint64
		Day, Currency string
		Sales, Orders int64
	}
	q := b.tx.Table("conversion_days").Where("account_id = ? AND affiliate_id IN ? AND status IN ?", ar.account.ID,
		setKeys(boolSet(affs)), []string{ConversionPending, ConversionApproved, ConversionPaid})
	if ar.account.TierPeriod == TierLifetime {
		q = q.Select("affiliate_id, '' AS day, currency, SUM(sales) AS sales, SUM(orders) AS orders").Group("affiliate_id, currency")
	} else {
		q = q.Select("affiliate_id, day, currency, SUM(sales) AS sales, SUM(orders) AS orders").
			Where("day >= ? AND day < ?", lo.Format(time.DateOnly), hi.Format(time.DateOnly)).Group("affiliate_id, day, currency")
	}
	if err := q.Scan(&rows).Error; err != nil {
		return err
	}
	for k := range want {
		b.counts[k] = &tierCount{}
	}
	for _, r := range rows {
		var start time.Time
		if r.Day != "" {
			day, err := time.Parse(time.DateOnly, r.Day)
			if err != nil {
				return err
			}
			start, _ = periodOf(ar.account.TierPeriod, day)
		}
		c := b.counts[tierKey{r.AffiliateID, start}]
		if c == nil || !want[tierKey{r.AffiliateID, start}] {
			continue
		}
		if r.Currency == ar.account.Currency {
			c.sales += r.Sales
		}
		c.orders += r.Orders
	}
	if !ar.account.TierBonus {
		return nil
	}
	return b.prefetchBonuses(ar, want)
}

// prefetchBonuses notes which tier bonuses of the wanted periods are
// booked, with one query.
func (b *ruleBook) prefetchBonuses(ar *accountRules, want map[tierKey]bool) error {
	var keys []string
	for k := range want {
		for i := range ar.tiers {
			if key := bonusKey(k.affiliate, k.start, ar.tiers[i].ID); b.bonuses[key] == bonusUnknown {
				keys = append(keys, key)
			}
		}
	}
	if len(keys) == 0 {
		return nil
	}
	var found []string
	if err := b.tx.Model(&LedgerEntry{}).Where("dedup_key IN ?", keys).Pluck("dedup_key", &found).Error; err != nil {
		return err
	}
	for _, key := range keys {
		b.bonuses[key] = bonusAbsent
	}
	for _, key := range found {
		b.bonuses[key] = bonusTaken
	}
	return nil
}

// boolSet is the set of ids.
func boolSet(ids []uint64) map[uint64]bool {
	out := make(map[uint64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}
