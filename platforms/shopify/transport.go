package shopify

import (
	"net/http"
	"net/url"
	"strings"
)

// rebase returns a client that sends every request to base (scheme, host and
// any path prefix) while keeping the request's path and query, with the
// original host — the shop's domain — in the Host header. A nil base returns
// the client unchanged.
func rebase(c *http.Client, base *url.URL) *http.Client {
	if base == nil {
		return c
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	out := *c
	out.Transport = &rebaseTransport{base: base, next: next}
	return &out
}

type rebaseTransport struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip rewrites the destination and passes the request on.
func (t *rebaseTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	u := *r.URL
	u.Scheme, u.Host, u.User = t.base.Scheme, t.base.Host, nil
	u.Path = strings.TrimRight(t.base.Path, "/") + r.URL.Path
	if r.URL.RawPath != "" {
		u.RawPath = strings.TrimRight(t.base.EscapedPath(), "/") + r.URL.RawPath
	}
	out.URL = &u
	out.Host = host
	return t.next.RoundTrip(out)
}

// shopURL is an absolute URL on the shop (or on the base URL when set, with
// the shop named in a query parameter, since a browser cannot set Host).
func (a *Adapter) shopURL(shop, path string, q url.Values) string {
	u := url.URL{Scheme: "https", Host: shop, Path: path}
	if a.base != nil {
		u.Scheme, u.Host = a.base.Scheme, a.base.Host
		u.Path = strings.TrimRight(a.base.Path, "/") + path
		if q == nil {
			q = url.Values{}
		}
		q.Set("shop", shop)
	}
	if q != nil {
		u.RawQuery = q.Encode()
	}
	return u.String()
}
