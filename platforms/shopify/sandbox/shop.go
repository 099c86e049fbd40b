package sandbox

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Shop is one store of the sandbox. Its exported fields never change after
// AddShop; everything else is guarded by the sandbox.
type Shop struct {
	ID       int64
	Domain   string // e.g. demo-store.myshopify.com
	Name     string
	Email    string
	Currency string
	Plan     string

	discounts []*discount
	byCode    map[string]*discount // upper-cased code → its discount
	orders    map[int64]*order
	orderSeq  int
	subs      []*subscription
	gqlBucket bucket
	gqlUsage  GraphQLUsage
	bulkOps   []*bulkOp
	restUsed  bucket

	products    []*product    // by id, ascending
	collections []*collection // by id, ascending
	contracts   []*contract   // subscription contracts, by id

	storeCredit storeCreditBook // added customers and store credit accounts (store_credit.go)
}

// subscription is a webhook subscription made through the Admin API.
type subscription struct {
	ID        int64
	Topic     string // "orders/paid"
	URI       string
	Format    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AddShop adds a shop, or returns the existing one with that domain. A
// bare name ("demo-store") gets ".myshopify.com"; currency defaults to USD.
func (s *Sandbox) AddShop(domain, currency string) *Shop {
	s.mu.Lock()
	defer s.mu.Unlock()
	domain = normDomain(domain)
	if sh, ok := s.shops[domain]; ok {
		return sh
	}
	if currency == "" {
		currency = "USD"
	}
	handle := strings.TrimSuffix(domain, ".myshopify.com")
	sh := &Shop{ID: s.id(), Domain: domain, Name: titleCase(handle),
		Email: "owner@" + handle + ".example", Currency: strings.ToUpper(currency),
		Plan: "Basic", byCode: map[string]*discount{}, orders: map[int64]*order{}, orderSeq: 1000}
	s.shops[domain] = sh
	s.seedCatalog(sh)
	return sh
}

// Shops lists the shops' domains.
func (s *Sandbox) Shops() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.shops))
	for d := range s.shops {
		out = append(out, d)
	}
	return out
}

// shop finds a shop by domain; call with mu held.
func (s *Sandbox) shop(domain string) (*Shop, error) {
	sh, ok := s.shops[normDomain(domain)]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownShop, domain)
	}
	return sh, nil
}

func titleCase(handle string) string {
	words := strings.FieldsFunc(handle, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

// bucket is a leaky bucket holding the capacity still available.
type bucket struct {
	available float64
	last      time.Time
	started   bool
}

// refill tops the bucket up for the time elapsed since it was last seen.
func (b *bucket) refill(now time.Time, capacity, rate float64) {
	if !b.started {
		b.available, b.last, b.started = capacity, now, true
		return
	}
	if d := now.Sub(b.last).Seconds(); d > 0 {
		b.available = min(capacity, b.available+d*rate)
		b.last = now
	}
}

// timestamp renders times as Shopify's REST payloads do.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02T15:04:05-07:00")
}

// gid is a resource's GraphQL global id.
func gid(typ string, id int64) string {
	return fmt.Sprintf("gid://shopify/%s/%d", typ, id)
}
