package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"

	"codecredit/platforms/woocommerce/internal/wcmoney"
)

// Store is one sandbox store and its control API.
type Store struct {
	srv  *Server
	cfg  StoreConfig
	url  string
	host string
	path string

	mu         sync.Mutex
	nextID     int64
	keys       map[string]apiKey
	coupons    []*Coupon
	orders     []*Order
	subs       []*Subscription
	webhooks   []*webhook
	drop       int
	deny       bool
	failNext   []failure
	deliveries []Delivery
}

type apiKey struct {
	id          int64
	secret      string
	permissions string
}

// failure is a canned error answer for the next REST call.
type failure struct {
	status     int
	retryAfter string
}

// ErrNotFound is returned by control calls naming an unknown object.
var ErrNotFound = errors.New("sandbox: not found")

// URL is the store's home URL (no trailing slash).
func (st *Store) URL() string { return st.url }

// home is the home URL WordPress reports (home_url), without a trailing slash.
func (st *Store) home() string {
	if st.cfg.Home != "" {
		return strings.TrimRight(st.cfg.Home, "/")
	}
	return st.url
}

// homePage is the store's home page, where a visitor lands. WooCommerce
// core has no address that applies a coupon, so a query string changes
// nothing: the customer types the code at checkout (PlaceOrder plays it).
func (st *Store) homePage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	fmt.Fprintf(w, "<!doctype html><html><head><title>%s</title></head><body><h1>%s</h1><p>Have a coupon? Enter your code at checkout.</p></body></html>",
		html.EscapeString(st.cfg.Name), html.EscapeString(st.cfg.Name))
}

// Currency is the store currency.
func (st *Store) Currency() string { return st.cfg.Currency }

func (st *Store) id() int64 {
	st.nextID++
	return st.nextID
}

// AddKey creates REST API keys with permissions read, write or read_write,
// as the merchant would in WooCommerce > Settings > Advanced > REST API.
func (st *Store) AddKey(permissions string) (key, secret string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	key, secret = "ck_"+randomHex(20), "cs_"+randomHex(20)
	st.keys[key] = apiKey{id: st.id(), secret: secret, permissions: permissions}
	return key, secret
}

// RevokeKeys deletes every API key: calls with them get 401 from now on.
func (st *Store) RevokeKeys() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.keys = map[string]apiKey{}
}

// DenyNextAuthorization makes the merchant refuse the next app
// authorisation: no keys, the browser goes back with success=0.
func (st *Store) DenyNextAuthorization() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.deny = true
}

// FailNext makes the next REST call answer status (e.g. 429 with
// retryAfter seconds, or 500) before doing anything.
func (st *Store) FailNext(status int, retryAfter string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.failNext = append(st.failNext, failure{status: status, retryAfter: retryAfter})
}

// DropNextDelivery loses the next webhook delivery, as when the receiver
// was down: WooCommerce does not retry, so only reconciliation finds it.
func (st *Store) DropNextDelivery() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.drop++
}

// SeedCoupons adds n coupons SEED1..SEEDn, without webhooks (they predate
// the app): odd ones 10% off, even ones 5 currency units off the cart.
func (st *Store) SeedCoupons(n int) []Coupon {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]Coupon, 0, n)
	for i := 1; i <= n; i++ {
		c := &Coupon{ID: st.id(), Code: fmt.Sprintf("SEED%d", i), DiscountType: "percent", Amount: 1000}
		if i%2 == 0 {
			c.DiscountType, c.Amount = "fixed_cart", 5*pow10(wcmoney.Exponent(st.cfg.Currency))
		}
		c.Created = st.srv.now()
		c.Modified = c.Created
		st.coupons = append(st.coupons, c)
		out = append(out, *c)
	}
	return out
}

// AddCoupon adds one coupon without a webhook, as a coupon made before
// the app was connected.
func (st *Store) AddCoupon(c Coupon) (Coupon, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.couponByCode(c.Code) != nil {
		return Coupon{}, fmt.Errorf("sandbox: coupon %q exists", c.Code)
	}
	c.ID, c.Created, c.Modified = st.id(), st.srv.now(), st.srv.now()
	st.coupons = append(st.coupons, &c)
	return c, nil
}

// Coupons lists the store's coupons.
func (st *Store) Coupons() []Coupon {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]Coupon, 0, len(st.coupons))
	for _, c := range st.coupons {
		out = append(out, *c)
	}
	return out
}

// Webhooks lists the store's webhooks as topic → delivery URL, with status.
func (st *Store) Webhooks() []WebhookInfo {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]WebhookInfo, 0, len(st.webhooks))
	for _, w := range st.webhooks {
		out = append(out, WebhookInfo{ID: w.ID, Topic: w.Topic, DeliveryURL: w.DeliveryURL, Status: w.Status, Secret: w.Secret})
	}
	return out
}

// Deliveries lists every webhook delivery attempted, dropped ones included.
func (st *Store) Deliveries() []Delivery {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]Delivery(nil), st.deliveries...)
}

// Order returns a copy of an order.
func (st *Store) Order(id int64) (Order, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orderByID(id)
	if o == nil {
		return Order{}, ErrNotFound
	}
	return *o, nil
}

func (st *Store) couponByCode(code string) *Coupon {
	for _, c := range st.coupons {
		if strings.EqualFold(c.Code, strings.TrimSpace(code)) {
			return c
		}
	}
	return nil
}

func (st *Store) couponByID(id int64) *Coupon {
	for _, c := range st.coupons {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (st *Store) orderByID(id int64) *Order {
	for _, o := range st.orders {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
