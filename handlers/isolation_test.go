package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

func TestTenantIsolation(t *testing.T) {
	v := newEnv(t)
	ctx := context.Background()
	a, b := v.tenant("Shop A"), v.tenant("Shop B")
	var affA, affB models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", a.key, map[string]string{"name": "Alice", "email": "alice@example.com"}, &affA)
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", b.key, map[string]string{"name": "Bert", "email": "bert@example.com"}, &affB)
	var codeA, codeB models.Code
	v.must(http.StatusCreated, "POST", "/api/v1/codes", a.key, map[string]any{"code": "ALICE10", "discount_type": "percentage", "discount_value": 1000, "affiliate_id": affA.ID}, &codeA)
	v.must(http.StatusCreated, "POST", "/api/v1/codes", b.key, map[string]any{"code": "BERT10", "discount_type": "percentage", "discount_value": 1000}, &codeB)
	payoutA := models.Payout{AccountID: a.acct.ID, AffiliateID: affA.ID, Amount: 500, Currency: "USD", EntryCount: 1, PaidAt: v.store.Now()}
	if err := v.store.DB().Create(&payoutA).Error; err != nil {
		t.Fatal(err)
	}

	aff := fmt.Sprintf("/api/v1/affiliates/%d", affA.ID)
	code := fmt.Sprintf("/api/v1/codes/%d", codeA.ID)
	gen := map[string]any{"discount_type": "percentage", "discount_value": 1000, "affiliate_ids": []uint64{affA.ID}}
	var emailA models.OutboxEmail
	v.must(http.StatusAccepted, "POST", aff+"/send-codes", a.key, nil, &emailA)
	connA, err := v.store.APIConnection(ctx, a.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("/api/v1/emails/%d", emailA.ID)
	tests := []struct {
		method, path string
		body         any
	}{
		{"GET", aff, nil},
		{"PATCH", aff, map[string]string{"name": "Mallory", "status": "disabled"}},
		{"DELETE", aff, nil},
		{"GET", aff + "/commission", nil},
		{"PUT", aff + "/commission", map[string]any{"basis_points": 9000}},
		{"DELETE", aff + "/commission", nil},
		{"GET", code, nil},
		{"POST", code + "/assign", map[string]any{"affiliate_id": affB.ID}},
		{"POST", code + "/unassign", nil},
		{"POST", code + "/deactivate", nil},
		{"POST", fmt.Sprintf("/api/v1/codes/%d/assign", codeB.ID), map[string]any{"affiliate_id": affA.ID}},
		{"POST", "/api/v1/codes", map[string]any{"code": "STEAL", "discount_type": "percentage", "discount_value": 1000, "affiliate_id": affA.ID}},
		{"POST", "/api/v1/codes/generate", gen},
		{"POST", "/api/v1/codes/preview", gen},
		{"GET", fmt.Sprintf("/api/v1/payouts/%d", payoutA.ID), nil},
		{"POST", "/api/v1/payouts", map[string]any{"affiliate_id": affA.ID, "currency": "USD"}},
		{"POST", aff + "/send-codes", nil},
		{"GET", email, nil},
		{"POST", email + "/resend", nil},
		{"POST", fmt.Sprintf("/api/v1/connections/%d/import", connA.ID), nil},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := v.call(tc.method, tc.path, b.key, tc.body)
			if msg := errorOf(t, rec); rec.Code != http.StatusNotFound || !strings.HasSuffix(msg, "not found") {
				t.Fatalf("B's key on A's object: %d %q, want 404", rec.Code, msg)
			}
		})
	}

	// Nothing of A changed, nothing of A leaks into B's lists.
	v.check("B's requests changed nothing of A's", func(t *testing.T) {
		got, _ := v.store.GetAffiliate(ctx, a.acct.ID, affA.ID)
		if got.Name != "Alice" || got.Status != models.AffiliateActive {
			t.Fatalf("A's affiliate changed: %+v", got)
		}
		if _, own, _ := v.store.GetAffiliateRule(ctx, a.acct.ID, affA.ID); own {
			t.Fatal("B gave A's affiliate a commission rule")
		}
		c, _ := v.store.GetCode(ctx, a.acct.ID, codeA.ID)
		if !c.Active || c.AffiliateID == nil || *c.AffiliateID != affA.ID {
			t.Fatalf("A's code changed: %+v", c)
		}
		c, _ = v.store.GetCode(ctx, b.acct.ID, codeB.ID)
		if c.AffiliateID != nil {
			t.Fatalf("B's code was given A's affiliate: %+v", c)
		}
		if got, _ := v.store.GetEmail(ctx, a.acct.ID, emailA.ID); got.Attempts != emailA.Attempts || got.Status != emailA.Status {
			t.Fatalf("B resent A's email: %+v", got)
		}
	})
	v.check("B's lists show none of A's data", func(t *testing.T) {
		var affs listOf[models.Affiliate]
		v.must(http.StatusOK, "GET", "/api/v1/affiliates?q=alice", b.key, nil, &affs)
		var codes listOf[models.Code]
		v.must(http.StatusOK, "GET", "/api/v1/codes", b.key, nil, &codes)
		var payouts listOf[models.Payout]
		v.must(http.StatusOK, "GET", "/api/v1/payouts", b.key, nil, &payouts)
		var convs listOf[models.Conversion]
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/conversions?affiliate_id=%d", affA.ID), b.key, nil, &convs)
		if affs.Total != 0 || codes.Total != 1 || payouts.Count != 0 || convs.Total != 0 {
			t.Fatalf("B sees A's data: affiliates %d, codes %d, payouts %d, conversions %d", affs.Total, codes.Total, payouts.Count, convs.Total)
		}
	})
}

func TestBadRequestsChangeNothing(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	big := `{"name":"X","email":"x@example.com","notes":"` + strings.Repeat("a", 1<<20) + `"}`
	tests := []struct {
		name, method, path, body, contentType string
		status                                int
		msg                                   string
	}{
		{"malformed", "POST", "/api/v1/affiliates", `{"name": "X",`, "", 400, "malformed JSON"},
		{"unknown field", "POST", "/api/v1/affiliates", `{"name":"X","emial":"x@example.com"}`, "", 400, `unknown field "emial"`},
		{"wrong type", "POST", "/api/v1/affiliates", `{"name":["X"],"email":"x@example.com"}`, "", 400, `field "name" must be a string`},
		{"trailing data", "POST", "/api/v1/affiliates", `{"name":"X","email":"x@example.com"} {}`, "", 400, "single JSON object"},
		{"empty body", "POST", "/api/v1/affiliates", ``, "", 400, "request body is empty"},
		{"form body", "POST", "/api/v1/affiliates", `name=X&email=x@example.com`, "application/x-www-form-urlencoded", 415, "Content-Type must be application/json"},
		{"oversize", "POST", "/api/v1/affiliates", big, "", 413, "larger than 1MB"},
		{"oversize order", "POST", "/api/v1/orders", `{"id":"1","codes":["` + strings.Repeat("A", 1<<20) + `"]}`, "", 413, "larger than 1MB"},
		{"unknown field in code", "POST", "/api/v1/codes", `{"code":"X1","discount_type":"percentage","discount_value":10,"discount":5}`, "", 400, `unknown field "discount"`},
		{"unknown field in patch", "PATCH", "/api/v1/affiliates/1", `{"nmae":"Y"}`, "", 400, `unknown field "nmae"`},
		{"unknown field in settings rule", "PUT", "/api/v1/settings", `{"default_commission":{"bps":5}}`, "", 400, `unknown field "bps"`},
		{"bad id", "PATCH", "/api/v1/affiliates/0", `{"name":"Y"}`, "", 400, "id must be a positive whole number"},
		{"no such route", "GET", "/api/v1/nothing", ``, "", 404, "no such route"},
	}
	// One affiliate to aim the PATCH at.
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Keep", "email": "keep@example.com"}, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := newRequest(tc.method, tc.path, "Bearer "+shop.key)
			req.Body = ioNopCloser(tc.body)
			req.ContentLength = int64(len(tc.body))
			ct := tc.contentType
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
			rec := serve(v, req)
			if msg := errorOf(t, rec); rec.Code != tc.status || !strings.Contains(msg, tc.msg) {
				t.Fatalf("%d %q, want %d mentioning %q", rec.Code, msg, tc.status, tc.msg)
			}
		})
	}
	// Oversize without a Content-Length (chunked): still 413.
	req := newRequest("POST", "/api/v1/affiliates", "Bearer "+shop.key)
	req.Body = ioNopCloser(big)
	req.ContentLength = -1
	if rec := serve(v, req); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked oversize: %d %s", rec.Code, rec.Body.String())
	}
	var affs listOf[models.Affiliate]
	v.must(http.StatusOK, "GET", "/api/v1/affiliates", shop.key, nil, &affs)
	if affs.Total != 1 || affs.Data[0].Name != "Keep" {
		t.Fatalf("bad requests changed affiliates: %+v", affs.Data)
	}
	var n int64
	v.store.DB().Table("webhook_events").Count(&n)
	if n != 0 {
		t.Fatalf("an oversize order was stored")
	}
	s, _ := v.store.GetDefaultRule(context.Background(), shop.acct.ID)
	if s.BasisPoints != 1000 {
		t.Fatalf("a refused settings update changed the rule: %+v", s)
	}
}

func TestServerErrorsAreJSONAndLoggedOnce(t *testing.T) {
	v := newEnv(t)
	shop := v.tenant("Shop")
	sqlDB, _ := v.store.DB().DB()
	// Auth runs first and needs the database; break it after a first call.
	v.must(http.StatusOK, "GET", "/api/v1/affiliates", shop.key, nil, nil)
	sqlDB.Close()
	rec := v.call("GET", "/api/v1/affiliates", shop.key, nil)
	if msg := errorOf(t, rec); rec.Code != http.StatusInternalServerError || msg != "internal server error" {
		t.Fatalf("%d %q", rec.Code, msg)
	}
	rid := rec.Header().Get("X-Request-Id")
	if rid == "" || !strings.Contains(rec.Body.String(), rid) {
		t.Fatalf("500 without its request id: %s", rec.Body.String())
	}
	if n := strings.Count(v.logs.String(), rid); n != 1 {
		t.Fatalf("the 500 is logged %d times, want once: %s", n, v.logs.String())
	}
	if strings.Contains(rec.Body.String(), "closed") {
		t.Fatalf("internal detail leaked: %s", rec.Body.String())
	}
}

func TestPanicIsA500LoggedOnce(t *testing.T) {
	v := newEnv(t)
	v.e.GET("/boom", func(echo.Context) error { panic("boom") })
	rec := v.call("GET", "/boom", "", nil)
	if msg := errorOf(t, rec); rec.Code != http.StatusInternalServerError || msg != "internal server error" {
		t.Fatalf("%d %q", rec.Code, msg)
	}
	rid := rec.Header().Get("X-Request-Id")
	if n := strings.Count(v.logs.String(), rid); n != 1 || !strings.Contains(v.logs.String(), "stack") {
		t.Fatalf("panic logged %d times: %s", n, v.logs.String())
	}
}

// Every API route refuses a request without credentials or with a key
// that is not one: 401, whatever the route (new routes included), but for
// the API's own description, which is public.
func TestEveryAPIRouteNeedsCredentials(t *testing.T) {
	v := newEnv(t)
	routes := 0
	for _, r := range v.e.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Path == "/api/v1/openapi.json" {
			continue
		}
		routes++
		path := strings.NewReplacer(":id", "1", ":kind", "welcome").Replace(r.Path)
		for _, key := range []string{"", "cc_live_not-a-real-key"} {
			rec := v.call(r.Method, path, key, map[string]any{})
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s %s with key %q: %d %s, want 401", r.Method, path, key, rec.Code, rec.Body.String())
			}
		}
	}
	if routes < 40 {
		t.Fatalf("only %d API routes registered", routes)
	}
	var events int64
	v.store.DB().Model(&models.WebhookEvent{}).Count(&events)
	if events != 0 {
		t.Fatalf("unauthenticated requests stored %d events", events)
	}
}
