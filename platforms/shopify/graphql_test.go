package shopify

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
)

// fakeAdmin answers every call with status, headers and body, and records
// what it was asked.
type fakeAdmin struct {
	status  int
	headers map[string]string
	body    string
	got     *http.Request
	gotBody string
}

func (f *fakeAdmin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.got, f.gotBody = r, string(b)
	for k, v := range f.headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.status)
	io.WriteString(w, f.body)
}

func liveConn() *platforms.Conn {
	return &platforms.Conn{ExternalID: "super-toys.myshopify.com", Credentials: map[string]string{CredAccessToken: "shpat_1"}}
}

// Responses as documented at https://shopify.dev/docs/api/usage/limits and
// https://shopify.dev/docs/api/usage/response-codes.
func TestGraphQLErrors(t *testing.T) {
	throttled := `{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED","documentation":"https://shopify.dev/api/usage/rate-limits"}}],
	  "extensions":{"cost":{"requestedQueryCost":702,"actualQueryCost":null,
	  "throttleStatus":{"maximumAvailable":1000.0,"currentlyAvailable":102,"restoreRate":50.0}}}}`
	tests := []struct {
		name      string
		srv       fakeAdmin
		wantRetry time.Duration
		wantErr   error
	}{
		{"throttled: wait for the deficit at the restore rate", fakeAdmin{status: 200, body: throttled}, 12 * time.Second, nil},
		{"429 with Retry-After", fakeAdmin{status: 429, headers: map[string]string{"Retry-After": "2.0"}, body: `{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}`}, 2 * time.Second, nil},
		{"429 without Retry-After", fakeAdmin{status: 429, body: `{"errors":"Throttled"}`}, time.Second, nil},
		{"401 invalid token", fakeAdmin{status: 401, body: `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`}, 0, platforms.ErrUnauthorized},
		{"401 without a JSON body", fakeAdmin{status: 401, body: `Unauthorized`}, 0, platforms.ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(&tt.srv)
			defer srv.Close()
			a := New(Config{APIKey: "k", APISecret: "s", BaseURL: srv.URL})
			_, _, _, err := a.ShopInfo(context.Background(), liveConn())
			var rl *platforms.RateLimitError
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case !errors.As(err, &rl) || rl.RetryAfter != tt.wantRetry:
				t.Fatalf("err = %v, want RateLimitError{%s}", err, tt.wantRetry)
			}
		})
	}
}

func TestBaseURLKeepsPathAndShopHost(t *testing.T) {
	f := &fakeAdmin{status: 200, body: `{"data":{"shop":{"name":"Super Toys","email":"a@b.c","currencyCode":"usd"}}}`}
	srv := httptest.NewServer(f)
	defer srv.Close()
	a := New(Config{APIKey: "k", APISecret: "s", BaseURL: srv.URL + "/shopify/"})
	name, _, cur, err := a.ShopInfo(context.Background(), liveConn())
	if err != nil || name != "Super Toys" || cur != "USD" {
		t.Fatalf("ShopInfo = %q %q, %v", name, cur, err)
	}
	r := f.got
	if r.URL.Path != "/shopify/admin/api/"+APIVersion+"/graphql.json" || r.Host != "super-toys.myshopify.com" ||
		r.Header.Get("X-Shopify-Access-Token") != "shpat_1" || r.Method != http.MethodPost {
		t.Fatalf("request %s %s host %q token %q", r.Method, r.URL.Path, r.Host, r.Header.Get("X-Shopify-Access-Token"))
	}
	if !strings.Contains(f.gotBody, "currencyCode") {
		t.Fatalf("body %s", f.gotBody)
	}
}

func TestCreateCodeRejectsBeforeCallingShopify(t *testing.T) {
	a := New(Config{APIKey: "k", APISecret: "s", BaseURL: "http://127.0.0.1:1"})
	tests := []platforms.NewCode{
		{Code: "", DiscountType: "percentage", DiscountValue: 1000},
		{Code: "X", DiscountType: "percentage", DiscountValue: 0},
		{Code: "X", DiscountType: "percentage", DiscountValue: 10001},
		{Code: "X", DiscountType: "fixed_amount", DiscountValue: 0},
		{Code: "X", DiscountType: "free_shipping"},
	}
	for _, nc := range tests {
		_, err := a.CreateCode(context.Background(), liveConn(), nc)
		var rej *platforms.RejectedError
		if !errors.As(err, &rej) {
			t.Errorf("CreateCode(%+v) = %v; want RejectedError", nc, err)
		}
	}
}
