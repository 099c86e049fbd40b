package stripe_test

import (
	"context"
	"errors"
	"testing"

	"codecredit/platforms/stripe"
)

// A transfer whose answer was lost was made: the call fails without a
// refusal, the same call with the same Idempotency-Key answers with that
// transfer (replayed) instead of making a second one, and its transfer
// group lists it.
func TestLostTransferAnswerReplaysWithTheSameKey(t *testing.T) {
	r := newPayRig(t)
	ctx := context.Background()
	acct, err := r.a.CreateExpressAccount(ctx, nil, stripe.NewExpressAccount{Email: "lost@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.sb.CompleteOnboarding(acct.ID); err != nil {
		t.Fatal(err)
	}
	r.sb.SetBalance(r.sb.PlatformAccount(), "USD", 10_000)
	in := stripe.NewTransfer{Amount: 1234, Currency: "USD", Destination: acct.ID, TransferGroup: "run-1", IdempotencyKey: "payout-1-key"}
	r.sb.LoseTransferAnswers(100)
	_, err = r.a.CreateTransfer(ctx, nil, in)
	var refused *stripe.TransferRefusal
	if err == nil || errors.As(err, &refused) {
		t.Fatalf("lost answer: %v; want an error that is no refusal", err)
	}
	r.sb.LoseTransferAnswers(0)
	if got := r.sb.Transfers(r.sb.PlatformAccount()); len(got) != 1 || got[0].Amount != 1234 {
		t.Fatalf("transfers made: %+v; want the one", got)
	}
	tr, err := r.a.CreateTransfer(ctx, nil, in)
	if err != nil || !tr.Replayed || tr.ID != r.sb.Transfers(r.sb.PlatformAccount())[0].ID {
		t.Fatalf("again with the key: %+v, %v; want the first transfer, replayed", tr, err)
	}
	if got := r.sb.Transfers(r.sb.PlatformAccount()); len(got) != 1 || r.sb.Balance(acct.ID, "USD") != 1234 {
		t.Fatalf("transfers %+v, destination balance %d; want one of 1234", got, r.sb.Balance(acct.ID, "USD"))
	}
	other := in
	other.TransferGroup, other.IdempotencyKey, other.Metadata = "run-2", "payout-2-key", map[string]string{"payout": "2"}
	if _, err := r.a.CreateTransfer(ctx, nil, other); err != nil {
		t.Fatal(err)
	}
	group, err := r.a.TransfersInGroup(ctx, nil, "run-1")
	if err != nil || len(group) != 1 || group[0].ID != tr.ID || group[0].Amount != 1234 {
		t.Fatalf("TransfersInGroup(run-1) = %+v, %v; want the first transfer only", group, err)
	}
}
