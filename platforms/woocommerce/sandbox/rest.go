package sandbox

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// route is one REST endpoint: a method and a path pattern under /wp-json/wc/v3.
type route struct {
	method  string
	pattern *regexp.Regexp
	write   bool
	handle  func(st *Store, w http.ResponseWriter, r *http.Request, ids []int64)
}

var routes = []route{
	{http.MethodGet, re(`/coupons`), false, (*Store).listCoupons},
	{http.MethodPost, re(`/coupons`), true, (*Store).createCoupon},
	{http.MethodGet, re(`/coupons/(\d+)`), false, (*Store).getCoupon},
	{http.MethodPut, re(`/coupons/(\d+)`), true, (*Store).updateCoupon},
	{http.MethodDelete, re(`/coupons/(\d+)`), true, (*Store).deleteCoupon},
	{http.MethodGet, re(`/orders`), false, (*Store).listOrders},
	{http.MethodGet, re(`/orders/(\d+)`), false, (*Store).getOrder},
	{http.MethodGet, re(`/orders/(\d+)/refunds`), false, (*Store).listRefunds},
	{http.MethodGet, re(`/orders/(\d+)/refunds/(\d+)`), false, (*Store).getRefund},
	{http.MethodGet, re(`/subscriptions`), false, (*Store).listSubscriptions},
	{http.MethodGet, re(`/subscriptions/(\d+)`), false, (*Store).getSubscription},
	{http.MethodGet, re(`/webhooks`), false, (*Store).listWebhooks},
	{http.MethodPost, re(`/webhooks`), true, (*Store).createWebhook},
	{http.MethodGet, re(`/webhooks/(\d+)`), false, (*Store).getWebhook},
	{http.MethodPut, re(`/webhooks/(\d+)`), true, (*Store).updateWebhook},
	{http.MethodDelete, re(`/webhooks/(\d+)`), true, (*Store).deleteWebhook},
	{http.MethodGet, re(`/data/currencies/current`), false, (*Store).currentCurrency},
}

func re(p string) *regexp.Regexp { return regexp.MustCompile(`^` + p + `/?$`) }

// serveREST authenticates a REST call and runs its endpoint.
func (st *Store) serveREST(w http.ResponseWriter, r *http.Request, path string) {
	if st.cannedFailure(w) {
		return
	}
	for _, rt := range routes {
		m := rt.pattern.FindStringSubmatch(path)
		if m == nil || rt.method != r.Method && !(rt.method == http.MethodPut && r.Method == http.MethodPatch) {
			continue
		}
		if !st.authenticate(w, r, rt.write) {
			return
		}
		var ids []int64
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			ids = append(ids, n)
		}
		rt.handle(st, w, r, ids)
		return
	}
	writeError(w, http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")
}

func (st *Store) cannedFailure(w http.ResponseWriter) bool {
	st.mu.Lock()
	if len(st.failNext) == 0 {
		st.mu.Unlock()
		return false
	}
	f := st.failNext[0]
	st.failNext = st.failNext[1:]
	st.mu.Unlock()
	if f.retryAfter != "" {
		w.Header().Set("Retry-After", f.retryAfter)
	}
	writeError(w, f.status, "sandbox_canned_failure", http.StatusText(f.status))
	return true
}

// authenticate checks Basic auth (consumer key and secret) and the key's
// permissions, answering as WooCommerce does when they fail.
func (st *Store) authenticate(w http.ResponseWriter, r *http.Request, write bool) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		writeError(w, http.StatusUnauthorized, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
		return false
	}
	st.mu.Lock()
	key, found := st.keys[user]
	st.mu.Unlock()
	switch {
	case !found:
		writeError(w, http.StatusUnauthorized, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
	case key.secret != pass:
		writeError(w, http.StatusUnauthorized, "woocommerce_rest_authentication_error", "Invalid signature - provided signature does not match.")
	case write && key.permissions == "read":
		writeError(w, http.StatusUnauthorized, "woocommerce_rest_cannot_create", "The API key provided does not have write permissions.")
	case !write && key.permissions == "write":
		writeError(w, http.StatusUnauthorized, "woocommerce_rest_cannot_view", "The API key provided does not have read permissions.")
	default:
		return true
	}
	return false
}

// paging reads page and per_page (default 10, at most 100).
func paging(r *http.Request) (page, per int, ok bool) {
	page, per = 1, 10
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, false
		}
		page = n
	}
	if v := r.URL.Query().Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return 0, 0, false
		}
		per = n
	}
	return page, per, true
}

// writePage answers one page of items with X-WP-Total and X-WP-TotalPages.
func writePage[T any](w http.ResponseWriter, r *http.Request, items []T) {
	page, per, ok := paging(r)
	if !ok {
		writeError(w, http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): page, per_page")
		return
	}
	if r.URL.Query().Get("order") != "asc" { // WooCommerce lists newest first by default
		slices.Reverse(items)
	}
	pages := (len(items) + per - 1) / per
	w.Header().Set("X-WP-Total", strconv.Itoa(len(items)))
	w.Header().Set("X-WP-TotalPages", strconv.Itoa(pages))
	from, to := min((page-1)*per, len(items)), min(page*per, len(items))
	writeJSON(w, http.StatusOK, items[from:to])
}

// parseDate reads an ISO 8601 date parameter, with or without a zone
// (without one it is GMT when dates_are_gmt is true, and the sandbox's
// site timezone is UTC anyway).
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
