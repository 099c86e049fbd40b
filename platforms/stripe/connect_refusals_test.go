package stripe_test

import (
	"context"
	"errors"
	"testing"

	"codecredit/platforms"
	"codecredit/platforms/stripe"
)

// A transfer the balance cannot cover is refused and moves nothing; Stripe
// keeps that answer for the key, so once the balance is topped up the
// same key is still refused and a new attempt needs a new key.
func TestTransferBalanceInsufficient(t *testing.T) {
	r := newPayRig(t)
	ctx := context.Background()
	acct := r.onboarded(t, nil, "cy@example.com")
	platform := r.sb.PlatformAccount()
	r.sb.SetBalance(platform, "EUR", 999)
	in := stripe.NewTransfer{Amount: 1000, Currency: "EUR", Destination: acct.ID, IdempotencyKey: "p_2-1"}
	_, err := r.a.CreateTransfer(ctx, nil, in)
	var refusal *stripe.TransferRefusal
	var rejected *platforms.RejectedError
	if !errors.Is(err, stripe.ErrBalanceInsufficient) || !errors.As(err, &refusal) || refusal.Code != "balance_insufficient" ||
		!errors.As(err, &rejected) || rejected.Reason == "" {
		t.Fatalf("a transfer over the balance: %v, want a balance_insufficient refusal", err)
	}
	if errors.Is(err, stripe.ErrDestinationUnusable) {
		t.Errorf("%v also reads as an unusable destination", err)
	}
	r.sb.SetBalance(platform, "EUR", 5000)
	if _, err := r.a.CreateTransfer(ctx, nil, in); !errors.Is(err, stripe.ErrBalanceInsufficient) {
		t.Fatalf("the same key after a top-up: %v, want the first answer again", err)
	}
	in.IdempotencyKey = "p_2-2"
	if tr, err := r.a.CreateTransfer(ctx, nil, in); err != nil || tr.Amount != 1000 {
		t.Fatalf("a new key after a top-up = %+v, %v", tr, err)
	}
	if p, x := r.sb.Balance(platform, "EUR"), r.sb.Balance(acct.ID, "EUR"); p != 4000 || x != 1000 {
		t.Errorf("balances platform %d, affiliate %d; want 4000 and 1000", p, x)
	}
}

// A destination that has not onboarded, one Stripe has restricted since,
// and one of another platform cannot be paid: each is refused on the
// destination and moves nothing.
func TestTransferToAnUnusableAccount(t *testing.T) {
	r := newPayRig(t)
	ctx := context.Background()
	platform := r.sb.PlatformAccount()
	r.sb.SetBalance(platform, "USD", 100000)
	fresh, err := r.a.CreateExpressAccount(ctx, nil, stripe.NewExpressAccount{Email: "new@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	ready := r.onboarded(t, nil, "ready@example.com")
	if err := r.sb.RestrictAccount(ready.ID, "external_account"); err != nil {
		t.Fatal(err)
	}
	if got := r.lastUpdate(t); got.ID != ready.ID || got.CanReceiveTransfers() || got.PayoutsEnabled ||
		len(got.PastDue) != 1 || got.DisabledReason != "requirements.past_due" {
		t.Errorf("account.updated after the restriction: %+v", got)
	}
	_, key := r.sb.CreateAccount("Other shop", "o@example.com", "USD")
	otherPayer := &platforms.Conn{ExternalID: "other", Credentials: map[string]string{stripe.CredMode: stripe.ModeKey, stripe.CredAPIKey: key}}
	others, err := r.a.CreateExpressAccount(ctx, otherPayer, stripe.NewExpressAccount{Email: "x@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for name, dest := range map[string]string{"not onboarded": fresh.ID, "restricted": ready.ID, "another platform's": others.ID} {
		_, err := r.a.CreateTransfer(ctx, nil, stripe.NewTransfer{Amount: 500, Currency: "USD", Destination: dest, IdempotencyKey: "k-" + name})
		if !errors.Is(err, stripe.ErrDestinationUnusable) || errors.Is(err, stripe.ErrBalanceInsufficient) {
			t.Errorf("a transfer to a %s account: %v, want ErrDestinationUnusable", name, err)
		}
	}
	if len(r.sb.Transfers(platform)) != 0 || r.sb.Balance(platform, "USD") != 100000 {
		t.Errorf("money moved: %+v", r.sb.Transfers(platform))
	}
	if _, err := r.a.ExpressAccount(ctx, nil, others.ID); !errors.Is(err, platforms.ErrUnauthorized) {
		t.Errorf("reading another platform's account: %v, want ErrUnauthorized", err)
	}
}

// A merchant's pasted key pays from the merchant's own balance to its own
// Express accounts; an OAuth connection cannot pay.
func TestMerchantKeyPays(t *testing.T) {
	r := newPayRig(t)
	ctx := context.Background()
	id, key := r.sb.CreateAccount("Shop", "shop@example.com", "USD")
	merchant := &platforms.Conn{ExternalID: id, Credentials: map[string]string{stripe.CredMode: stripe.ModeKey, stripe.CredAPIKey: key}}
	acct := r.onboarded(t, merchant, "dee@example.com")
	r.sb.SetBalance(id, "USD", 800)
	tr, err := r.a.CreateTransfer(ctx, merchant, stripe.NewTransfer{Amount: 800, Currency: "usd", Destination: acct.ID, IdempotencyKey: "m-1"})
	if err != nil || tr.Amount != 800 {
		t.Fatalf("CreateTransfer from the merchant = %+v, %v", tr, err)
	}
	if r.sb.Balance(id, "USD") != 0 || len(r.sb.Transfers(r.sb.PlatformAccount())) != 0 {
		t.Errorf("the merchant's balance is %d; the platform made %d transfers", r.sb.Balance(id, "USD"), len(r.sb.Transfers(r.sb.PlatformAccount())))
	}
	oauth := &platforms.Conn{ExternalID: id, Credentials: map[string]string{stripe.CredMode: stripe.ModeConnect, stripe.CredStripeUserID: id}}
	if _, err := r.a.CreateTransfer(ctx, oauth, stripe.NewTransfer{Amount: 1, Currency: "usd", Destination: acct.ID, IdempotencyKey: "m-2"}); !errors.Is(err, stripe.ErrPayerNeedsKey) {
		t.Errorf("an OAuth connection as payer: %v, want ErrPayerNeedsKey", err)
	}
	if _, err := r.a.CreateTransfer(ctx, merchant, stripe.NewTransfer{Amount: 1, Currency: "usd", Destination: acct.ID}); err == nil {
		t.Error("a transfer without an idempotency key was sent")
	}
}

// A reversal takes part of a transfer back once per key; more than is
// left is refused.
func TestReverseTransfer(t *testing.T) {
	r := newPayRig(t)
	ctx := context.Background()
	acct := r.onboarded(t, nil, "eve@example.com")
	platform := r.sb.PlatformAccount()
	r.sb.SetBalance(platform, "JPY", 5000)
	tr, err := r.a.CreateTransfer(ctx, nil, stripe.NewTransfer{Amount: 3000, Currency: "JPY", Destination: acct.ID, IdempotencyKey: "j-1"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		rev, err := r.a.ReverseTransfer(ctx, nil, tr.ID, 1200, "rev-1", map[string]string{"reason": "refund"})
		if err != nil || rev.Amount != 1200 || rev.TransferID != tr.ID || rev.Currency != "JPY" {
			t.Fatalf("ReverseTransfer = %+v, %v", rev, err)
		}
	}
	read, err := r.a.GetTransfer(ctx, nil, tr.ID)
	if err != nil || read.AmountReversed != 1200 || read.Reversed {
		t.Fatalf("after one reversal sent twice: %+v, %v; want 1200 reversed", read, err)
	}
	if _, err := r.a.ReverseTransfer(ctx, nil, tr.ID, 2000, "rev-2", nil); err == nil {
		t.Fatal("reversing more than is left was accepted")
	}
	if _, err := r.a.ReverseTransfer(ctx, nil, tr.ID, 0, "rev-3", nil); err != nil {
		t.Fatal(err)
	}
	if p, x := r.sb.Balance(platform, "JPY"), r.sb.Balance(acct.ID, "JPY"); p != 5000 || x != 0 {
		t.Errorf("balances platform %d, affiliate %d after a full reversal; want 5000 and 0", p, x)
	}
}

// The sandbox's rate limit comes back as a *platforms.RateLimitError.
func TestTransferRateLimited(t *testing.T) {
	r := newPayRig(t)
	ctx := context.Background()
	r.sb.SetRateLimit(1)
	if _, err := r.a.AvailableBalance(ctx, nil, "usd"); err != nil {
		t.Fatal(err)
	}
	_, err := r.a.CreateTransfer(ctx, nil, stripe.NewTransfer{Amount: 1, Currency: "usd", Destination: "acct_x", IdempotencyKey: "rl"})
	var rl *platforms.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter <= 0 {
		t.Fatalf("the second call in a second: %v, want a RateLimitError", err)
	}
}

// ParseAccountUpdated reads only account.updated with its account.
func TestParseAccountUpdatedRefusals(t *testing.T) {
	for name, body := range map[string]string{
		"other type":  `{"type":"account.application.deauthorized","account":"acct_1","data":{"object":{"id":"acct_1"}}}`,
		"no object":   `{"type":"account.updated","account":"acct_1","data":{}}`,
		"mismatched":  `{"type":"account.updated","account":"acct_2","data":{"object":{"id":"acct_1","object":"account"}}}`,
		"not JSON":    `{"type":`,
		"object null": `{"type":"account.updated","data":{"object":null}}`,
	} {
		if _, err := stripe.ParseAccountUpdated([]byte(body)); !errors.Is(err, platforms.ErrPayload) {
			t.Errorf("%s: %v, want ErrPayload", name, err)
		}
	}
}

// ParseAccountUpdated never panics: any body is an account with an id or
// an ErrPayload.
func FuzzParseAccountUpdated(f *testing.F) {
	f.Add([]byte(`{"type":"account.updated","account":"acct_1","data":{"object":{"id":"acct_1","object":"account","capabilities":{"transfers":"active"},"requirements":{"currently_due":[],"current_deadline":1775124000}}}}`))
	f.Add([]byte(`{"type":"account.updated","data":{"object":"acct_1"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		acct, err := stripe.ParseAccountUpdated(body)
		if err != nil && !errors.Is(err, platforms.ErrPayload) {
			t.Fatalf("error %v is not ErrPayload", err)
		}
		if err == nil && acct.ID == "" {
			t.Fatal("an account without an id")
		}
	})
}
