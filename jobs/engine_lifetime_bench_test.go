package jobs_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkEngineLifetime books the same b.N paid orders with lifetime
// attribution off and on, in one run: in batches (BookEventBatch, 2
// callers) and one by one (BookOrderDelivery, 4 callers). With it on,
// each order's customer is looked up among the customers kept (one
// indexed query per batch, or per order one by one) and a first order
// links its customer.
//
//	go test -run '^$' -bench BenchmarkEngineLifetime -benchtime 20000x ./jobs/
func BenchmarkEngineLifetime(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "on"
		}
		b.Run("batch/"+name, func(b *testing.B) {
			s := testdb.Postgres(b)
			sh := lifetimeShop(b, s, on)
			storeBacklog(b, sh, b.N, "e")
			engineRun(b, s, 2, drainAll(b, s), func() {})
		})
		b.Run("one-by-one/"+name, func(b *testing.B) {
			s := testdb.Postgres(b)
			sh := lifetimeShop(b, s, on)
			storeBacklog(b, sh, b.N, "e")
			engineOneByOne(b, s)
		})
	}
}

func lifetimeShop(b *testing.B, s *models.Store, on bool) *shop {
	sh := newShop(b, s, 4)
	if on {
		if _, err := s.UpdateAccountSettings(context.Background(), sh.account.ID, models.AccountSettings{
			Lifetime: &models.LifetimeSettings{On: true, Days: 30, CodeWins: true}}); err != nil {
			b.Fatal(err)
		}
	}
	return sh
}
