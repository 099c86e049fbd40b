package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkPayoutRun10k pays 10,000 affiliates in one run: "paypal"
// prepares the run and sends it to the PayPal sandbox until every item is
// booked paid; "manual" is the same-run baseline, the run marked paid at
// once (no platform). One iteration is one whole run; setup is untimed.
//
//	go test -p 1 -run '^$' -bench BenchmarkPayoutRun10k -benchtime 1x ./jobs/
func BenchmarkPayoutRun10k(b *testing.B) {
	const n = 10000
	emails := emailsLike(n, func(i int) string { return fmt.Sprintf("payee%d@example.com", i) })
	amounts := make([]int64, n)
	for i := range amounts {
		amounts[i] = int64(500 + i%997)
	}
	for _, mode := range []string{"manual", "paypal"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := testdb.Postgres(b)
				ps := newPayPalShop(b, s, emails, amounts)
				sender := ps.sender(nil)
				key := fmt.Sprintf("bench-run-%d", i)
				b.StartTimer()
				start := time.Now()
				if mode == "manual" {
					if _, _, err := s.RunPayouts(ctx, ps.account.ID, models.PayoutRunInput{IdempotencyKey: key}); err != nil {
						b.Fatal(err)
					}
					continue
				}
				run, _, err := s.StartPayPalRun(ctx, ps.account.ID, key)
				if err != nil || run.PayoutCount != n {
					b.Fatalf("run: %v, %v", run, err)
				}
				b.ReportMetric(time.Since(start).Seconds(), "prepare-s")
				prepared := time.Now()
				if err := sender.Send(ctx, run.ID); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(time.Since(prepared).Seconds(), "send-s")
				b.StopTimer()
				if v, err := s.GetPayPalRun(ctx, ps.account.ID, run.ID); err != nil || v.Paid != run.Total {
					b.Fatalf("paid %d of %d: %v", v.Paid, run.Total, err)
				}
				b.StartTimer()
			}
		})
	}
}
