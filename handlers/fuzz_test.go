package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// fuzzShop is an account on PostgreSQL with an affiliate holding JANE15
// and a booked USD order 1001, served by every route.
type fuzzShop struct {
	store *models.Store
	e     *echo.Echo
	key   string
}

func newFuzzShop(tb testing.TB) *fuzzShop {
	s := testdb.Postgres(tb)
	e := echo.New()
	handlers.Register(e, handlers.Deps{Store: s, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx := context.Background()
	a, err := s.CreateAccount(ctx, "Fuzz shop", "", "USD")
	if err != nil {
		tb.Fatal(err)
	}
	key, err := s.CreateAPIKey(ctx, a.ID)
	if err != nil {
		tb.Fatal(err)
	}
	aff, err := s.CreateAffiliate(ctx, a.ID, models.NewAffiliate{Name: "Jane", Email: "jane@example.com"})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.CreateManualCode(ctx, a.ID, models.NewCode{Code: "JANE15", AffiliateID: &aff.ID,
		DiscountSpec: models.DiscountSpec{Type: models.DiscountPercentage, Value: 1500}}); err != nil {
		tb.Fatal(err)
	}
	conn, err := s.APIConnection(ctx, a.ID)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: "1001", Codes: []string{"JANE15"},
		Currency: "USD", Subtotal: 10000, Total: 10000, PlacedAt: s.Now()}); err != nil {
		tb.Fatal(err)
	}
	return &fuzzShop{store: s, e: e, key: key}
}

func (f *fuzzShop) do(method, target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	req.Header.Set(echo.HeaderAuthorization, "Bearer "+f.key)
	rec := httptest.NewRecorder()
	f.e.ServeHTTP(rec, req)
	return rec
}

func (f *fuzzShop) events(t *testing.T) int64 {
	var n int64
	if err := f.store.DB().Table("webhook_events").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// checkIngest posts body to path: the answer is a 2xx whose event the
// worker then books without error, or a 4xx that stored nothing; never a
// 5xx.
func (f *fuzzShop) checkIngest(t *testing.T, path, body string) {
	before := f.events(t)
	rec := f.do("POST", path, body)
	switch {
	case rec.Code == http.StatusAccepted:
		var a ingestAnswer
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
			t.Fatalf("202 answer %q: %v", rec.Body, err)
		}
		if err := bookEvent(f.store, a.EventID); err != nil {
			t.Fatalf("accepted %s %q, then the worker refused it: %v", path, body, err)
		}
	case rec.Code == http.StatusOK:
		if f.events(t) != before {
			t.Fatalf("a duplicate %q stored an event", body)
		}
	case rec.Code >= 400 && rec.Code < 500:
		if f.events(t) != before {
			t.Fatalf("%d for %q, yet an event was stored", rec.Code, body)
		}
	default:
		t.Fatalf("%s %q: %d %s", path, body, rec.Code, rec.Body)
	}
}

func FuzzCreateOrder(f *testing.F) {
	for _, seed := range []string{
		orderJSON,
		`{"id":"1002","codes":["jane15"],"currency":"JPY","subtotal":5000,"total":5000,"placed_at":"2026-11-20T10:00:00+09:00"}`,
		`{"id":"1003","codes":["JANE15"],"currency":"KWD","subtotal":0,"customer_email":"jane@example.com","placed_at":"2026-11-20T10:00:00Z"}`,
		`{"id":"1004","codes":[],"currency":"USD","subtotal":10000000000000,"subscription_id":"sub_1","placed_at":"2026-11-20T10:00:00Z","test":true}`,
		`{"id":"1\u0000","codes":["JANE15"],"currency":"USD","subtotal":1,"placed_at":"2026-11-20T10:00:00Z"}`,
		`{"id":"1005","codes":["JANE15"],"currency":"=1+","subtotal":1,"placed_at":"2026-11-20T10:00:00Z"}`,
		`{"id":"1006","codes":["JANE15"],"currency":"<b>","subtotal":9223372036854775807,"placed_at":"2026-11-20T10:00:00Z"}`,
		`{"id":"1007","customer_name":"a\r\nb","currency":"USD","subtotal":1,"placed_at":"0000-01-01T00:00:00Z"}`,
		`{"id":"","currency":"usd"}`, `[]`, `{`, `null`, ``,
	} {
		f.Add(seed)
	}
	shop := newFuzzShop(f)
	f.Fuzz(func(t *testing.T, body string) {
		shop.checkIngest(t, "/api/v1/orders", body)
	})
}

func FuzzCreateRefund(f *testing.F) {
	for _, seed := range []string{
		`{"id":"r1","order_id":"1001","currency":"USD","subtotal":2500,"created_at":"2026-11-21T10:00:00Z"}`,
		`{"id":"r2","order_id":"1001","full":true,"created_at":"2026-11-21T10:00:00Z"}`,
		`{"id":"r3","order_id":"1001","amount":500,"subtotal":0,"full":true,"created_at":"2026-11-21T10:00:00Z"}`,
		`{"id":"r4","order_id":"9999","currency":"JPY","subtotal":5000,"created_at":"2026-11-21T10:00:00Z"}`,
		`{"id":"r5","order_id":"1001","currency":"JPY","subtotal":5000,"created_at":"2026-11-21T10:00:00Z"}`,
		`{"id":"r6","order_id":"1001","currency":"USD","subtotal":9223372036854775807,"created_at":"2026-11-21T10:00:00Z"}`,
		`{"id":"r\u0000","order_id":"1001","subtotal":1,"created_at":"2026-11-21T10:00:00Z"}`,
		`{"id":"r7","order_id":"10\n01","subtotal":-1,"created_at":"2026-11-21T10:00:00Z"}`,
		`{"id":"r8","order_id":"1001","subtotal":0}`, `{}`, `"x"`, ``,
	} {
		f.Add(seed)
	}
	shop := newFuzzShop(f)
	f.Fuzz(func(t *testing.T, body string) {
		shop.checkIngest(t, "/api/v1/refunds", body)
	})
}

// FuzzIDParams sends any text as every path id, page, per_page and id in a
// query string: never a 5xx, and every error is JSON.
func FuzzIDParams(f *testing.F) {
	for _, seed := range []string{"1", "0", "-1", "2", "9223372036854775807", "9223372036854775808",
		"18446744073709551615", "18446744073709551616", "1e3", "0x10", " 1", "１", "\x00", "\r\n", "", "abc", "1000000000",
		"46116860184273880"} {
		f.Add(seed)
	}
	shop := newFuzzShop(f)
	f.Fuzz(func(t *testing.T, s string) {
		p, q := url.PathEscape(s), url.QueryEscape(s)
		for _, target := range []string{
			"/api/v1/affiliates/" + p, "/api/v1/affiliates/" + p + "/commission", "/api/v1/codes/" + p,
			"/api/v1/payouts/" + p, "/api/v1/emails/" + p,
			"/api/v1/affiliates?page=" + q + "&per_page=" + q + "&q=" + q,
			"/api/v1/codes?affiliate_id=" + q + "&connection_id=" + q + "&page=" + q,
			"/api/v1/conversions?affiliate_id=" + q + "&page=" + q + "&per_page=" + q,
			"/api/v1/balances?affiliate_id=" + q, "/api/v1/emails?page=" + q,
		} {
			rec := shop.do("GET", target, "")
			if rec.Code >= 500 {
				t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
			}
			if rec.Code >= 400 && !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("GET %s: %d with a body that is not JSON: %q", target, rec.Code, rec.Body)
			}
		}
	})
}
