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
