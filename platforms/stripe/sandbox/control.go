package sandbox

import (
	"fmt"
	"strings"
)

// The control API: what a test or a demo does on the Stripe side, where a
// merchant would use the dashboard.

// CreateAccount opens an account and returns its id and a restricted key
// for it, as a merchant pastes into the app.
func (s *Server) CreateAccount(name, email, currency string) (id, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := newAccount(newID("acct_"), name, email, currency)
	a.created = s.opts.Now().Unix()
	key = newID("rk_live_")
	s.accounts[a.ID] = a
	s.keys[key] = a.ID
	return a.ID, key
}

// ConnectNext makes the next OAuth approval connect this account (else a
// new account is made for it).
func (s *Server) ConnectNext(accountID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextConnect = accountID
}

// Connected reports whether an account has authorised the platform.
func (s *Server) Connected(accountID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountID]
	return a != nil && a.connected
}

// SeedPromotionCodes creates n promotion codes on an account, as if made
// in the dashboard before the app came: even ones on a 10% coupon, odd ones
// on a 5.00 fixed-amount coupon, every third one inactive. It returns the
// codes, oldest first.
func (s *Server) SeedPromotionCodes(accountID string, n int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountID]
	if a == nil {
		return nil, fmt.Errorf("sandbox: no account %s", accountID)
	}
	now := s.opts.Now().Unix()
	pct := &coupon{ID: "SEED10PCT", Name: "10% off", Duration: "once", PercentBps: 1000, Valid: true, Created: now}
	off := &coupon{ID: "SEED5OFF", Name: "5 off", Duration: "once", AmountOff: 500, Currency: a.Currency, Valid: true, Created: now}
	for _, c := range []*coupon{pct, off} {
		if a.coupons[c.ID] == nil {
			a.coupons[c.ID] = c
		}
	}
	codes := make([]string, 0, n)
	for i := range n {
		c := pct
		if i%2 == 1 {
			c = off
		}
		code := fmt.Sprintf("SEED%04d", len(a.promos)+1)
		a.promos = append(a.promos, &promoCode{ID: newID("promo_"), Code: code, CouponID: c.ID,
			Active: i%3 != 2, Created: now})
		codes = append(codes, code)
	}
	return codes, nil
}

// SetTax makes every later sale of the account carry tax at bps.
func (s *Server) SetTax(accountID string, bps int64) {
	s.withAccount(accountID, func(a *account) { a.taxBps = bps })
}

// SetShipping makes every later checkout of the account carry shipping.
func (s *Server) SetShipping(accountID string, amount int64) {
	s.withAccount(accountID, func(a *account) { a.shipping = amount })
}

// SetRateLimit changes the API requests allowed per second per account.
func (s *Server) SetRateLimit(perSecond int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.RateLimit = perSecond
}

func (s *Server) withAccount(id string, fn func(*account)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.accounts[id]; a != nil {
		fn(a)
	}
}

// PromotionCode is a promotion code as the sandbox holds it.
type PromotionCode struct {
	ID, Code, CouponID string
	Active             bool
	PercentBps         int64 // the coupon's percentage in basis points, or 0
	AmountOff          int64 // the coupon's fixed amount, or 0
	Currency           string
	Duration           string
}

// PromotionCodes lists an account's promotion codes, oldest first.
func (s *Server) PromotionCodes(accountID string) []PromotionCode {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountID]
	if a == nil {
		return nil
	}
	out := make([]PromotionCode, 0, len(a.promos))
	for _, p := range a.promos {
		pc := PromotionCode{ID: p.ID, Code: p.Code, CouponID: p.CouponID, Active: p.Active}
		if c := a.coupons[p.CouponID]; c != nil {
			pc.PercentBps, pc.AmountOff, pc.Currency, pc.Duration = c.PercentBps, c.AmountOff, strings.ToUpper(c.Currency), c.Duration
		}
		out = append(out, pc)
	}
	return out
}

// DeactivatePromotionCode deactivates a code and delivers promotion_code.updated.
func (s *Server) DeactivatePromotionCode(accountID, code string) error {
	s.mu.Lock()
	a := s.accounts[accountID]
	var p *promoCode
	if a != nil {
		p = a.activeCode(code)
	}
	if p == nil {
		s.mu.Unlock()
		return fmt.Errorf("sandbox: no active promotion code %q on %s", code, accountID)
	}
	p.Active = false
	ev := s.event(a, "promotion_code.updated", promoJSON(a, p, false))
	s.mu.Unlock()
	return s.send(ev)
}

// Deauthorize plays the merchant disconnecting the platform from a
// connected account: account.application.deauthorized goes to the
// platform's endpoints, then the account is no longer reachable.
func (s *Server) Deauthorize(accountID string) error {
	s.mu.Lock()
	a := s.accounts[accountID]
	if a == nil || !a.connected {
		s.mu.Unlock()
		return fmt.Errorf("sandbox: %s is not connected", accountID)
	}
	ev := s.event(a, "account.application.deauthorized", map[string]any{"id": s.opts.ClientID,
		"object": "application", "name": "Codecredit"})
	a.connected = false
	s.mu.Unlock()
	return s.send(ev)
}

// Endpoints lists the URLs of an account's own webhook endpoints (those
// hearing about the account itself).
func (s *Server) Endpoints(accountID string) []string {
	return s.endpointURLs(accountID, false)
}

// ConnectEndpoints lists the URLs of an account's Connect endpoints (made
// with connect=true: they hear about its connected accounts).
func (s *Server) ConnectEndpoints(accountID string) []string {
	return s.endpointURLs(accountID, true)
}

func (s *Server) endpointURLs(accountID string, connect bool) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountID]
	if a == nil {
		return nil
	}
	out := []string{}
	for _, e := range a.endpoints {
		if e.Connect == connect {
			out = append(out, e.URL)
		}
	}
	return out
}
