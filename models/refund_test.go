package models_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// A database created when refund ids were unique per connection is
// migrated to refund ids unique per order: two orders each with a refund
// "1" both reverse, and a resent refund still books nothing.
func TestMigrateMakesRefundIDsUniquePerOrder(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx, db := context.Background(), s.DB()
		if err := db.Migrator().DropIndex(&models.Refund{}, "idx_refund_order_external"); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("CREATE UNIQUE INDEX idx_refund_external ON refunds (connection_id, external_refund_id)").Error; err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if db.Migrator().HasIndex(&models.Refund{}, "idx_refund_external") || !db.Migrator().HasIndex(&models.Refund{}, "idx_refund_order_external") {
			t.Fatal("the migration did not replace the per-connection refund index")
		}
		f := newFixture(t, s)
		now := s.Now()
		for _, id := range []string{"A", "B", "A"} {
			if _, err := s.AttributeOrder(ctx, f.conn.ID, platforms.Order{ExternalID: id, Codes: []string{"Partner0"},
				Currency: "USD", Subtotal: 10000, PlacedAt: now}); err != nil {
				t.Fatal(err)
			}
			if err := s.ReverseRefund(ctx, f.conn.ID, platforms.Refund{ExternalID: "1", OrderExternalID: id,
				Currency: "USD", Full: true, CreatedAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		var reversed, refunds int64
		db.Model(&models.Conversion{}).Where("status = ? AND reversed_commission = commission", models.ConversionReversed).Count(&reversed)
		db.Model(&models.Refund{}).Count(&refunds)
		if reversed != 2 || refunds != 2 {
			t.Fatalf("%d conversions reversed and %d refunds stored, want 2 and 2", reversed, refunds)
		}
		if b := net(t, f, f.affs[0].ID, "USD"); b.Pending+b.Approved+b.Paid != 0 {
			t.Fatalf("commission left after both refunds: %+v", b)
		}
	})
}

// A refund says how its goods' share was found where the platform did not
// itemise it: the platform's own note, or the money share for a refund
// known only by its money; an itemised refund says nothing.
func TestRefundSaysHowItsShareWasFound(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		now := s.Now()
		if _, err := s.AttributeOrder(ctx, f.conn.ID, platforms.Order{ExternalID: "O", Codes: []string{"Partner0"},
			Currency: "USD", Subtotal: 10000, Total: 12000, PlacedAt: now}); err != nil {
			t.Fatal(err)
		}
		refunds := []platforms.Refund{
			{ExternalID: "lines", Subtotal: 1000},
			{ExternalID: "money", Amount: 1200},
			{ExternalID: "spread", Subtotal: 500, Note: "spread over what was paid"},
		}
		for _, r := range refunds {
			r.OrderExternalID, r.Currency, r.CreatedAt = "O", "USD", now
			if err := s.ReverseRefund(ctx, f.conn.ID, r); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string]string{"lines": "", "money": models.MoneyShareNote, "spread": "spread over what was paid"}
		var rows []models.Refund
		if err := s.DB().Find(&rows).Error; err != nil || len(rows) != 3 {
			t.Fatalf("refunds %v %v", rows, err)
		}
		for _, r := range rows {
			if r.Note != want[r.ExternalRefundID] {
				t.Errorf("refund %s says %q, want %q", r.ExternalRefundID, r.Note, want[r.ExternalRefundID])
			}
		}
	})
}
