package stripe_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/stripe"
)

// keyWatch records the Idempotency-Key header of each request and passes
// it on to the recorder.
type keyWatch struct {
	next http.RoundTripper
	mu   sync.Mutex
	keys []string
}

func (k *keyWatch) RoundTrip(r *http.Request) (*http.Response, error) {
	k.mu.Lock()
	k.keys = append(k.keys, r.Header.Get("Idempotency-Key"))
	k.mu.Unlock()
	return k.next.RoundTrip(r)
}

func (k *keyWatch) last() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.keys) == 0 {
		return ""
	}
	return k.keys[len(k.keys)-1]
}

// The Connect payout requests are requests Stripe accepts, checked by
// stripe-mock against Stripe's OpenAPI spec: the Express account create
// (type=express, transfers requested), the onboarding Account Link, the
// account read, the transfer with its Idempotency-Key, its read, the
// reversal and the balance, from the platform key and from a merchant's
// pasted key, never with Stripe-Account.
func TestConnectPayoutShapesAgainstStripeMock(t *testing.T) {
	base := startStripeMock(t)
	rec := &recorder{}
	keys := &keyWatch{next: rec}
	a := stripe.New(stripe.Config{SecretKey: "sk_test_123", AppURL: "https://codecredit.example", BaseURL: base,
		HTTPClient: &http.Client{Transport: keys, Timeout: 5 * time.Second}, Logger: slog.New(slog.DiscardHandler),
		AllowTestKeys: true})
	merchant := &platforms.Conn{ExternalID: "acct_1Merchant", Credentials: map[string]string{stripe.CredMode: stripe.ModeKey, stripe.CredAPIKey: "sk_test_123"}}
	const dest = "acct_1CodecreditAffiliate"
	for _, payer := range []*platforms.Conn{nil, merchant} {
		name := "platform"
		if payer != nil {
			name = "merchant key"
		}
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			check := func(call string, wants ...string) {
				t.Helper()
				calls := rec.expect(t, call)
				for _, c := range calls {
					if c.account != "" {
						t.Errorf("%s sent Stripe-Account %q", call, c.account)
					}
					for _, w := range wants {
						if !strings.Contains(c.body+"&"+c.query, w) {
							t.Errorf("%s: %q lacks %q", call, c.body+c.query, w)
						}
					}
				}
			}
			acct, err := a.CreateExpressAccount(ctx, payer, stripe.NewExpressAccount{Email: "ann@example.com", Country: "US",
				Metadata: map[string]string{"affiliate": "42"}, IdempotencyKey: "acct-42"})
			check("POST /v1/accounts", "type=express", "capabilities[transfers][requested]=true", "email=ann@example.com",
				"country=US", "metadata[affiliate]=42")
			if err != nil || acct.ID == "" || keys.last() != "acct-42" {
				t.Fatalf("CreateExpressAccount = %+v, %v (key %q)", acct, err, keys.last())
			}
			link, _, err := a.OnboardingLink(ctx, payer, dest, "https://codecredit.example/portal/stripe/refresh", "https://codecredit.example/portal/stripe/return")
			check("POST /v1/account_links", "account="+dest, "type=account_onboarding",
				"refresh_url=https://codecredit.example/portal/stripe/refresh", "return_url=https://codecredit.example/portal/stripe/return")
			if err != nil || link == "" {
				t.Fatalf("OnboardingLink = %q, %v", link, err)
			}
			if _, err := a.ExpressAccount(ctx, payer, dest); err != nil {
				t.Fatalf("ExpressAccount: %v", err)
			}
			check("GET /v1/accounts/" + dest)
			tr, err := a.CreateTransfer(ctx, payer, stripe.NewTransfer{Amount: 2500, Currency: "USD", Destination: dest,
				TransferGroup: "run_7", Description: "Commission", Metadata: map[string]string{"payout": "p_1"}, IdempotencyKey: "payout-p_1"})
			check("POST /v1/transfers", "amount=2500", "currency=usd", "destination="+dest, "transfer_group=run_7", "metadata[payout]=p_1")
			if err != nil || tr.ID == "" || keys.last() != "payout-p_1" {
				t.Fatalf("CreateTransfer = %+v, %v (key %q)", tr, err, keys.last())
			}
			if _, err := a.GetTransfer(ctx, payer, tr.ID); err != nil {
				t.Fatalf("GetTransfer: %v", err)
			}
			check("GET /v1/transfers/" + tr.ID)
			if _, err := a.ReverseTransfer(ctx, payer, tr.ID, 500, "rev-p_1", map[string]string{"reason": "refund"}); err != nil {
				t.Fatalf("ReverseTransfer: %v", err)
			}
			check("POST /v1/transfers/"+tr.ID+"/reversals", "amount=500", "metadata[reason]=refund")
			if keys.last() != "rev-p_1" {
				t.Errorf("the reversal's key is %q", keys.last())
			}
			if _, err := a.AvailableBalance(ctx, payer, "usd"); err != nil {
				t.Fatalf("AvailableBalance: %v", err)
			}
			check("GET /v1/balance")
		})
	}
}
