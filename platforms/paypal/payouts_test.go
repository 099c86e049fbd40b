package paypal_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"codecredit/platforms/paypal"
	"codecredit/platforms/paypal/sandbox"
)

// A batch is created PENDING and settles; every amount reads back to the
// minor unit it was sent in, whole-unit currencies included.
func TestCreateBatchThenPoll(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	sent := []paypal.Payout{payout("p1", "ada@example.com", 1234, "USD"),
		payout("p2", "bo@example.com", 500, "JPY"), payout("p3", "cy@example.com", 150000, "HUF"),
		payout("p4", "di@example.com", 5, "KWD")}
	b, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "run-1", Payouts: sent})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID == "" || b.Status != paypal.BatchPending || b.SenderBatchID != "run-1" || b.Existing {
		t.Fatalf("created %+v", b)
	}
	got, err := e.client.GetBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 4 || got.Items[0].Status != paypal.ItemPending {
		t.Fatalf("before settling: %+v", got)
	}
	e.settle(1)
	got, err = e.client.GetBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != paypal.BatchSuccess {
		t.Errorf("batch status %s, want SUCCESS", got.Status)
	}
	for i, it := range got.Items {
		if it.Status != paypal.ItemSuccess || it.Amount != sent[i].Amount || it.Currency != sent[i].Currency ||
			it.SenderItemID != sent[i].SenderItemID || it.TransactionID == "" || it.ProcessedAt.IsZero() {
			t.Errorf("item %d = %+v, sent %+v", i, it, sent[i])
		}
		one, err := e.client.GetItem(ctx, it.ID)
		if err != nil || one.Status != paypal.ItemSuccess || one.Amount != sent[i].Amount || one.BatchID != b.ID {
			t.Errorf("GetItem %s = %+v, %v", it.ID, one, err)
		}
	}
}

// Each documented item state is reached through the recipient's email,
// and says whether the affiliate was paid.
func TestEveryItemStatus(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	cases := []struct {
		email   string
		status  paypal.ItemStatus
		outcome paypal.Outcome
		errName string
	}{
		{"paid@example.com", paypal.ItemSuccess, paypal.OutcomePaid, ""},
		{"x+unclaimed@example.com", paypal.ItemUnclaimed, paypal.OutcomeWaiting, "RECEIVER_UNREGISTERED"},
		{"x+returned@example.com", paypal.ItemReturned, paypal.OutcomeNotPaid, "RECEIVER_UNREGISTERED"},
		{"x+failed@example.com", paypal.ItemFailed, paypal.OutcomeNotPaid, "RECEIVER_ACCOUNT_LOCKED"},
		{"x+onhold@example.com", paypal.ItemOnHold, paypal.OutcomeWaiting, ""},
		{"x+blocked@example.com", paypal.ItemBlocked, paypal.OutcomeNotPaid, ""},
		{"x+refunded@example.com", paypal.ItemRefunded, paypal.OutcomeNotPaid, ""},
		{"x+reversed@example.com", paypal.ItemReversed, paypal.OutcomeNotPaid, ""},
	}
	var ps []paypal.Payout
	for i, c := range cases {
		ps = append(ps, payout(fmt.Sprint("s", i), c.email, 1000, "EUR"))
	}
	b, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "states", Payouts: ps})
	if err != nil {
		t.Fatal(err)
	}
	e.settle(2)
	got, err := e.client.GetBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		it := got.Items[i]
		if it.Status != c.status || it.Status.Outcome() != c.outcome || it.ErrorName != c.errName {
			t.Errorf("%s: %s (%v) error %q; want %s (%v) %q", c.email, it.Status, it.Status.Outcome(), it.ErrorName,
				c.status, c.outcome, c.errName)
		}
	}
	if paypal.ItemPending.Outcome() != paypal.OutcomeWaiting || paypal.ItemStatus("NEW").Outcome() != paypal.OutcomeWaiting {
		t.Error("PENDING and unknown states must wait, never book")
	}
}

// The same request twice gives the same batch; the same sender_batch_id
// under another request id gives the first batch back, marked Existing;
// the sandbox holds one batch.
func TestCreateBatchIsIdempotent(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	req := paypal.BatchRequest{SenderBatchID: "run-7", Payouts: []paypal.Payout{payout("a", "a@example.com", 100, "USD")}}
	first, err := e.client.CreateBatch(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.client.CreateBatch(ctx, req)
	if err != nil || again.ID != first.ID || again.Existing {
		t.Errorf("same request again = %+v, %v; want batch %s answered as before", again, err, first.ID)
	}
	req.RequestID = "another-request"
	dup, err := e.client.CreateBatch(ctx, req)
	if err != nil || dup.ID != first.ID || !dup.Existing {
		t.Errorf("reused sender_batch_id = %+v, %v; want existing batch %s", dup, err, first.ID)
	}
	e.settle(1)
	got, err := e.client.GetBatch(ctx, first.ID)
	if err != nil || len(got.Items) != 1 {
		t.Fatalf("batch %+v, %v", got, err)
	}
}

// Only an UNCLAIMED item can be cancelled; it becomes RETURNED.
func TestCancelUnclaimedItem(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	b, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "c", Payouts: []paypal.Payout{
		payout("u", "u+unclaimed@example.com", 700, "GBP"), payout("p", "p@example.com", 700, "GBP")}})
	if err != nil {
		t.Fatal(err)
	}
	e.settle(1)
	got, err := e.client.GetBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	it, err := e.client.CancelItem(ctx, got.Items[0].ID)
	if err != nil || it.Status != paypal.ItemReturned || it.Status.Outcome() != paypal.OutcomeNotPaid {
		t.Errorf("cancel unclaimed = %+v, %v; want RETURNED", it, err)
	}
	_, err = e.client.CancelItem(ctx, got.Items[1].ID)
	var api *paypal.APIError
	if !errors.As(err, &api) || api.Status != 422 || paypal.Temporary(err) {
		t.Errorf("cancel paid item: %v; want a 422 that is not retried", err)
	}
	if _, err := e.client.GetItem(ctx, "NOSUCHITEM"); !errors.Is(err, paypal.ErrNotFound) {
		t.Errorf("unknown item: %v, want ErrNotFound", err)
	}
}

// A wrong secret is refused with 401 and nothing is created.
func TestWrongSecret(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	bad := e.newClient(t, "not-the-secret")
	_, err := bad.CreateBatch(context.Background(), paypal.BatchRequest{SenderBatchID: "x",
		Payouts: []paypal.Payout{payout("a", "a@example.com", 100, "USD")}})
	if !errors.Is(err, paypal.ErrUnauthorized) {
		t.Fatalf("wrong secret: %v, want ErrUnauthorized", err)
	}
	if _, err := e.client.CreateBatch(context.Background(), paypal.BatchRequest{SenderBatchID: "x",
		Payouts: []paypal.Payout{payout("a", "a@example.com", 100, "USD")}}); err != nil {
		t.Errorf("the refused call must not have used sender_batch_id x: %v", err)
	}
}

// Over the rate limit, a 429 carries its Retry-After.
func TestRateLimited(t *testing.T) {
	e := newEnv(t, sandbox.Options{RequestsPerMinute: 2})
	ctx := context.Background()
	var err error
	for range 3 {
		_, err = e.client.GetItem(ctx, "ANY")
	}
	var api *paypal.APIError
	if !errors.Is(err, paypal.ErrRateLimited) || !errors.As(err, &api) || api.RetryAfter <= 0 || !paypal.Temporary(err) {
		t.Fatalf("third call in a minute: %v, want a retryable 429 with Retry-After", err)
	}
}

// A token PayPal stops taking is replaced once, and the call goes through.
func TestRevokedTokenRenewed(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ctx := context.Background()
	if _, err := e.client.GetItem(ctx, "FIRST"); !errors.Is(err, paypal.ErrNotFound) {
		t.Fatal(err)
	}
	e.sb.ExpireTokens()
	b, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: "after-revoke",
		Payouts: []paypal.Payout{payout("a", "a@example.com", 100, "USD")}})
	if err != nil || b.ID == "" {
		t.Fatalf("create after the token was revoked: %+v, %v", b, err)
	}
}
