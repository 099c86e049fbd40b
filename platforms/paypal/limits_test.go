package paypal_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"codecredit/platforms/paypal"
	"codecredit/platforms/paypal/sandbox"
)

func payouts(n int, cur string) []paypal.Payout {
	ps := make([]paypal.Payout, n)
	for i := range ps {
		ps[i] = payout(fmt.Sprint("i", i), fmt.Sprintf("aff%d@example.com", i), int64(100+i), cur)
	}
	return ps
}

// More than 15,000 payouts are refused before any call; PayPal (the
// sandbox) refuses them too with a 400; a batch over one page is read whole.
func TestBatchSizeAndPages(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	_, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "big", Payouts: payouts(paypal.MaxItemsPerBatch+1, "USD")})
	if !errors.Is(err, paypal.ErrInvalid) || paypal.Temporary(err) {
		t.Fatalf("15,001 payouts: %v, want ErrInvalid", err)
	}
	var body bytes.Buffer
	body.WriteString(`{"sender_batch_header":{"sender_batch_id":"raw"},"items":[`)
	for i := range paypal.MaxItemsPerBatch + 1 {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"recipient_type":"EMAIL","receiver":"r%d@example.com","amount":{"value":"1.00","currency":"USD"}}`, i)
	}
	body.WriteString(`]}`)
	if status := postWithToken(t, e, "/v1/payments/payouts", body.Bytes()); status != http.StatusBadRequest {
		t.Errorf("sandbox took 15,001 items: HTTP %d", status)
	}
	b, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "pages", Payouts: payouts(2500, "USD")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.client.GetBatch(ctx, b.ID)
	if err != nil || len(got.Items) != 2500 || got.Items[2499].SenderItemID != "i2499" || got.Items[2499].Amount != 2599 {
		t.Fatalf("batch of 2,500 read as %d items, %v", len(got.Items), err)
	}
}

// Amounts PayPal cannot take exactly are refused, not rounded.
func TestInexactAmountRefused(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for _, p := range []paypal.Payout{payout("h", "h@example.com", 150050, "HUF"), payout("z", "z@example.com", 0, "USD"),
		payout("q", "q@example.com", 100, "XXQ"), payout("e", "not-an-email", 100, "USD")} {
		_, err := e.client.CreateBatch(context.Background(), paypal.BatchRequest{SenderBatchID: "amt-" + p.SenderItemID, Payouts: []paypal.Payout{p}})
		if err == nil || paypal.Temporary(err) {
			t.Errorf("%+v: %v, want a refusal", p, err)
		}
	}
	if status := postWithToken(t, e, "/v1/payments/payouts", []byte(`{"sender_batch_header":{"sender_batch_id":"jpy"},"items":[{"recipient_type":"EMAIL","receiver":"a@example.com","amount":{"value":"10.5","currency":"JPY"}}]}`)); status != http.StatusBadRequest {
		t.Errorf("sandbox took a decimal JPY amount: HTTP %d", status)
	}
}

// postWithToken posts JSON to the sandbox with a fresh access token.
func postWithToken(t *testing.T, e *env, path string, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+"/v1/oauth2/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(sandbox.DefaultClientID, sandbox.DefaultSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	decodeJSON(t, res, &tok)
	req, _ = http.NewRequest(http.MethodPost, e.url+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// A 5xx before acting is retryable and the retry pays once; a call carried
// out but never answered is retryable too, and the retry with the same ids
// gets the batch that was created, never a second one.
func TestFaults(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	req := paypal.BatchRequest{SenderBatchID: "faulty", Payouts: payouts(3, "USD")}
	if _, err := e.client.GetItem(ctx, "WARMUP"); !errors.Is(err, paypal.ErrNotFound) {
		t.Fatal(err)
	}
	e.sb.SetFaults(sandbox.Faults{FailNext: 1})
	_, err := e.client.CreateBatch(ctx, req)
	var api *paypal.APIError
	if !errors.As(err, &api) || api.Status < 500 || !paypal.Temporary(err) {
		t.Fatalf("injected failure: %v, want a retryable 5xx", err)
	}
	e.sb.SetFaults(sandbox.Faults{TimeoutNext: 1, Hang: 10 * time.Second})
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = e.client.CreateBatch(short, req)
	cancel()
	if err == nil || !paypal.Temporary(err) {
		t.Fatalf("unanswered create: %v, want a retryable error", err)
	}
	b, err := e.client.CreateBatch(ctx, req)
	if err != nil || b.ID == "" {
		t.Fatalf("retry after timeout: %+v, %v", b, err)
	}
	req.RequestID = "fresh-request"
	again, err := e.client.CreateBatch(ctx, req)
	if err != nil || !again.Existing || again.ID != b.ID {
		t.Errorf("sender_batch_id after the timeout = %+v, %v; want the one batch %s", again, err, b.ID)
	}
}

// With 30% of calls failing and 10% carried out but never answered,
// retrying every retryable error with the same ids creates exactly one
// batch per sender_batch_id, holding exactly the amounts sent.
func TestRetriesUnderFaults(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	e.sb.SetFaults(sandbox.Faults{FailPercent: 30, TimeoutPercent: 10, Hang: 10 * time.Second})
	batches := map[string]string{} // batch id → sender_batch_id
	for i := range 20 {
		req := paypal.BatchRequest{SenderBatchID: fmt.Sprint("r", i), Payouts: payouts(2, "USD")}
		for attempt := 0; ; attempt++ {
			short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			b, err := e.client.CreateBatch(short, req)
			cancel()
			if err == nil {
				batches[b.ID] = req.SenderBatchID
				break
			}
			if !paypal.Temporary(err) || attempt > 50 {
				t.Fatalf("%s: %v", req.SenderBatchID, err)
			}
		}
	}
	e.sb.SetFaults(sandbox.Faults{})
	if len(batches) != 20 {
		t.Errorf("%d distinct batches for 20 sender_batch_ids", len(batches))
	}
	e.settle(1)
	for id := range batches {
		got, err := e.client.GetBatch(ctx, id)
		if err != nil || len(got.Items) != 2 || got.Items[0].Amount+got.Items[1].Amount != 201 {
			t.Errorf("batch %s: %+v, %v", id, got, err)
		}
	}
}
