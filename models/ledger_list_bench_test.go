package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// BenchmarkLedgerEntries reads a page of 100 ledger entries, ten pages
// deep, per filter (the account, an affiliate with 25,000 entries, a
// conversion, a payout of 1,000 entries) among 1,000,000 entries of 20
// accounts on PostgreSQL; then the same with the list's two indexes
// dropped, as the same-run baseline. Each query's plan is logged.
//
//	go test -run '^$' -bench BenchmarkLedgerEntries -benchtime 200x -v ./models/
func BenchmarkLedgerEntries(b *testing.B) {
	s := testdb.Postgres(b)
	ctx := context.Background()
	f := newFixture(b, s)
	aff := f.affs[0].ID
	conv, err := s.AttributeOrder(ctx, f.conn.ID, platforms.Order{ExternalID: "bench-1", Codes: []string{f.codes[aff]},
		Currency: "USD", Subtotal: 10000, Total: 10000, PlacedAt: time.Now().UTC()})
	if err != nil {
		b.Fatal(err)
	}
	payout := models.Payout{AccountID: f.account.ID, AffiliateID: aff, Amount: 1, Currency: "USD", EntryCount: 1000, PaidAt: time.Now().UTC()}
	mustCreate(b, s, &payout)
	// One entry in 20 is the account's; one of its entries in 2 is the
	// affiliate's; its first 1,000 are in the payout; two entries per conversion.
	err = s.DB().Exec(`INSERT INTO ledger_entries (account_id, affiliate_id, conversion_id, payout_id, kind, amount, currency,
		status, available_at, note, created_at, updated_at)
		SELECT CASE WHEN g % 20 = 0 THEN ?::bigint ELSE 1000000 + g % 19 END,
		CASE WHEN g % 40 = 0 THEN ?::bigint ELSE 1000000 + g % 997 END,
		10000000 + g / 2, CASE WHEN g % 20 = 0 AND g <= 20000 THEN ?::bigint END,
		'accrual', 100, 'USD', 'approved', now(), '', now(), now()
		FROM generate_series(1, 1000000) g`, f.account.ID, aff, payout.ID).Error
	if err != nil {
		b.Fatal(err)
	}
	if err := s.DB().Exec("ANALYZE ledger_entries").Error; err != nil {
		b.Fatal(err)
	}
	filters := []struct {
		name string
		f    models.LedgerFilter
	}{
		{"account", models.LedgerFilter{}},
		{"affiliate", models.LedgerFilter{AffiliateID: aff}},
		{"conversion", models.LedgerFilter{ConversionID: conv.ID}},
		{"payout", models.LedgerFilter{PayoutID: payout.ID}},
	}
	run := func(b *testing.B, label string) {
		for _, c := range filters {
			b.Run(label+"/"+c.name, func(b *testing.B) {
				lf, after := deepCursor(b, s, f.account.ID, c.f)
				logPlan(b, s, f.account.ID, after, lf)
				b.ResetTimer()
				for range b.N {
					if _, err := s.ListLedgerEntries(ctx, f.account.ID, lf); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	run(b, "indexed")
	if err := s.DB().Exec("DROP INDEX idx_ledger_account_id, idx_ledger_account_affiliate_id").Error; err != nil {
		b.Fatal(err)
	}
	run(b, "baseline_without_list_indexes")
}

// deepCursor walks ten pages of 100 into the list and returns the filter
// with the cursor there (or at its last page when shorter) and the id the
// cursor stands after.
func deepCursor(b *testing.B, s *models.Store, accountID uint64, f models.LedgerFilter) (models.LedgerFilter, uint64) {
	f.Limit = 100
	var after uint64
	for range 10 {
		p, err := s.ListLedgerEntries(context.Background(), accountID, f)
		if err != nil {
			b.Fatal(err)
		}
		if p.NextCursor == "" {
			break
		}
		f.Cursor, after = p.NextCursor, p.Entries[len(p.Entries)-1].ID
	}
	return f, after
}

// logPlan logs the plan of the page query f runs, as ListLedgerEntries
// writes it.
func logPlan(b *testing.B, s *models.Store, accountID, after uint64, f models.LedgerFilter) {
	where, args := "account_id = ? AND id > ?", []any{accountID, after}
	for col, id := range map[string]uint64{"affiliate_id": f.AffiliateID, "conversion_id": f.ConversionID, "payout_id": f.PayoutID} {
		if id != 0 {
			where += " AND " + col + " = ?"
			args = append(args, id)
		}
	}
	var plan []string
	if err := s.DB().Raw("EXPLAIN ANALYZE SELECT id, affiliate_id, kind, amount, currency, status, conversion_id, refund_id, payout_id, note, created_at "+
		"FROM ledger_entries WHERE "+where+" ORDER BY id LIMIT 101", args...).Scan(&plan).Error; err != nil {
		b.Fatal(err)
	}
	b.Logf("plan:\n%s", strings.Join(plan, "\n"))
}
