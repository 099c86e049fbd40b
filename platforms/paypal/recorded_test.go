package paypal_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"testing"

	"codecredit/platforms/paypal"
	"codecredit/platforms/paypal/sandbox"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// PayPal's own sample event reads to the minor unit.
func TestParseDocumentedEvent(t *testing.T) {
	ev, err := paypal.ParseEvent(readFile(t, "webhook_payouts_item_succeeded.json"))
	if err != nil {
		t.Fatal(err)
	}
	it := ev.Item
	if ev.ID != "WH-68L35871MU875914X-8DM79009TB591331B" || ev.Type != "PAYMENT.PAYOUTS-ITEM.SUCCEEDED" || it == nil ||
		it.ID != "AYNYWNCHBD8KS" || it.BatchID != "Q8B9WFS7ZZJ4Q" || it.SenderItemID != "Item1" ||
		it.Status != paypal.ItemSuccess || it.Amount != 100 || it.Currency != "USD" || it.Fee != 25 ||
		it.Email != "beamdaddy@paypal.com" || it.TransactionID != "57J64166G9424913F" {
		t.Errorf("parsed %+v item %+v", ev, it)
	}
	if _, err := paypal.ParseEvent([]byte(`{"id":"WH-1","event_type":"PAYMENT.PAYOUTS-ITEM.SUCCEEDED","resource":{}}`)); err == nil {
		t.Error("an item event without an item was accepted")
	}
}

// fakePayPal answers with PayPal's recorded bodies.
func fakePayPal(t *testing.T, routes map[string]func(w http.ResponseWriter, body []byte)) *paypal.Client {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"access_token":"A21AArecorded","token_type":"Bearer","expires_in":32400}`))
	})
	for pattern, h := range routes {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "application/json")
			h(w, b)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := paypal.New(paypal.Config{ClientID: "id", Secret: "secret", BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func serve(status int, body []byte) func(http.ResponseWriter, []byte) {
	return func(w http.ResponseWriter, _ []byte) { w.WriteHeader(status); w.Write(body) }
}

// PayPal's recorded item answers and duplicate-batch error read as they
// should.
func TestRecordedAnswers(t *testing.T) {
	c := fakePayPal(t, map[string]func(http.ResponseWriter, []byte){
		"GET /v1/payments/payouts-item/8AELMXH8UB2P8": serve(200, readFile(t, "payouts_item_success.json")),
		"GET /v1/payments/payouts-item/4FNYP6JKEW28S": serve(200, readFile(t, "payouts_item_unclaimed.json")),
		"POST /v1/payments/payouts":                   serve(400, readFile(t, "error_duplicate_sender_batch_id.json")),
	})
	ctx := context.Background()
	ok, err := c.GetItem(ctx, "8AELMXH8UB2P8")
	if err != nil || ok.Status != paypal.ItemSuccess || ok.Amount != 987 || ok.Fee != 35 || ok.SenderItemID != "14Feb_234" {
		t.Errorf("success item %+v, %v", ok, err)
	}
	un, err := c.GetItem(ctx, "4FNYP6JKEW28S")
	if err != nil || un.Status != paypal.ItemUnclaimed || un.Amount != 1000 || un.ErrorName != "RECEIVER_UNREGISTERED" ||
		un.Status.Outcome() != paypal.OutcomeWaiting {
		t.Errorf("unclaimed item %+v, %v", un, err)
	}
	dup, err := c.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "again",
		Payouts: []paypal.Payout{payout("a", "a@example.com", 100, "USD")}})
	if err != nil || !dup.Existing || dup.ID != "CR9VS2K4X4846" {
		t.Errorf("duplicate answer read as %+v, %v", dup, err)
	}
}

// The client's create request has PayPal's documented shape (every key
// it sends appears in PayPal's example or schema), and the sandbox takes
// PayPal's example request.
func TestCreateRequestShape(t *testing.T) {
	var sent []byte
	c := fakePayPal(t, map[string]func(http.ResponseWriter, []byte){
		"POST /v1/payments/payouts": func(w http.ResponseWriter, b []byte) {
			sent = b
			w.WriteHeader(201)
			w.Write([]byte(`{"batch_header":{"payout_batch_id":"B1","batch_status":"PENDING","sender_batch_header":{"sender_batch_id":"s"}}}`))
		},
	})
	if _, err := c.CreateBatch(context.Background(), paypal.BatchRequest{SenderBatchID: "s", EmailSubject: "You have a payout!",
		Payouts: []paypal.Payout{payout("a", "a@example.com", 987, "USD")}}); err != nil {
		t.Fatal(err)
	}
	var ours, doc map[string]any
	json.Unmarshal(sent, &ours)
	json.Unmarshal(readFile(t, "create_payout_request.json"), &doc)
	schemaOnly := map[string]bool{"recipient_wallet": true} // payout_item.recipient_wallet, default PAYPAL
	for _, part := range []string{"sender_batch_header", "items"} {
		o, d := keysOf(ours[part]), keysOf(doc[part])
		for _, k := range o {
			if !contains(d, k) && !schemaOnly[k] {
				t.Errorf("%s.%s is not in PayPal's example %v", part, k, d)
			}
		}
	}
	item := ours["items"].([]any)[0].(map[string]any)
	if amt := item["amount"].(map[string]any); amt["value"] != "9.87" || amt["currency"] != "USD" || item["recipient_type"] != "EMAIL" {
		t.Errorf("item sent as %v", item)
	}
	e := newEnv(t, sandbox.Options{})
	if status := postWithToken(t, e, "/v1/payments/payouts", readFile(t, "create_payout_request.json")); status != http.StatusCreated {
		t.Errorf("sandbox answered PayPal's example with HTTP %d", status)
	}
}

func keysOf(v any) []string {
	if a, ok := v.([]any); ok && len(a) > 0 {
		v = a[0]
	}
	m, _ := v.(map[string]any)
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func contains(s []string, k string) bool {
	for _, v := range s {
		if v == k {
			return true
		}
	}
	return false
}
