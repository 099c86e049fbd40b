package paypal_test

import (
	"context"
	"fmt"
	"testing"

	"codecredit/platforms/paypal"
	"codecredit/platforms/paypal/sandbox"
)

// BenchmarkBatch10k sends 10,000 payouts as one batch to the sandbox and
// reads every item back once settled (ten pages); the baseline is the
// same batch read back without settling.
func BenchmarkBatch10k(b *testing.B) {
	for _, settle := range []bool{false, true} {
		b.Run(fmt.Sprint("settle=", settle), func(b *testing.B) {
			e := newEnv(b, sandbox.Options{})
			ps := payouts(10000, "USD")
			ctx := context.Background()
			for i := range b.N {
				bt, err := e.client.CreateBatch(ctx, paypal.BatchRequest{SenderBatchID: fmt.Sprint("bench-", i), Payouts: ps})
				if err != nil {
					b.Fatal(err)
				}
				if settle {
					e.settle(1)
				}
				got, err := e.client.GetBatch(ctx, bt.ID)
				if err != nil || len(got.Items) != 10000 {
					b.Fatalf("%d items, %v", len(got.Items), err)
				}
			}
		})
	}
}
