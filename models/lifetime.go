package models

import (
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/platforms"
)

// CustomerLink keeps a customer with the affiliate who brought them, for
// lifetime attribution (Account.LifetimeOn): their later orders without
// an affiliate's code are credited to that affiliate within the window.
// A customer is known by the platform's customer id (per store) and by
// their email in lower case, each its own row; nothing else about them
// is kept, and customers/redact erases both.
type CustomerLink struct {
	ID           uint64    `gorm:"primaryKey" json:"-"`
	AccountID    uint64    `gorm:"not null;uniqueIndex:idx_customer_link" json:"-"`
	Customer     string    `gorm:"size:255;not null;uniqueIndex:idx_customer_link" json:"-"`
	AffiliateID  uint64    `gorm:"not null;index" json:"affiliate_id"`
	ConversionID uint64    `gorm:"not null" json:"conversion_id"` // the order that brought them
	LinkedAt     time.Time `gorm:"not null" json:"linked_at"`     // that order's time
	CreatedAt    time.Time `json:"-"`
	UpdatedAt    time.Time `json:"-"`
}

// customerKeys are the ways the account knows o's customer: by the
// store's customer id, by email.
func customerKeys(connID uint64, customerID, email string) []string {
	var keys []string
	if id := strings.TrimSpace(customerID); id != "" {
		keys = append(keys, "id:"+strconv.FormatUint(connID, 10)+":"+id)
	}
	if e := strings.ToLower(strings.TrimSpace(email)); e != "" {
		keys = append(keys, "email:"+e)
	}
	for i := range keys {
		if len(keys[i]) > 255 {
			keys[i] = keys[i][:255]
		}
	}
	return keys
}

// lifetimeWindow is how long after their first order an affiliate keeps
// a customer: days (0 for ever), or ok false for not at all.
func lifetimeWindow(a *Account, aff *Affiliate) (days int, ok bool) {
	if !a.LifetimeOn {
		return 0, false
	}
	if aff.LifetimeDays != nil {
		return max(*aff.LifetimeDays, 0), *aff.LifetimeDays >= 0
	}
	return a.LifetimeDays, true
}

// keeps reports whether the link still credits an order placed at t.
func (l *CustomerLink) keeps(days int, t time.Time) bool {
	return t.After(l.LinkedAt) && (days == 0 || t.Before(l.LinkedAt.AddDate(0, 0, days)))
}

// lifetimeCredit is cr with lifetime attribution applied: an order
// without an affiliate's code (or, where the first affiliate keeps the
// customer, with another's) is credited to the affiliate who brought its
// customer, within the window. links are the customer's links; affs the
// linked affiliates that are active.
func lifetimeCredit(a *Account, o *platforms.Order, cr credit, links []CustomerLink, affs map[uint64]*Affiliate) credit {
	if !a.LifetimeOn || cr.sub != nil || len(links) == 0 {
		return cr
	}
	l := &links[0]
	for i := range links {
		if links[i].LinkedAt.Before(l.LinkedAt) {
			l = &links[i]
		}
	}
	if cr.affiliate != nil && (cr.affiliate.ID == l.AffiliateID || a.LifetimeCodeWins) {
		return cr
	}
	aff := affs[l.AffiliateID]
	if aff == nil {
		return cr
	}
	if days, ok := lifetimeWindow(a, aff); !ok || !l.keeps(days, o.PlacedAt) {
		return cr
	}
	return credit{code: cr.code, affiliate: aff, lifetime: l}
}

// loadLinks reads the links of the given customers of an account and
// their active affiliates, with two queries.
func loadLinks(tx *gorm.DB, accountID uint64, keys []string) ([]CustomerLink, map[uint64]*Affiliate, error) {
	affs := map[uint64]*Affiliate{}
	if len(keys) == 0 {
		return nil, affs, nil
	}
	var links []CustomerLink
	if err := tx.Where("account_id = ? AND customer IN ?", accountID, keys).Find(&links).Error; err != nil || len(links) == 0 {
		return nil, affs, err
	}
	ids := map[uint64]bool{}
	for _, l := range links {
		ids[l.AffiliateID] = true
	}
	var rows []Affiliate
	if err := tx.Where("account_id = ? AND id IN ? AND status = ?", accountID, setKeys(ids), AffiliateActive).Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	for i := range rows {
		affs[rows[i].ID] = &rows[i]
	}
	return links, affs, nil
}

// linksOf are the links a booked conversion makes: an order credited to
// an affiliate by their code (not by lifetime, not a renewal, not the
// affiliate's own purchase) brings its customer to them.
func linksOf(a *Account, conv *Conversion, cr credit) []CustomerLink {
	if !a.LifetimeOn || conv.AffiliateID == nil || cr.lifetime != nil || cr.sub != nil || !conv.Earns() {
		return nil
	}
	var out []CustomerLink
	for _, k := range customerKeys(conv.ConnectionID, conv.CustomerID, conv.CustomerEmail) {
		out = append(out, CustomerLink{AccountID: conv.AccountID, Customer: k, AffiliateID: *conv.AffiliateID,
			ConversionID: conv.ID, LinkedAt: conv.PlacedAt})
	}
	return out
}

// saveLinks stores links: a customer not known yet is the affiliate's;
// one already linked moves to the new affiliate only where the new code
// wins and the order is later than the one that linked them.
func saveLinks(tx *gorm.DB, a *Account, links []CustomerLink) error {
	if len(links) == 0 {
		return nil
	}
	byKey := map[string]CustomerLink{}
	var keys []string
	for _, l := range links { // one row per customer: the latest order where codes win, else the first
		old, seen := byKey[l.Customer]
		if !seen {
			keys = append(keys, l.Customer)
		}
		if !seen || a.LifetimeCodeWins == l.LinkedAt.After(old.LinkedAt) {
			byKey[l.Customer] = l
		}
	}
	rows := make([]CustomerLink, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, byKey[k])
	}
	conflict := clause.OnConflict{Columns: []clause.Column{{Name: "account_id"}, {Name: "customer"}}, DoNothing: true}
	if a.LifetimeCodeWins {
		conflict = clause.OnConflict{Columns: []clause.Column{{Name: "account_id"}, {Name: "customer"}},
			DoUpdates: clause.AssignmentColumns([]string{"affiliate_id", "conversion_id", "linked_at", "updated_at"}),
			Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "customer_links.linked_at < excluded.linked_at"}}}}
	}
	return tx.Clauses(conflict).Create(&rows).Error
}

// lifetimeNote says why a conversion credited by lifetime attribution
// went to its affiliate.
func lifetimeNote(aff *Affiliate, l *CustomerLink) string {
	return "repeat order of a customer brought by " + aff.Name + " on " + l.LinkedAt.UTC().Format(time.DateOnly)
}
