package sandbox

import (
	"slices"
	"strings"
)

// Uninstall removes the app from a shop: app/uninstalled is delivered (the
// body is the shop, as documented for that topic), then the shop's
// subscriptions are dropped and its tokens revoked.
func (s *Sandbox) Uninstall(shop string) error {
	s.mu.Lock()
	sh, err := s.shop(shop)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	s.emit(sh, "app/uninstalled", shopPayload(sh))
	sh.subs = nil
	s.revokeLocked(sh.Domain)
	s.mu.Unlock()
	s.flush(true)
	return nil
}

// RequestCustomerData delivers customers/data_request for the customer
// with email (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance).
func (s *Sandbox) RequestCustomerData(shop, email string) error {
	return s.compliance(shop, func(sh *Shop) {
		p := DataRequestPayload{ShopID: sh.ID, ShopDomain: sh.Domain}
		p.Customer, p.OrdersRequested = s.complianceCustomer(sh, email)
		p.DataRequest.ID = s.id()
		s.emit(sh, "customers/data_request", p)
	})
}

// RedactCustomer delivers customers/redact for the customer with email.
func (s *Sandbox) RedactCustomer(shop, email string) error {
	return s.compliance(shop, func(sh *Shop) {
		p := CustomerRedactPayload{ShopID: sh.ID, ShopDomain: sh.Domain}
		p.Customer, p.OrdersToRedact = s.complianceCustomer(sh, email)
		s.emit(sh, "customers/redact", p)
	})
}

// RedactShop delivers shop/redact, as Shopify does 48 hours after an
// uninstall.
func (s *Sandbox) RedactShop(shop string) error {
	return s.compliance(shop, func(sh *Shop) {
		s.emit(sh, "shop/redact", ShopRedactPayload{ShopID: sh.ID, ShopDomain: sh.Domain})
	})
}

func (s *Sandbox) compliance(shop string, emit func(*Shop)) error {
	s.mu.Lock()
	sh, err := s.shop(shop)
	if err == nil {
		emit(sh)
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.flush(true)
	return nil
}

// complianceCustomer names the customer with email and their orders; call
// with mu held.
func (s *Sandbox) complianceCustomer(sh *Shop, email string) (ComplianceCustomer, []int64) {
	c := ComplianceCustomer{Email: email}
	orders := []int64{}
	for _, o := range sh.orders {
		if strings.EqualFold(o.Email, email) {
			c.ID = o.CustomerID
			orders = append(orders, o.ID)
		}
	}
	if c.ID == 0 {
		c.ID = s.id()
	}
	slices.Sort(orders)
	return c, orders
}
