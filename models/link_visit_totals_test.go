package models_test

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// The visits of any range of days, read from the running totals, equal
// the sum of the daily rows, after random flushes: days out of order (a
// late write for an earlier day), one day twice in a flush, new links
// later, and on PostgreSQL four flushers at once.
func TestLinkRangeVisitsMatchDailyRows(t *testing.T) {
	seed := propertySeed(t)
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		r := rand.New(rand.NewSource(seed))
		codes := make([]platforms.DiscountCode, 6)
		for i := range codes {
			codes[i] = platforms.DiscountCode{PlatformID: fmt.Sprint(i + 1), Code: fmt.Sprintf("HAT%d", i), DiscountType: "percentage", DiscountValue: 1000, Active: true}
		}
		acct, _ := testdb.ConnectedAccount(t, s, "Hats", "", models.Install{Platform: platforms.Shopify, ExternalID: "hats.myshopify.com", Currency: "USD"}, codes)
		var ids []uint64
		s.DB().Model(&models.Code{}).Where("account_id = ?", acct.ID).Order("id").Pluck("id", &ids)
		links, err := s.EnsureLinks(ctx, acct.ID, ids)
		if err != nil {
			t.Fatal(err)
		}
		day0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		batches := make([][]models.LinkVisits, 120)
		for i := range batches {
			for range 1 + r.Intn(6) {
				l := links[ids[r.Intn(len(ids))]]
				batches[i] = append(batches[i], models.LinkVisits{AccountID: acct.ID, LinkID: l.ID,
					Day: day0.AddDate(0, 0, i/3+r.Intn(4)-2), Visits: int64(1 + r.Intn(9))})
			}
		}
		writers := 1
		if s.IsPostgres() {
			writers = 4
		}
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(batches); i += writers {
					if err := s.AddLinkVisits(ctx, batches[i]); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		all := make([]uint64, 0, len(links))
		for _, l := range links {
			all = append(all, l.ID)
		}
		for range 200 {
			from := day0.AddDate(0, 0, r.Intn(50)-5).Truncate(24 * time.Hour)
			to := from.AddDate(0, 0, r.Intn(30))
			got, err := s.LinkVisitTotals(ctx, acct.ID, all, from, to)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range all {
				var want int64
				s.DB().Raw("SELECT COALESCE(SUM(visits), 0) FROM link_visit_days WHERE link_id = ? AND day >= ? AND day < ?",
					id, from.Format(time.DateOnly), to.Format(time.DateOnly)).Scan(&want)
				if got[id] != want {
					t.Fatalf("link %d, %s..%s: %d visits from the totals, %d in the daily rows",
						id, from.Format(time.DateOnly), to.Format(time.DateOnly), got[id], want)
				}
			}
		}
		// The migration fills totals written before the column existed.
		s.DB().Exec("UPDATE link_visit_days SET total = NULL")
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var wrong int64
		s.DB().Raw(`SELECT COUNT(*) FROM link_visit_days d WHERE total IS NULL OR total <>
			(SELECT SUM(e.visits) FROM link_visit_days e WHERE e.link_id = d.link_id AND e.day <= d.day)`).Scan(&wrong)
		if wrong != 0 {
			t.Fatalf("%d rows with a wrong total after the migration filled them", wrong)
		}
	})
}
