package sandbox

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// account is one Stripe account and everything on it.
type account struct {
	ID, Name, Email, Currency string
	created                   int64
	connected                 bool  // authorised the platform through Connect
	taxBps                    int64 // tax added to every sale, in basis points
	shipping                  int64 // shipping added to every checkout
	coupons                   map[string]*coupon
	promos                    []*promoCode // oldest first
	endpoints                 []*endpoint
	window                    int64 // the second the rate limit counts in
	calls                     int
}

func newAccount(id, name, email, currency string) *account {
	return &account{ID: id, Name: name, Email: email, Currency: strings.ToLower(currency),
		created: time.Now().Unix(), coupons: map[string]*coupon{}}
}

// allow counts a request in the account's one-second window.
func (a *account) allow(now time.Time, limit int) bool {
	if sec := now.Unix(); sec != a.window {
		a.window, a.calls = sec, 0
	}
	a.calls++
	return a.calls <= limit
}

// coupon is a Coupon (https://docs.stripe.com/api/coupons/object); the
// percentage is kept in basis points, exactly.
type coupon struct {
	ID, Name, Duration, Currency string
	PercentBps, AmountOff        int64
	DurationInMonths             int64
	MaxRedemptions               int64
	TimesRedeemed                int64
	Created                      int64
	Valid                        bool
	Metadata                     map[string]string
}

// discount is what the coupon takes off amount (in currency), rounded
// half up; nothing when it does not apply to that currency.
func (c *coupon) discount(amount int64, currency string) int64 {
	if c.PercentBps > 0 {
		return (amount*c.PercentBps + 5000) / 10000
	}
	if !strings.EqualFold(c.Currency, currency) {
		return 0
	}
	return min(c.AmountOff, amount)
}

// appliesTo reports whether the coupon still applies to the n-th invoice
// (0 = the first) of a subscription billed monthly.
func (c *coupon) appliesTo(n int) bool {
	switch c.Duration {
	case "forever":
		return true
	case "repeating":
		return int64(n) < c.DurationInMonths
	}
	return n == 0
}

// promoCode is a Promotion Code (https://docs.stripe.com/api/promotion_codes/object).
type promoCode struct {
	ID, Code, CouponID string
	Active, FirstTime  bool
	Created            int64
	TimesRedeemed      int64
	Metadata           map[string]string
}

// endpoint is a Webhook Endpoint (https://docs.stripe.com/api/webhook_endpoints/object).
type endpoint struct {
	ID, URL, Secret, APIVersion, Description string
	Events                                   []string
	Connect                                  bool
	Created                                  int64
}

func (e *endpoint) wants(eventType string) bool {
	for _, t := range e.Events {
		if t == "*" || t == eventType {
			return true
		}
	}
	return false
}

// activeCode finds the account's active promotion code with this text,
// whatever its case.
func (a *account) activeCode(code string) *promoCode {
	for _, p := range a.promos {
		if p.Active && strings.EqualFold(p.Code, code) {
			return p
		}
	}
	return nil
}

func (a *account) promo(id string) *promoCode {
	for _, p := range a.promos {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// formArray reads a form array sent as name[]=a&name[]=b or name[0]=a&name[1]=b.
func formArray(f url.Values, name string) []string {
	out := append([]string(nil), f[name+"[]"]...)
	type item struct {
		i int
		v []string
	}
	var indexed []item
	for k, v := range f {
		rest, ok := strings.CutPrefix(k, name+"[")
		if !ok || !strings.HasSuffix(rest, "]") {
			continue
		}
		if i, err := strconv.Atoi(strings.TrimSuffix(rest, "]")); err == nil {
			indexed = append(indexed, item{i, v})
		}
	}
	sort.Slice(indexed, func(a, b int) bool { return indexed[a].i < indexed[b].i })
	for _, it := range indexed {
		out = append(out, it.v...)
	}
	if len(out) == 0 {
		out = append(out, f[name]...)
	}
	return out
}

// formMap reads name[key]=value pairs, e.g. metadata.
func formMap(f url.Values, name string) map[string]string {
	out := map[string]string{}
	for k, v := range f {
		key, ok := strings.CutPrefix(k, name+"[")
		if ok && strings.HasSuffix(key, "]") && len(v) > 0 {
			out[strings.TrimSuffix(key, "]")] = v[0]
		}
	}
	return out
}

func formBool(f url.Values, name string, def bool) bool {
	v := f.Get(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def
	}
	return b
}

// expands reports whether the request asks to expand path.
func expands(f url.Values, path string) bool {
	for _, e := range formArray(f, "expand") {
		if e == path {
			return true
		}
	}
	return false
}

// percentBps reads a percent_off ("15", "15.5000") as basis points.
func percentBps(s string) (int64, bool) {
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	frac = strings.TrimRight(frac, "0")
	if whole == "" || len(whole) > 3 || len(frac) > 2 || strings.Trim(whole, "0123456789") != "" ||
		strings.Trim(frac, "0123456789") != "" {
		return 0, false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	h, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return w*100 + h, true
}

// percentText renders basis points as Stripe's percent_off number.
func percentText(bps int64) string {
	s := strconv.FormatInt(bps/100, 10)
	if frac := bps % 100; frac != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(100+frac, 10)[1:], "0")
	}
	return s
}
