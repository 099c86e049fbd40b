package models_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// BenchmarkAttributeOrder measures attributed orders per second on
// PostgreSQL: each op is one paid order matched to an affiliate code,
// a conversion and an accrual written in one transaction.
//
//	go test -run '^$' -bench BenchmarkAttributeOrder -benchtime 5000x ./models/
func BenchmarkAttributeOrder(b *testing.B) {
	for _, mode := range []string{"serial", "parallel4"} {
		b.Run(mode, func(b *testing.B) {
			s := testdb.Postgres(b)
			f := newFixture(b, s)
			code := f.codes[f.affs[0].ID]
			var n atomic.Int64
			one := func() {
				i := n.Add(1)
				o := order("bench-"+strconv.FormatInt(i, 10), 10000+i, "USD", code)
				if _, err := s.AttributeOrder(context.Background(), f.conn.ID, o); err != nil {
					b.Error(err)
				}
			}
			start := time.Now()
			b.ResetTimer()
			if mode == "serial" {
				for i := 0; i < b.N; i++ {
					one()
				}
			} else {
				b.SetParallelism(2) // 2 × GOMAXPROCS(2) = 4 workers
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						one()
					}
				})
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "orders/s")
			var count int64
			s.DB().Model(&models.Conversion{}).Count(&count)
			if count != int64(b.N) {
				b.Fatalf("conversions %d, want %d", count, b.N)
			}
		})
	}
}
