package jobs_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkBookingWebhooks books the same b.N paid orders with no webhook
// endpoint and with one endpoint subscribed to conversion.created, in one
// run: in batches (BookEventBatch, 2 callers, as the worker's drainers)
// and one by one (BookOrderDelivery, 4 callers). With the endpoint, each
// batch looks the account's endpoints up once and writes its outbox rows
// with one more INSERT (one by one: a lookup and an insert per order).
//
//	go test -run '^$' -bench BenchmarkBookingWebhooks -benchtime 20000x ./jobs/
func BenchmarkBookingWebhooks(b *testing.B) {
	for _, hooked := range []bool{false, true} {
		name := "none"
		if hooked {
			name = "1-endpoint"
		}
		b.Run("batch/"+name, func(b *testing.B) {
			s := testdb.Postgres(b)
			hookedShop(b, s, hooked)
			engineRun(b, s, 2, drainAll(b, s), func() {})
			checkOutbox(b, s, hooked)
		})
		b.Run("one-by-one/"+name, func(b *testing.B) {
			s := testdb.Postgres(b)
			hookedShop(b, s, hooked)
			engineOneByOne(b, s)
			checkOutbox(b, s, hooked)
		})
	}
}

// hookedShop is a shop with b.N stored paid orders and, when hooked, one
// endpoint wanting new conversions.
func hookedShop(b *testing.B, s *models.Store, hooked bool) {
	sh := newShop(b, s, 4)
	if hooked {
		if _, err := s.CreateWebhookEndpoint(context.Background(), sh.account.ID, models.WebhookEndpointInput{
			URL: "https://hooks.example.com/cc", Events: []string{models.HookConversionCreated}}); err != nil {
			b.Fatal(err)
		}
	}
	storeBacklog(b, sh, b.N, "e")
}

// checkOutbox checks one delivery per booked order with the endpoint, none without.
func checkOutbox(b *testing.B, s *models.Store, hooked bool) {
	want := int64(0)
	if hooked {
		want = int64(b.N)
	}
	if n := count(b, s, &models.WebhookDelivery{}, "1 = 1"); n != want {
		b.Fatalf("%d deliveries in the outbox, want %d", n, want)
	}
}
