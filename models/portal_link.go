package models

import (
	"context"
	"strings"
	"time"
)

// PortalLink is a sign-in link to the affiliate portal the merchant made
// for one affiliate, to hand over themselves: it works once, until
// ExpiresAt, like the links the portal emails.
type PortalLink struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
	// ExpiresIn says the link's lifetime in words: "15 minutes".
	ExpiresIn string `json:"expires_in"`
	SingleUse bool   `json:"single_use"`
}

// IssuePortalLink makes a fresh sign-in link for an active affiliate of
// the account, stored hashed like the emailed ones. appURL is APP_URL.
// Another account's affiliate is ErrNotFound; a disabled one ErrInvalid.
func (s *Store) IssuePortalLink(ctx context.Context, accountID, affiliateID uint64, appURL string) (*PortalLink, error) {
	aff, err := s.GetAffiliate(ctx, accountID, affiliateID)
	if err != nil {
		return nil, wrapErr("issue portal link", err)
	}
	if aff.Status != AffiliateActive {
		return nil, wrapErr("issue portal link", invalidf("affiliate %d (%s) is disabled, and a disabled affiliate cannot sign in to the portal; enable it first", aff.ID, aff.Name))
	}
	raw, hash, err := secret()
	if err != nil {
		return nil, wrapErr("issue portal link", err)
	}
	now := s.now()
	tok := PortalToken{AccountID: accountID, AffiliateID: aff.ID, Hash: hash, ExpiresAt: now.Add(PortalLinkTTL),
		CreatedAt: now, ByMerchant: true}
	if err := s.db.WithContext(ctx).Create(&tok).Error; err != nil {
		return nil, wrapErr("issue portal link", err)
	}
	return &PortalLink{URL: strings.TrimRight(appURL, "/") + "/portal/auth?token=" + raw, ExpiresAt: tok.ExpiresAt,
		ExpiresIn: "15 minutes", SingleUse: true}, nil
}
