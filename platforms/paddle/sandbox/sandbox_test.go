package sandbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/platforms/paddle"
	"codecredit/platforms/paddle/sandbox"
)

// call makes one API request to the sandbox and decodes the answer.
func call(t *testing.T, srv *httptest.Server, method, path, auth, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(res.Body)
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s answered non-JSON %q", method, path, raw)
		}
	}
	return res.StatusCode, res.Header, out
}

const bearer = "Bearer " + sandbox.DefaultAPIKey

// errorCode is the code of Paddle's error envelope, checking its shape
// (https://developer.paddle.com/api-reference/about/errors).
func errorCode(t *testing.T, body map[string]any) string {
	t.Helper()
	e, ok := body["error"].(map[string]any)
	meta, _ := body["meta"].(map[string]any)
	if !ok || e["type"] == nil || e["detail"] == nil || e["documentation_url"] == nil || meta["request_id"] == "" {
		t.Fatalf("not Paddle's error envelope: %v", body)
	}
	return e["code"].(string)
}

func TestAuthentication(t *testing.T) {
	srv := httptest.NewServer(sandbox.New(sandbox.Options{}))
	defer srv.Close()
	tests := []struct {
		auth   string
		status int
		code   string
	}{
		{"", 403, "authentication_missing"},
		{"Basic abc", 403, "authentication_malformed"},
		{"Bearer pdl_sdbx_apikey_wrong", 403, "invalid_token"},
		{bearer, 200, ""},
	}
	for _, tt := range tests {
		status, _, body := call(t, srv, "GET", "/event-types", tt.auth, "")
		if status != tt.status || (tt.code != "" && errorCode(t, body) != tt.code) {
			t.Errorf("auth %q: %d %v, want %d %s", tt.auth, status, body, tt.status, tt.code)
		}
	}
	if status, _, body := call(t, srv, "GET", "/nowhere", bearer, ""); status != 404 || errorCode(t, body) != "not_found" {
		t.Errorf("unknown route: %d %v", status, body)
	}
}

func TestRevokedKey(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	sb.AddAPIKey("pdl_live_apikey_second")
	sb.RevokeAPIKey(sandbox.DefaultAPIKey)
	if status, _, body := call(t, srv, "GET", "/discounts", bearer, ""); status != 403 || errorCode(t, body) != "invalid_token" {
		t.Errorf("revoked key: %d %v", status, body)
	}
	if status, _, _ := call(t, srv, "GET", "/discounts", "Bearer pdl_live_apikey_second", ""); status != 200 {
		t.Errorf("added key: %d", status)
	}
}

func TestDiscountPagination(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	seeded := sb.SeedDiscounts(12)
	var ids []string
	path := "/discounts?per_page=5&status=active,archived"
	for pages := 0; ; pages++ {
		status, _, body := call(t, srv, "GET", path, bearer, "")
		if status != 200 || pages > 5 {
			t.Fatalf("GET %s: %d %v", path, status, body)
		}
		for _, d := range body["data"].([]any) {
			ids = append(ids, d.(map[string]any)["id"].(string))
		}
		p := body["meta"].(map[string]any)["pagination"].(map[string]any)
		if p["estimated_total"].(float64) != 12 || p["per_page"].(float64) != 5 {
			t.Errorf("pagination = %v", p)
		}
		if !p["has_more"].(bool) {
			break
		}
		path = strings.TrimPrefix(p["next"].(string), srv.URL)
	}
	if len(ids) != 12 || ids[0] != seeded[0].ID || ids[11] != seeded[11].ID {
		t.Errorf("paged ids = %v, want the 12 seeded in creation order", ids)
	}
	_, _, body := call(t, srv, "GET", "/discounts?status=archived", bearer, "")
	if n := len(body["data"].([]any)); n != 2 { // every fifth is archived
		t.Errorf("archived = %d, want 2", n)
	}
}

func TestCreateDiscountValidation(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	sb.AddDiscount(sandbox.Discount{Status: "archived", Description: "old", Type: "percentage", Amount: "5", Code: ptr("OLD5")})
	tests := []struct {
		name, body string
		status     int
		code       string
	}{
		{"percentage", `{"description":"d","type":"percentage","amount":"12.5","code":"NEW1","enabled_for_checkout":true}`, 201, ""},
		{"flat", `{"description":"d","type":"flat","amount":"1000","currency_code":"EUR","code":"NEW2"}`, 201, ""},
		{"three decimals", `{"description":"d","type":"percentage","amount":"12.345","code":"NEW3"}`, 400, "bad_request"},
		{"flat without currency", `{"description":"d","type":"flat","amount":"1000","code":"NEW4"}`, 400, "bad_request"},
		{"code with a space", `{"description":"d","type":"percentage","amount":"5","code":"NEW 5"}`, 400, "bad_request"},
		{"code of an archived discount, other case", `{"description":"d","type":"percentage","amount":"5","code":"old5"}`, 409, "discount_code_conflict"},
		{"no description", `{"type":"percentage","amount":"5","code":"NEW6"}`, 400, "bad_request"},
	}
	for _, tt := range tests {
		status, _, body := call(t, srv, "POST", "/discounts", bearer, tt.body)
		if status != tt.status || (tt.code != "" && errorCode(t, body) != tt.code) {
			t.Errorf("%s: %d %v, want %d %s", tt.name, status, body, tt.status, tt.code)
		}
	}
}

func TestRateLimit(t *testing.T) {
	at := time.Date(2026, 1, 1, 12, 0, 30, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return at }
	sb := sandbox.New(sandbox.Options{Clock: clock, RequestsPerMinute: 3})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	for i := range 3 {
		if status, _, _ := call(t, srv, "GET", "/event-types", bearer, ""); status != 200 {
			t.Fatalf("request %d: %d", i+1, status)
		}
	}
	status, h, body := call(t, srv, "GET", "/event-types", bearer, "")
	if status != 429 || errorCode(t, body) != "too_many_requests" || h.Get("Retry-After") != "31" {
		t.Fatalf("4th request in the minute: %d Retry-After %q %v", status, h.Get("Retry-After"), body)
	}
	mu.Lock()
	at = at.Add(time.Minute)
	mu.Unlock()
	if status, _, _ := call(t, srv, "GET", "/event-types", bearer, ""); status != 200 {
		t.Fatalf("next minute: %d", status)
	}
	sb.ThrottleNext(1, 9*time.Second)
	if status, h, _ := call(t, srv, "GET", "/event-types", bearer, ""); status != 429 || h.Get("Retry-After") != "9" {
		t.Fatalf("throttled: %d %q", status, h.Get("Retry-After"))
	}
}

func ptr[T any](v T) *T { return &v }

// receiver is an app endpoint that keeps what Paddle sends it.
type receiver struct {
	mu     sync.Mutex
	status int
	got    []*http.Request
	bodies [][]byte
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got, r.bodies = append(r.got, req), append(r.bodies, b)
	if r.status != 0 {
		w.WriteHeader(r.status)
	}
}

// destination registers a notification destination for events.
func destination(t *testing.T, srv *httptest.Server, url string, events ...string) string {
	t.Helper()
	ev, _ := json.Marshal(events)
	status, _, body := call(t, srv, "POST", "/notification-settings", bearer,
		`{"description":"app","type":"url","destination":"`+url+`","subscribed_events":`+string(ev)+`}`)
	if status != 201 {
		t.Fatalf("create destination: %d %v", status, body)
	}
	return body["data"].(map[string]any)["endpoint_secret_key"].(string)
}

func TestDeliveriesAreSignedPerDestination(t *testing.T) {
	at := time.Unix(1767225600, 0)
	sb := sandbox.New(sandbox.Options{Clock: func() time.Time { return at }})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	one, two, other := &receiver{}, &receiver{}, &receiver{}
	oneSrv, twoSrv, otherSrv := httptest.NewServer(one), httptest.NewServer(two), httptest.NewServer(other)
	defer oneSrv.Close()
	defer twoSrv.Close()
	defer otherSrv.Close()
	secrets := []string{destination(t, srv, oneSrv.URL+"/hook?c=1", "transaction.completed"),
		destination(t, srv, twoSrv.URL+"/hook?c=2", "transaction.completed", "adjustment.created")}
	destination(t, srv, otherSrv.URL, "discount.created")
	if _, err := sb.CompleteTransaction(context.Background(), "", []sandbox.Item{{Name: "x", UnitPrice: 500, Quantity: 1}}, "EUR", "a@b.c"); err != nil {
		t.Fatal(err)
	}
	var eventIDs, notificationIDs []string
	for i, r := range []*receiver{one, two} {
		if len(r.got) != 1 {
			t.Fatalf("destination %d got %d deliveries", i+1, len(r.got))
		}
		sig := r.got[0].Header.Get("Paddle-Signature")
		if err := paddle.VerifySignature(sig, r.bodies[0], []byte(secrets[i]), at, 5*time.Second); err != nil {
			t.Errorf("destination %d: signature %q does not verify: %v", i+1, sig, err)
		}
		var ev sandbox.Event
		json.Unmarshal(r.bodies[0], &ev)
		if ev.EventType != "transaction.completed" || r.got[0].URL.Query().Get("c") != []string{"1", "2"}[i] {
			t.Errorf("destination %d: %s to %s", i+1, ev.EventType, r.got[0].URL)
		}
		eventIDs, notificationIDs = append(eventIDs, ev.EventID), append(notificationIDs, ev.NotificationID)
	}
	if eventIDs[0] != eventIDs[1] || notificationIDs[0] == notificationIDs[1] {
		t.Errorf("event ids %v, notification ids %v: want one event, one notification per destination", eventIDs, notificationIDs)
	}
	if len(other.got) != 0 {
		t.Error("a destination not subscribed to transaction.completed got it")
	}
}

func TestDeliveryFailureIsReported(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	down := &receiver{status: 500}
	downSrv := httptest.NewServer(down)
	defer downSrv.Close()
	destination(t, srv, downSrv.URL, "transaction.completed")
	txn, err := sb.CompleteTransaction(context.Background(), "", []sandbox.Item{{Name: "x", UnitPrice: 500, Quantity: 1}}, "USD", "a@b.c")
	if err == nil || txn.ID == "" {
		t.Fatalf("txn %q, err %v: want the transaction and the delivery error", txn.ID, err)
	}
	if d := sb.Deliveries(); len(d) != 1 || d[0].Status != 500 {
		t.Errorf("deliveries = %+v", d)
	}
}
