package woocommerce

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"codecredit/platforms"
)

// StoreInfo is what connecting learns about a store.
type StoreInfo struct {
	// URL is the store's home URL as WordPress reports it, normalised: the
	// X-WC-Webhook-Source of its deliveries, so the connection's ExternalID.
	URL      string
	Name     string
	Currency string
}

// StoreInfo reads the store's home URL and name from the WordPress REST
// index (GET /wp-json/, read without the keys, as WordPress would refuse
// WooCommerce keys there) and its currency with the keys, which checks
// them. When the index names another home (https://www. for
// https://), c.ExternalID is moved there, where webhooks will come from.
// https://developer.wordpress.org/rest-api/reference/
// https://woocommerce.github.io/woocommerce-rest-api-docs/#retrieve-current-currency
func (a *Adapter) StoreInfo(ctx context.Context, c *platforms.Conn) (StoreInfo, error) {
	info := StoreInfo{URL: c.ExternalID}
	var index struct {
		Name string `json:"name"`
		Home string `json:"home"`
	}
	if _, err := a.do(ctx, c, call{method: http.MethodGet, path: "/wp-json/", public: true, out: &index}); err == nil {
		if home, err := NormalizeStoreURL(index.Home); err == nil {
			info.URL, c.ExternalID = home, home
		}
		info.Name = strings.TrimSpace(index.Name)
	}
	cur, err := a.StoreCurrency(ctx, c)
	if err != nil {
		return StoreInfo{}, err
	}
	info.Currency = cur
	return info, nil
}

// StoreCurrency reads the store's currency: GET /data/currencies/current.
// https://woocommerce.github.io/woocommerce-rest-api-docs/#retrieve-current-currency
func (a *Adapter) StoreCurrency(ctx context.Context, c *platforms.Conn) (string, error) {
	var cur struct {
		Code string `json:"code"`
	}
	if _, err := a.do(ctx, c, call{method: http.MethodGet, path: "/data/currencies/current", out: &cur}); err != nil {
		return "", err
	}
	code := strings.ToUpper(strings.TrimSpace(cur.Code))
	if !validCurrency(code) {
		return "", errors.New("woocommerce: the store reports no valid currency")
	}
	return code, nil
}
