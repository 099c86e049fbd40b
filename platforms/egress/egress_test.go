package egress_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"codecredit/platforms/egress"
)

func TestCheckAddr(t *testing.T) {
	forbidden := []string{"127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
		"169.254.0.1", "0.0.0.0", "0.1.2.3", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fc00::1",
		"fd00:ec2::254", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
		"64:ff9b::a9fe:a9fe", "::127.0.0.1", "2002:7f00:1::1"}
	for _, s := range forbidden {
		if err := egress.CheckAddr(netip.MustParseAddr(s)); !errors.Is(err, egress.ErrForbidden) {
			t.Errorf("CheckAddr(%s) = %v, want forbidden", s, err)
		}
	}
	for _, s := range []string{"93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:93.184.216.34"} {
		if err := egress.CheckAddr(netip.MustParseAddr(s)); err != nil {
			t.Errorf("CheckAddr(%s) = %v, want allowed", s, err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	p := egress.Policy{Allow: []string{"http://127.0.0.1:8080/_sandbox/woocommerce"}}
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://shop.example/wp", true},
		{"https://shop.example:8443/", true},
		{"http://shop.example/", false},
		{"ftp://shop.example/", false},
		{"https://user:pw@shop.example/", false},
		{"https://127.0.0.1/", false},
		{"https://10.0.0.8/", false},
		{"https://169.254.169.254/latest/meta-data/", false},
		{"https://[::1]/", false},
		{"https://[fc00::1]/", false},
		{"https://0.0.0.0/", false},
		{"https://localhost/", false},
		{"https://shop.localhost./", false},
		{"http://127.0.0.1:8080/_sandbox/woocommerce/demo/wp-json/", true},
		{"http://127.0.0.1:8080/_sandbox/woocommerce", true},
		{"http://127.0.0.1:8080/_sandbox/woocommercex", false},
		{"http://127.0.0.1:8080/_sandbox/woocommerce/../../api/v1", false},
		{"http://127.0.0.1:8080/api/v1", false},
		{"http://127.0.0.1:8081/_sandbox/woocommerce/demo", false},
		{"https://127.0.0.1:8080/_sandbox/woocommerce/demo", false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		err = p.CheckURL(u)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, egress.ErrForbidden)) {
			t.Errorf("CheckURL(%s) = %v, want ok=%v", tt.url, err, tt.ok)
		}
	}
}

// fakeDNS resolves every name to one address.
type fakeDNS struct{ addr netip.Addr }

func (f fakeDNS) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{f.addr}, nil
}

// target is a listener that counts the requests reaching it.
func target(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	t.Cleanup(ts.Close)
	return ts, &hits
}

func get(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

// A public-looking name that resolves to loopback (or is rebound to it)
// is refused when dialled, and the listener there sees nothing.
func TestDialRefusesNameResolvingInternally(t *testing.T) {
	ts, hits := target(t)
	port := ts.URL[strings.LastIndex(ts.URL, ":"):]
	for _, ip := range []string{"127.0.0.1", "::ffff:127.0.0.1", "10.0.0.1", "169.254.169.254"} {
		c := egress.Policy{Resolver: fakeDNS{netip.MustParseAddr(ip)}}.Client(5 * time.Second)
		err := get(c, "https://shop.example"+port+"/wp-json/")
		if !errors.Is(err, egress.ErrForbidden) {
			t.Errorf("name resolving to %s: %v, want refused", ip, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the internal listener received %d requests", n)
	}
}

// An allowed server works; its redirect to a forbidden address is refused.
func TestAllowedServerAndRedirects(t *testing.T) {
	inner, hits := target(t)
	var redirectTo atomic.Value
	allowed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/shop/ok" {
			w.Write([]byte("fine"))
			return
		}
		http.Redirect(w, r, redirectTo.Load().(string), http.StatusFound)
	}))
	t.Cleanup(allowed.Close)
	c := egress.Policy{Allow: []string{allowed.URL + "/shop"}}.Client(5 * time.Second)
	if err := get(c, allowed.URL+"/shop/ok"); err != nil {
		t.Fatalf("allowed server: %v", err)
	}
	for _, to := range []string{inner.URL + "/internal", "https://169.254.169.254/latest/meta-data/", allowed.URL + "/admin"} {
		redirectTo.Store(to)
		if err := get(c, allowed.URL+"/shop/go"); !errors.Is(err, egress.ErrForbidden) {
			t.Errorf("redirect to %s: %v, want refused", to, err)
		}
	}
	if err := get(c, inner.URL+"/internal"); !errors.Is(err, egress.ErrForbidden) {
		t.Errorf("unlisted loopback server: %v, want refused", err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the internal listener received %d requests", n)
	}
}
