package jobs_test

import "testing"

// BenchmarkImportBulkVsPaginated imports the same large shop (see
// BenchmarkShopifyImport for its shape) twice in one run, on the Standard
// plan's throttle of 100 points a second (a 2,000-point bucket): once
// through a bulk operation, once through pages, each the whole production
// path from EnqueueImport to every code in PostgreSQL. BENCH_CODES sets
// the size (default 10,000, where the pages take about two minutes;
// 100,000 takes them over 20), BENCH_RESTORE_RATE another
// plan's rate. The sandbox writes a bulk operation's file as fast as it
// can, where Shopify takes longer to schedule and write one, so the bulk
// time here is the app's share of it: polling, streaming, storing. Run it
// with
//
//	BENCH_CODES=100000 go test -run '^$' -bench BenchmarkImportBulkVsPaginated -benchtime 1x -timeout 60m ./jobs/
func BenchmarkImportBulkVsPaginated(b *testing.B) {
	codes := int(envNumber(b, "BENCH_CODES", 10_000))
	restore := envNumber(b, "BENCH_RESTORE_RATE", 100)
	ib := newImportBench(b)
	b.Run("bulk", func(b *testing.B) { ib.imports(b, restore, codes, 1000, 1) })
	b.Run("paginated", func(b *testing.B) { ib.imports(b, restore, codes, 2000, -1) })
}
