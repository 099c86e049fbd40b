package models

import (
	"context"
	"net/url"
	"strings"

	"gorm.io/gorm/clause"
)

// LinkDestination is one store of the account and where its codes' links
// send visitors: CheckoutURL is the merchant's checkout page, for the
// platforms whose links need one (Stripe, Paddle).
type LinkDestination struct {
	ConnectionID uint64 `json:"connection_id"`
	Platform     string `json:"platform"`
	Name         string `json:"name"`
	CheckoutURL  string `json:"checkout_url"`
}

// ListLinkDestinations lists the account's stores with their checkout
// pages, oldest store first.
func (s *Store) ListLinkDestinations(ctx context.Context, accountID uint64) ([]LinkDestination, error) {
	var conns []Connection
	db := s.db.WithContext(ctx)
	if err := db.Where("account_id = ?", accountID).Order("id").Find(&conns).Error; err != nil {
		return nil, wrapErr("list link destinations", err)
	}
	var checkouts []LinkCheckout
	if err := db.Where("account_id = ?", accountID).Find(&checkouts).Error; err != nil {
		return nil, wrapErr("list link destinations", err)
	}
	urls := map[uint64]string{}
	for _, c := range checkouts {
		urls[c.ConnectionID] = c.URL
	}
	out := make([]LinkDestination, len(conns))
	for i, c := range conns {
		out[i] = LinkDestination{ConnectionID: c.ID, Platform: c.Platform, Name: c.DisplayName(), CheckoutURL: urls[c.ID]}
	}
	return out, nil
}

// SetLinkCheckout sets (or, with an empty URL, clears) the checkout page
// the links of one of the account's stores send visitors to. The URL is
// an http(s) address without a fragment; another account's store is
// ErrNotFound.
func (s *Store) SetLinkCheckout(ctx context.Context, accountID, connectionID uint64, raw string) (*LinkDestination, error) {
	var conn Connection
	if err := first(s.db.WithContext(ctx), &conn, "connection", "id = ? AND account_id = ?", connectionID, accountID); err != nil {
		return nil, wrapErr("set link checkout", err)
	}
	raw = strings.TrimSpace(raw)
	db := s.db.WithContext(ctx)
	if raw == "" {
		err := db.Where("account_id = ? AND connection_id = ?", accountID, connectionID).Delete(&LinkCheckout{}).Error
		return &LinkDestination{ConnectionID: conn.ID, Platform: conn.Platform, Name: conn.DisplayName()}, wrapErr("set link checkout", err)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" || u.User != nil || len(raw) > 1024 {
		return nil, wrapErr("set link checkout", withField("checkout_url",
			invalidf("a checkout page is a web address like https://buy.stripe.com/abc123 (no #fragment, up to 1024 characters)")))
	}
	row := LinkCheckout{AccountID: accountID, ConnectionID: connectionID, URL: u.String(), UpdatedAt: s.now()}
	err = db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}, {Name: "connection_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"url", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return nil, wrapErr("set link checkout", err)
	}
	return &LinkDestination{ConnectionID: conn.ID, Platform: conn.Platform, Name: conn.DisplayName(), CheckoutURL: row.URL}, nil
}
