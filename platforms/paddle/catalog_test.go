package paddle

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/paddle/sandbox"
)

// recorded serves one recorded response and keeps the request it got.
type recorded struct {
	status int
	header http.Header
	body   []byte
	got    *http.Request
	sent   []byte
}

func (rec *recorded) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.got = r
	rec.sent, _ = io.ReadAll(r.Body)
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rec.status)
	w.Write(rec.body)
}

func conn(key string) *platforms.Conn {
	return &platforms.Conn{ExternalID: "cc_test", Credentials: map[string]string{CredAPIKey: key}}
}

func TestImportCodesDocumentedList(t *testing.T) {
	// Paddle's sample response of https://developer.paddle.com/api-reference/discounts/list-discounts
	rec := &recorded{status: 200, body: fixture(t, "discounts_list.json")}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	a := New(Config{BaseURL: srv.URL + "/"})
	page, err := a.ImportCodes(context.Background(), conn("pdl_live_apikey_x"), "dsc_01gtf15svsqzgp9325ss4ebmwa")
	if err != nil {
		t.Fatal(err)
	}
	q := rec.got.URL.Query()
	if rec.got.URL.Path != "/discounts" || q.Get("status") != "active,archived" || q.Get("per_page") != "200" ||
		q.Get("after") != "dsc_01gtf15svsqzgp9325ss4ebmwa" || q.Get("order_by") != "id[ASC]" {
		t.Errorf("request = %s, want GET /discounts?status=active,archived&per_page=200&after=...&order_by=id[ASC]", rec.got.URL)
	}
	if got := rec.got.Header.Get("Authorization"); got != "Bearer pdl_live_apikey_x" {
		t.Errorf("Authorization = %q", got)
	}
	want := []platforms.DiscountCode{
		{PlatformID: "dsc_01gtf15svsqzgp9325ss4ebmwt", PlatformCodeID: "dsc_01gtf15svsqzgp9325ss4ebmwt", Code: "10OFFPRO",
			DiscountType: "other", DiscountValue: 1000, Currency: "USD", Active: true},
		{PlatformID: "dsc_01gtgraak4chyhnp47rrdv89ad", PlatformCodeID: "dsc_01gtgraak4chyhnp47rrdv89ad", Code: "98XFAUR91R",
			DiscountType: "percentage", DiscountValue: 5000, Active: true},
		{PlatformID: "dsc_01gtgztp8fpchantd5g1wrksa3", PlatformCodeID: "dsc_01gtgztp8fpchantd5g1wrksa3", Code: "BF2024",
			DiscountType: "percentage", DiscountValue: 1000, Active: true},
		{PlatformID: "dsc_01h9ydr8q3m2xb0yv5mz0w8k7c", PlatformCodeID: "dsc_01h9ydr8q3m2xb0yv5mz0w8k7c", Code: "Spring125",
			DiscountType: "percentage", DiscountValue: 1250, Active: false},
		{PlatformID: "dsc_01h9ydtkz2c3v4b5n6m7q8w9e0", PlatformCodeID: "dsc_01h9ydtkz2c3v4b5n6m7q8w9e0", Code: "WELCOME5",
			DiscountType: "fixed_amount", DiscountValue: 500, Currency: "EUR", Active: true},
	}
	if !reflect.DeepEqual(page.Codes, want) {
		t.Errorf("codes =\n%+v\nwant (the automatic discount skipped)\n%+v", page.Codes, want)
	}
	if page.Next != "" || page.Total != 6 {
		t.Errorf("next, total = %q, %d; want the last page of 6", page.Next, page.Total)
	}
}

func TestCreateCodeRequest(t *testing.T) {
	// The body of https://developer.paddle.com/api-reference/discounts/create-discount
	tests := []struct {
		name string
		in   platforms.NewCode
		want map[string]any // nil: refused before any call
	}{
		{"percentage", platforms.NewCode{Code: "ALICE15", Title: "Alice", DiscountType: "percentage", DiscountValue: 1500},
			map[string]any{"code": "ALICE15", "description": "Alice", "type": "percentage", "amount": "15", "enabled_for_checkout": true}},
		{"fractional percentage", platforms.NewCode{Code: "BOB", DiscountType: "percentage", DiscountValue: 1250},
			map[string]any{"code": "BOB", "description": "Codecredit BOB", "type": "percentage", "amount": "12.5", "enabled_for_checkout": true}},
		{"fixed amount", platforms.NewCode{Code: "TEN", DiscountType: "fixed_amount", DiscountValue: 1000, Currency: "eur"},
			map[string]any{"code": "TEN", "description": "Codecredit TEN", "type": "flat", "amount": "1000", "currency_code": "EUR", "enabled_for_checkout": true}},
		{"free shipping", platforms.NewCode{Code: "SHIP", DiscountType: "free_shipping"}, nil},
		{"once per customer", platforms.NewCode{Code: "ONCE", DiscountType: "percentage", DiscountValue: 1000, OncePerCustomer: true}, nil},
		{"fixed amount without currency", platforms.NewCode{Code: "TEN", DiscountType: "fixed_amount", DiscountValue: 1000}, nil},
		{"percentage over 100", platforms.NewCode{Code: "ALL", DiscountType: "percentage", DiscountValue: 10001}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			created := `{"data":{"id":"dsc_01new","status":"active","code":` + jsonString(tt.in.Code) + `,"type":"percentage","amount":"15"}}`
			rec := &recorded{status: 201, body: []byte(created)}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			dc, err := New(Config{BaseURL: srv.URL}).CreateCode(context.Background(), conn("k"), tt.in)
			var rej *platforms.RejectedError
			if tt.want == nil {
				if !errors.As(err, &rej) || rec.got != nil {
					t.Fatalf("err = %v, request sent = %v; want a RejectedError and no call", err, rec.got != nil)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			json.Unmarshal(rec.sent, &body)
			if rec.got.Method != http.MethodPost || rec.got.URL.Path != "/discounts" || !reflect.DeepEqual(body, tt.want) {
				t.Errorf("sent %s %s %v, want POST /discounts %v", rec.got.Method, rec.got.URL.Path, body, tt.want)
			}
			if dc.PlatformID != "dsc_01new" || dc.PlatformCodeID != "dsc_01new" || dc.Code != tt.in.Code {
				t.Errorf("created = %+v", dc)
			}
		})
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestAPIErrors(t *testing.T) {
	sb := sandbox.New(sandbox.Options{RequestsPerMinute: -1})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	a := New(Config{BaseURL: srv.URL})
	ctx := context.Background()
	key := sandbox.DefaultAPIKey
	if _, err := a.CreateCode(ctx, conn(key), platforms.NewCode{Code: "TAKEN", DiscountType: "percentage", DiscountValue: 500}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		setup func()
		key   string
		code  string
		check func(error) bool
	}{
		{"a taken code is Paddle's refusal", nil, key, "taken",
			func(err error) bool {
				var r *platforms.RejectedError
				return errors.As(err, &r) && strings.Contains(r.Reason, "conflicts with Discount ID")
			}},
		{"an invalid code is Paddle's refusal", nil, key, "NOT OK!",
			func(err error) bool {
				var r *platforms.RejectedError
				return errors.As(err, &r) && strings.Contains(r.Reason, "code: Code must be letters and numbers")
			}},
		{"throttled: retry after what Paddle says", func() { sb.ThrottleNext(1, 7*time.Second) }, key, "NEW1",
			func(err error) bool {
				var rl *platforms.RateLimitError
				return errors.As(err, &rl) && rl.RetryAfter == 7*time.Second
			}},
		{"a revoked key needs a reinstall", nil, "pdl_sdbx_apikey_revoked", "NEW2",
			func(err error) bool { return errors.Is(err, platforms.ErrUnauthorized) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			_, err := a.CreateCode(ctx, conn(tt.key), platforms.NewCode{Code: tt.code, DiscountType: "percentage", DiscountValue: 500})
			if !tt.check(err) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			_, err = a.ImportCodes(ctx, conn(tt.key), "")
			if tt.key != key && !errors.Is(err, platforms.ErrUnauthorized) {
				t.Fatalf("import with a refused key: %v, want ErrUnauthorized", err)
			}
		})
	}
	sb.ThrottleNext(1, 3*time.Second)
	var rl *platforms.RateLimitError
	if _, err := a.ImportCodes(ctx, conn(key), ""); !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Fatalf("throttled import: %v, want a RateLimitError of 3s", err)
	}
}

func TestBaseURLByKey(t *testing.T) {
	tests := []struct {
		base, key, want string
	}{
		{"", "pdl_sdbx_apikey_01abc_def_ghi", "https://sandbox-api.paddle.com"},
		{"", "pdl_live_apikey_01abc_def_ghi", "https://api.paddle.com"},
		{"", "legacykey0123456789", "https://api.paddle.com"},
		{"http://127.0.0.1:9999/", "pdl_live_apikey_01abc_def_ghi", "http://127.0.0.1:9999"},
	}
	for _, tt := range tests {
		if got := New(Config{BaseURL: tt.base}).baseURLFor(tt.key); got != tt.want {
			t.Errorf("baseURLFor(%q) with base %q = %q, want %q", tt.key, tt.base, got, tt.want)
		}
	}
}

func TestBaseURLKeepsPathPrefix(t *testing.T) {
	rec := &recorded{status: 200, body: []byte(`{"data":[],"meta":{"request_id":"r","pagination":{"per_page":200,"next":"","has_more":false,"estimated_total":0}}}`)}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	if _, err := New(Config{BaseURL: srv.URL + "/paddle"}).ImportCodes(context.Background(), conn("k"), ""); err != nil {
		t.Fatal(err)
	}
	if rec.got.URL.Path != "/paddle/discounts" {
		t.Errorf("path = %q, want /paddle/discounts", rec.got.URL.Path)
	}
}
