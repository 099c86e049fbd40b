package stripe_test

import (
	"context"
	"fmt"
	"testing"

	"codecredit/platforms/stripe"
)

// BenchmarkTransfers measures a transfer through the adapter against the
// sandbox (form encoding, the idempotency layer, the balance), beside a
// balance read on the same server as the baseline. The sandbox's rate
// limit is lifted: against Stripe, 100 requests a second per account is
// the floor of a run's time.
//
//	go test -p 1 -run '^$' -bench BenchmarkTransfers -benchtime 2000x ./platforms/stripe/
func BenchmarkTransfers(b *testing.B) {
	r := newPayRig(b)
	r.sb.SetRateLimit(1 << 30)
	ctx := context.Background()
	acct, err := r.a.CreateExpressAccount(ctx, nil, stripe.NewExpressAccount{Email: "bench@example.com"})
	if err != nil {
		b.Fatal(err)
	}
	if err := r.sb.CompleteOnboarding(acct.ID); err != nil {
		b.Fatal(err)
	}
	r.sb.SetBalance(r.sb.PlatformAccount(), "USD", 1<<50)
	b.Run("transfer", func(b *testing.B) {
		for i := range b.N {
			_, err := r.a.CreateTransfer(ctx, nil, stripe.NewTransfer{Amount: 1234, Currency: "USD", Destination: acct.ID,
				TransferGroup: "bench", IdempotencyKey: fmt.Sprintf("bench-%d-%d", b.N, i)})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("balance read (baseline)", func(b *testing.B) {
		for range b.N {
			if _, err := r.a.AvailableBalance(ctx, nil, "USD"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
