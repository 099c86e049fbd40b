package models

import (
	"strconv"
	"time"

	"gorm.io/gorm"

	"codecredit/models/commission"
	"codecredit/platforms/currency"
)

// tierKey is one affiliate's tier period.
type tierKey struct {
	affiliate uint64
	start     time.Time
}

// tierCount is what an affiliate's orders in a period count so far.
type tierCount struct {
	sales  int64 // subtotals less refunds, in the account's currency
	orders int64 // orders not refunded in full
}

// tiered reports whether the account's orders earn by tier.
func (ar *accountRules) tiered() bool {
	return ar.account.TierMetric != "" && len(ar.tiers) > 0
}

// reached is the index of the highest tier c reaches, -1 for none.
func (ar *accountRules) reached(c tierCount) int {
	v := c.sales
	if ar.account.TierMetric == TierOrders {
		v = c.orders
	}
	r := -1
	for i, t := range ar.tiers {
		if v >= t.Threshold {
			r = i
		}
	}
	return r
}

// progress is what the affiliate's period holding placed counts, from
// the orders booked before (and those counted since in this
// transaction), read from the daily rollup the dashboard keeps
// (conversion_days: sales less refunds and orders, per day and status).
func (b *ruleBook) progress(ar *accountRules, affiliateID uint64, placed time.Time) (*tierCount, error) {
	start, end := periodOf(ar.account.TierPeriod, placed)
	k := tierKey{affiliateID, start}
	if c := b.counts[k]; c != nil {
		return c, nil
	}
	var row struct{ Sales, Orders int64 }
	q := b.tx.Table("conversion_days").
		Select("COALESCE(SUM(CASE WHEN currency = ? THEN sales ELSE 0 END), 0) AS sales, COALESCE(SUM(orders), 0) AS orders", ar.account.Currency).
		Where("account_id = ? AND affiliate_id = ? AND status IN ?", ar.account.ID, affiliateID,
			[]string{ConversionPending, ConversionApproved, ConversionPaid})
	if ar.account.TierPeriod != TierLifetime {
		q = q.Where("day >= ? AND day < ?", start.Format(time.DateOnly), end.Format(time.DateOnly))
	}
	if err := q.Scan(&row).Error; err != nil {
		return nil, err
	}
	c := &tierCount{sales: row.Sales, orders: row.Orders}
	b.counts[k] = c
	return c, nil
}

// tierRule is the tier an affiliate's order earns under, when the account
// has tiers and the affiliate has reached one before this order.
func (b *ruleBook) tierRule(ar *accountRules, affiliateID uint64, placed time.Time) (commission.Rule, bool, error) {
	c, err := b.progress(ar, affiliateID, placed)
	if err != nil {
		return commission.Rule{}, false, err
	}
	if i := ar.reached(*c); i >= 0 {
		return ar.tiers[i].Rule(), true, nil
	}
	return commission.Rule{}, false, nil
}

// counted adds a booked conversion to what the orders after it in the
// transaction go by: its customer (repeat orders) and its affiliate's
// tier count. Where the program pays a bonus on crossing, it returns the
// bonuses of the tiers the affiliate has reached in the period (their
// ConversionID still to set): each is booked once, by the first order
// that finds its tier reached, so tiers reached by orders booked at the
// same time in two transactions still get theirs.
func (b *ruleBook) counted(conv *Conversion) ([]*LedgerEntry, error) {
	b.booked(conv)
	if conv.AffiliateID == nil || !conv.Earns() {
		return nil, nil
	}
	ar, err := b.account(conv.AccountID)
	if err != nil || !ar.tiered() {
		return nil, err
	}
	c, err := b.progress(ar, *conv.AffiliateID, conv.PlacedAt)
	if err != nil {
		return nil, err
	}
	if conv.Currency == ar.account.Currency {
		c.sales += conv.Subtotal
	}
	c.orders++
	if !ar.account.TierBonus {
		return nil, nil
	}
	if own, err := b.rule(ar, *conv.AffiliateID); err != nil || own.AffiliateID != 0 {
		return nil, err // the affiliate's own rate is above tiers: no tier bonus
	}
	var out []*LedgerEntry
	for i := 0; i <= ar.reached(*c); i++ {
		e, err := b.tierBonus(ar, conv, i, *c)
		if err != nil {
			return nil, err
		}
		if e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// tierBonus is the bonus for reaching tier i, unless this transaction or
// the ledger has it already: the tier's rate less the one below it (the
// program default below the first) on the period's sales so far (percent
// rates), or on its orders (flat rates in one currency); nothing when the
// rates cannot be compared or the tier's is not higher.
func (b *ruleBook) tierBonus(ar *accountRules, conv *Conversion, i int, c tierCount) (*LedgerEntry, error) {
	start, _ := periodOf(ar.account.TierPeriod, conv.PlacedAt)
	key := bonusKey(*conv.AffiliateID, start, ar.tiers[i].ID)
	if done, err := b.bonusBooked(key); err != nil || done {
		return nil, err
	}
	def, err := b.rule(ar, 0)
	if err != nil {
		return nil, err
	}
	old := orderRule(def)
	if i > 0 {
		old = ar.tiers[i-1].Rule()
	}
	nw := ar.tiers[i].Rule()
	var amount int64
	cur := ar.account.Currency
	switch {
	case old.Kind == commission.Percent && nw.Kind == commission.Percent:
		amount = currency.MulDiv(c.sales, nw.BasisPoints-old.BasisPoints, 10000)
	case old.Kind == commission.Flat && nw.Kind == commission.Flat && old.Currency == nw.Currency:
		amount, cur = (nw.FlatAmount-old.FlatAmount)*c.orders, nw.Currency
	}
	if amount <= 0 {
		return nil, nil
	}
	status := LedgerStatus(EntryPending)
	if conv.Status == ConversionApproved {
		status = EntryApproved
	}
	return &LedgerEntry{AccountID: conv.AccountID, AffiliateID: *conv.AffiliateID, Kind: EntryAdjustment,
		Amount: amount, Currency: cur, Status: status, AvailableAt: conv.ApproveAt, DedupKey: &key,
		Note: "tier bonus: " + ar.tiers[i].Name + " reached, " + commission.Pays(nw) + " instead of " +
			commission.Pays(old) + " on the period's " + bonusBase(old, c, cur)}, nil
}

// What a ruleBook knows of a tier bonus.
const (
	bonusUnknown = iota // not looked up
	bonusAbsent         // not booked (as of the lookup)
	bonusTaken          // booked, or to be by this transaction
)

// bonusKey is the dedup key of an affiliate's bonus for reaching a tier
// in the period starting at start.
func bonusKey(affiliateID uint64, start time.Time, tierID uint64) string {
	return "tier-bonus:" + strconv.FormatUint(affiliateID, 10) + ":" + start.Format(time.DateOnly) + ":" +
		strconv.FormatUint(tierID, 10)
}

// bonusBooked reports whether the bonus keyed key is booked, or is to be
// by this transaction; when not, it is from now on.
func (b *ruleBook) bonusBooked(key string) (bool, error) {
	switch b.bonuses[key] {
	case bonusTaken:
		return true, nil
	case bonusUnknown:
		var n int64
		if err := b.tx.Model(&LedgerEntry{}).Where("dedup_key = ?", key).Count(&n).Error; err != nil {
			return false, err
		}
		if n > 0 {
			b.bonuses[key] = bonusTaken
			return true, nil
		}
	}
	b.bonuses[key] = bonusTaken
	return false, nil
}

// bonusBase says what a tier bonus was worked out on.
func bonusBase(old commission.Rule, c tierCount, cur string) string {
	if old.Kind == commission.Flat {
		return strconv.FormatInt(c.orders, 10) + " orders"
	}
	return FormatMinor(c.sales, cur) + " " + cur + " of sales"
}

// tierIndex reads an affiliate's daily rollup by period, for tiers.
const tierIndex = "idx_conversion_days_affiliate"

// createTierIndex creates tierIndex.
func createTierIndex(tx *gorm.DB) error {
	return tx.Exec("CREATE INDEX IF NOT EXISTS " + tierIndex + " ON conversion_days (affiliate_id, day)").Error
}
