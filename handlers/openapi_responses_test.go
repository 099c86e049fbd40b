package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// specChecker validates real answers against the document the server
// serves at /api/v1/openapi.json.
type specChecker struct {
	v      *env
	router routers.Router
}

func newSpecChecker(t *testing.T, v *env) *specChecker {
	t.Helper()
	rec := v.call("GET", "/api/v1/openapi.json", "", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json without a key: %d %s", rec.Code, rec.Body)
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("the served document does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the served document is not valid: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &specChecker{v: v, router: router}
}

// check sends a request, wants the status, and validates the answer
// against the operation's response schema for that status.
func (s *specChecker) check(want int, method, path, key string, body any) *httptest.ResponseRecorder {
	s.v.t.Helper()
	rec := s.v.call(method, path, key, body)
	if rec.Code != want {
		s.v.t.Fatalf("%s %s: %d %s, want %d", method, path, rec.Code, rec.Body, want)
	}
	req := httptest.NewRequest(method, path, nil)
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		s.v.t.Fatalf("%s %s is not in the document: %v", method, path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 rec.Code, Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		s.v.t.Errorf("%s %s: the %d answer does not match the document: %v\n%s", method, path, rec.Code, err, rec.Body)
	}
	return rec
}

func TestOpenAPIMatchesRealAnswers(t *testing.T) {
	v := newEnv(t)
	s := newSpecChecker(t, v)
	shop := v.tenant("Spec Shop")
	var aff struct{ ID uint64 }
	decodeInto(t, s.check(201, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Ada Lovelace", "email": "ada@example.com"}).Body.Bytes(), &aff)
	s.check(200, "GET", fmt.Sprintf("/api/v1/affiliates/%d", aff.ID), shop.key, nil)
	s.check(200, "GET", "/api/v1/affiliates", shop.key, nil)

	var conv struct{ ID uint64 }
	decodeInto(t, s.check(201, "POST", "/api/v1/conversions", shop.key, map[string]any{"affiliate_id": aff.ID, "order_id": "hand-1",
		"subtotal": 9000, "reason": "phone order"}).Body.Bytes(), &conv)
	s.check(200, "GET", fmt.Sprintf("/api/v1/conversions/%d", conv.ID), shop.key, nil)
	s.check(200, "GET", "/api/v1/conversions", shop.key, nil)
	s.check(200, "GET", "/api/v1/ledger", shop.key, nil)

	var code struct{ ID uint64 }
	decodeInto(t, s.check(201, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "ADA10", "discount_type": "percentage",
		"discount_value": 1000, "affiliate_id": aff.ID}).Body.Bytes(), &code)
	s.check(200, "GET", fmt.Sprintf("/api/v1/codes/%d", code.ID), shop.key, nil)
	s.check(200, "GET", "/api/v1/codes", shop.key, nil)
	s.check(200, "GET", "/api/v1/payouts", shop.key, nil)
	s.check(200, "GET", "/api/v1/balances", shop.key, nil)
	s.check(200, "GET", "/api/v1/settings", shop.key, nil)
	s.check(200, "PUT", "/api/v1/settings", shop.key, map[string]any{"min_payout": 5000})

	var accepted struct {
		EventID uint64 `json:"event_id"`
	}
	decodeInto(t, s.check(202, "POST", "/api/v1/orders", shop.key, orderJSON).Body.Bytes(), &accepted)
	s.check(200, "POST", "/api/v1/orders", shop.key, orderJSON)
	s.check(202, "POST", "/api/v1/refunds", shop.key, `{"id":"r1","order_id":"1001","currency":"USD","subtotal":2500,"created_at":"2026-11-21T10:00:00Z"}`)
	s.check(200, "GET", "/api/v1/events", shop.key, nil)
	s.check(200, "GET", fmt.Sprintf("/api/v1/events/%d", accepted.EventID), shop.key, nil)
	s.check(200, "GET", "/api/v1/refunds/waiting", shop.key, nil)

	reader := v.newKey(shop, "Reader", "read")
	s.check(201, "POST", "/api/v1/api-keys", shop.key, map[string]any{"name": "Checkout", "scopes": []string{"orders:write"}})
	s.check(200, "GET", "/api/v1/api-keys", shop.key, nil)

	// Errors, each in the one error shape.
	s.check(400, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "No Email"})
	s.check(409, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Ada Two", "email": "ada@example.com"})
	s.check(404, "GET", "/api/v1/affiliates/999999", shop.key, nil)
	s.check(403, "POST", "/api/v1/affiliates", reader.Key, map[string]string{"name": "Bo", "email": "bo@example.com"})
	s.check(401, "GET", "/api/v1/affiliates", "cc_unknown", nil)
}
