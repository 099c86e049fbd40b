package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/platforms/shopify/sandbox"
)

// Shopify Payments chargebacks, end to end through the sandbox, the
// webhook route and the worker: a chargeback takes its money's share of
// the commission back, winning it gives that back, losing it keeps it,
// and a refund made during a dispute is not taken twice.
func TestShopifyChargebacksEndToEnd(t *testing.T) {
	w := newShopifyWorld(t, 0)
	ctx := context.Background()
	conn := w.install()
	key, _ := w.store.CreateAPIKey(ctx, conn.AccountID)
	var aff models.Affiliate
	w.api("POST", "/api/v1/affiliates", key, `{"name":"Maya Stone","email":"maya@example.com"}`, &aff)
	var gen struct{ Data []models.Code }
	if st := w.api("POST", "/api/v1/codes/generate", key, fmt.Sprintf(`{"template":"{FIRST}{DISCOUNT}","discount_type":"percentage","discount_value":1500,"affiliate_ids":[%d]}`, aff.ID), &gen); st != 201 || len(gen.Data) != 1 {
		t.Fatalf("generate: %d %+v", st, gen)
	}
	code := gen.Data[0]
	w.waitUntil("code pushed to Shopify", func() bool {
		var c models.Code
		w.store.DB().Take(&c, code.ID)
		return c.SyncStatus == models.SyncSynced
	})
	balance := func() int64 {
		var bal struct{ Data []models.Balance }
		w.api("GET", fmt.Sprintf("/api/v1/balances?affiliate_id=%d", aff.ID), key, "", &bal)
		if len(bal.Data) != 1 {
			w.t.Fatalf("balances %+v", bal.Data)
		}
		return bal.Data[0].Pending + bal.Data[0].Approved
	}
	order := func() int64 {
		// 2 × 50.00 less 15% = 85.00 paid, no tax or shipping; 10% = 8.50.
		id, err := w.sb.PlaceOrder(w.shop, sandbox.OrderSpec{Codes: []string{code.Code}, Email: "buyer@example.com",
			Lines: []sandbox.Line{{Title: "Lamp", Price: "50.00", Quantity: 2}}})
		if err != nil {
			w.t.Fatal(err)
		}
		w.conversion(fmt.Sprint(id), func(c models.Conversion) bool { return c.Commission == 850 })
		return id
	}

	// Half the money charged back: half the commission taken back; won: given back.
	w.step("a chargeback of half the money takes half the commission back, and winning the dispute gives it back", func(t *testing.T) {
		first := order()
		dp, err := w.sb.OpenDispute(w.shop, first, sandbox.DisputeSpec{Amount: "42.50"})
		if err != nil {
			t.Fatal(err)
		}
		w.conversion(fmt.Sprint(first), func(c models.Conversion) bool { return c.ReversedCommission == 425 })
		if got := balance(); got != 425 {
			t.Fatalf("balance %d after the chargeback, want 425", got)
		}
		if err := w.sb.UpdateDispute(w.shop, dp, sandbox.DisputeUpdate{Status: "under_review"}); err != nil {
			t.Fatal(err)
		}
		if err := w.sb.UpdateDispute(w.shop, dp, sandbox.DisputeUpdate{Status: "won"}); err != nil {
			t.Fatal(err)
		}
		conv := w.conversion(fmt.Sprint(first), func(c models.Conversion) bool { return c.ReversedCommission == 0 })
		if got := balance(); got != 850 || conv.Status != models.ConversionPending {
			t.Fatalf("after the dispute was won: balance %d, conversion %+v; want 850 back", got, conv)
		}
		w.ledgerIs(conv.ID, 850, -425, 425)
	})

	// The whole charge disputed and lost: the commission stays taken back.
	w.step("a dispute of the whole charge that is lost keeps the whole commission taken back", func(t *testing.T) {
		second := order()
		dp, err := w.sb.OpenDispute(w.shop, second, sandbox.DisputeSpec{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.sb.UpdateDispute(w.shop, dp, sandbox.DisputeUpdate{Status: "lost"}); err != nil {
			t.Fatal(err)
		}
		w.sb.Wait()
		conv := w.conversion(fmt.Sprint(second), func(c models.Conversion) bool { return c.ReversedCommission == 850 })
		w.waitUntil("the lost dispute's update processed", func() bool { return w.processed("disputes/update") == 3 }) // under_review, won, lost
		if got := balance(); got != 850 || conv.Status != models.ConversionReversed {
			t.Fatalf("after the dispute was lost: balance %d, conversion %+v; want 850 (the first order's only)", got, conv)
		}
		w.ledgerIs(conv.ID, 850, -850)
	})

	// Half charged back, the merchant refunds one lamp, the dispute closes
	// as charge_refunded: only the refund's half stays taken back.
	w.step("a refund during a dispute is not taken twice when the dispute closes as charge_refunded", func(t *testing.T) {
		third := order()
		dp, err := w.sb.OpenDispute(w.shop, third, sandbox.DisputeSpec{Amount: "42.50"})
		if err != nil {
			t.Fatal(err)
		}
		w.conversion(fmt.Sprint(third), func(c models.Conversion) bool { return c.ReversedCommission == 425 })
		if _, err := w.sb.Refund(w.shop, third, sandbox.RefundSpec{Lines: []sandbox.RefundLine{{Index: 0, Quantity: 1}}}); err != nil {
			t.Fatal(err)
		}
		w.conversion(fmt.Sprint(third), func(c models.Conversion) bool { return c.ReversedCommission == 850 })
		if err := w.sb.UpdateDispute(w.shop, dp, sandbox.DisputeUpdate{Status: "charge_refunded"}); err != nil {
			t.Fatal(err)
		}
		conv := w.conversion(fmt.Sprint(third), func(c models.Conversion) bool { return c.ReversedCommission == 425 })
		if got := balance(); got != 850+425 {
			t.Fatalf("after the refund during the dispute: balance %d, want 1275", got)
		}
		w.ledgerIs(conv.ID, 850, -425, -425, 425)
	})

	// The win delivered before the opening: the same outcome.
	w.step("a win delivered before the dispute's opening ends the same as in order", func(t *testing.T) {
		fourth := order()
		w.offline.Store(true)
		dp, err := w.sb.OpenDispute(w.shop, fourth, sandbox.DisputeSpec{Amount: "42.50"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.sb.UpdateDispute(w.shop, dp, sandbox.DisputeUpdate{Status: "won"}); err != nil {
			t.Fatal(err)
		}
		w.sb.Wait()
		w.offline.Store(false)
		w.redeliver(fmt.Sprint(dp), "disputes/update")
		w.waitUntil("the win processed", func() bool { return w.processed("disputes/update") == 5 })
		conv := w.conversion(fmt.Sprint(fourth), func(models.Conversion) bool { return true })
		w.ledgerIs(conv.ID, 850, -425, 425)
		w.redeliver(fmt.Sprint(dp), "disputes/create")
		w.waitUntil("the late opening processed", func() bool { return w.processed("disputes/create") == 4 })
		conv = w.conversion(fmt.Sprint(fourth), func(models.Conversion) bool { return true })
		if got := balance(); conv.ReversedCommission != 0 || got != 850+425+850 {
			t.Fatalf("win before opening: balance %d, conversion %+v", got, conv)
		}
		w.ledgerIs(conv.ID, 850, -425, 425)
	})
}

// redeliver has the sandbox deliver again the undelivered deliveries of
// topic whose body mentions ref.
func (w *shopifyWorld) redeliver(ref, topic string) {
	w.t.Helper()
	found := false
	for _, d := range w.sb.Deliveries() {
		if d.Topic == topic && !d.Delivered && strings.Contains(string(d.Body), ref) {
			if err := w.sb.Redeliver(d.ID); err != nil {
				w.t.Fatal(err)
			}
			w.sb.Wait()
			found = true
		}
	}
	if !found {
		w.t.Fatalf("no undelivered %s for %s", topic, ref)
	}
}

// ledgerIs checks a conversion's ledger entries, in the order booked.
func (w *shopifyWorld) ledgerIs(convID uint64, want ...int64) {
	w.t.Helper()
	var entries []models.LedgerEntry
	w.store.DB().Where("conversion_id = ?", convID).Order("id").Find(&entries)
	got := make([]int64, len(entries))
	for i, e := range entries {
		got[i] = e.Amount
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		w.t.Fatalf("ledger of conversion %d: %v, want %v", convID, got, want)
	}
}

// processed counts the deliveries of topic the worker has booked.
func (w *shopifyWorld) processed(topic string) int64 {
	var n int64
	w.store.DB().Model(&models.WebhookEvent{}).Where("topic = ? AND processed_at IS NOT NULL", topic).Count(&n)
	return n
}
