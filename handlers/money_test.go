package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/api"
)

// work books a stored API event as the worker does.
func (v *env) work(eventID uint64) error { return bookEvent(v.store, eventID) }

// bookEvent books a stored API event as the worker does: parse it, then
// attribute the order or reverse the refund.
func bookEvent(s *models.Store, eventID uint64) error {
	ctx := context.Background()
	ev, err := s.GetWebhookEvent(ctx, eventID)
	if err != nil {
		return err
	}
	evs, err := api.Platform{}.ParseWebhook(ev.Topic, ev.Body)
	if err != nil {
		return err
	}
	for _, e := range evs {
		switch e.Kind {
		case platforms.KindOrderPaid:
			_, err = s.AttributeOrder(ctx, ev.ConnectionID, *e.Order)
		default:
			err = s.ReverseRefund(ctx, ev.ConnectionID, *e.Refund)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// report posts an order or a refund and books it as the worker would.
func (v *env) report(path, key, body string) ingestAnswer {
	v.t.Helper()
	var a ingestAnswer
	v.must(http.StatusAccepted, "POST", path, key, body, &a)
	if err := v.work(a.EventID); err != nil {
		v.t.Fatalf("worker refused %s %s: %v", path, body, err)
	}
	return a
}

// moneyShop is an account with Jane holding code JANE15.
func moneyShop(v *env) (tenant, models.Affiliate) {
	shop := v.tenant("Shop")
	var jane models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, &jane)
	v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "JANE15", "discount_type": "percentage", "discount_value": 1500, "affiliate_id": jane.ID}, nil)
	return shop, jane
}

func orderBody(id, currency string, subtotal int64, email string) string {
	placed := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	return fmt.Sprintf(`{"id":%q,"codes":["JANE15"],"currency":%q,"subtotal":%d,"total":%d,"customer_email":%q,"placed_at":%q}`,
		id, currency, subtotal, subtotal, email, placed)
}

func refundBody(id, orderID, currency string, subtotal int64) string {
	return fmt.Sprintf(`{"id":%q,"order_id":%q,"currency":%q,"subtotal":%d,"created_at":"2026-11-21T10:00:00Z"}`, id, orderID, currency, subtotal)
}

func conversionOf(v *env, key, orderID string) models.Conversion {
	v.t.Helper()
	var convs listOf[models.Conversion]
	v.must(http.StatusOK, "GET", "/api/v1/conversions?per_page=200", key, nil, &convs)
	for _, c := range convs.Data {
		if c.ExternalOrderID == orderID {
			return c
		}
	}
	v.t.Fatalf("no conversion for order %s in %+v", orderID, convs.Data)
	return models.Conversion{}
}

// A refund in another currency than its order changes nothing and says
// why: a 400 when the order is known, a failed refund once a held
// refund's order arrives.
func TestRefundInAnotherCurrencyChangesNothing(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		v := newEnvOn(t, s)
		shop, _ := moneyShop(v)
		v.report("/api/v1/orders", shop.key, orderBody("1001", "USD", 10000, "buyer@example.com"))

		rec := v.call("POST", "/api/v1/refunds", shop.key, refundBody("r1", "1001", "JPY", 5000))
		if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, "refund in JPY but order 1001 is in USD") {
			t.Fatalf("JPY refund of a USD order: %d %q, want 400 saying why", rec.Code, msg)
		}
		if c := conversionOf(v, shop.key, "1001"); c.Commission != 1000 || c.ReversedCommission != 0 || c.RefundedSubtotal != 0 || len(c.Refunds) != 0 {
			t.Fatalf("the refused refund changed the order: %+v", c)
		}

		// The refund comes first: it is held, then fails when its order arrives.
		v.report("/api/v1/refunds", shop.key, refundBody("r9", "2002", "JPY", 5000))
		v.report("/api/v1/orders", shop.key, orderBody("2002", "USD", 10000, "buyer@example.com"))
		c := conversionOf(v, shop.key, "2002")
		if c.Commission != 1000 || c.ReversedCommission != 0 || c.RefundedSubtotal != 0 || c.Status != models.ConversionPending {
			t.Fatalf("the held JPY refund changed the USD order: %+v", c)
		}
		if len(c.Refunds) != 1 || c.Refunds[0].AppliedAt != nil || !strings.Contains(c.Refunds[0].FailReason, "refund in JPY but order 2002 is in USD") {
			t.Fatalf("the failed refund does not say why: %+v", c.Refunds)
		}
		var bals listOf[models.Balance]
		v.must(http.StatusOK, "GET", "/api/v1/balances", shop.key, nil, &bals)
		if len(bals.Data) != 1 || bals.Data[0].Pending != 2000 {
			t.Fatalf("balances = %+v, want 20.00 pending", bals.Data)
		}
		// A refund in the order's currency still applies.
		v.report("/api/v1/refunds", shop.key, refundBody("r10", "2002", "USD", 5000))
		if c := conversionOf(v, shop.key, "2002"); c.ReversedCommission != 500 {
			t.Fatalf("USD refund: %+v", c)
		}
	})
}

// Refund ids are unique per order: two orders each with a refund "1"
// both reverse; a resend of one is still a duplicate.
func TestRefundIDsAreUniquePerOrder(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		v := newEnvOn(t, s)
		shop, _ := moneyShop(v)
		for _, id := range []string{"1001", "1002"} {
			v.report("/api/v1/orders", shop.key, orderBody(id, "USD", 10000, "buyer@example.com"))
		}
		// Held refunds too: refund "1" of two orders not booked yet.
		for _, id := range []string{"3001", "3002"} {
			v.report("/api/v1/refunds", shop.key, refundBody("1", id, "USD", 10000))
		}
		for _, id := range []string{"1001", "1002"} {
			if a := v.report("/api/v1/refunds", shop.key, refundBody("1", id, "USD", 10000)); a.Duplicate {
				t.Fatalf("refund 1 of order %s answered as a duplicate", id)
			}
		}
		for _, id := range []string{"3001", "3002"} {
			v.report("/api/v1/orders", shop.key, orderBody(id, "USD", 10000, "buyer@example.com"))
		}
		for _, id := range []string{"1001", "1002", "3001", "3002"} {
			if c := conversionOf(v, shop.key, id); c.Status != models.ConversionReversed || c.ReversedCommission != 1000 {
				t.Fatalf("order %s after its refund 1: %+v", id, c)
			}
		}
		var dup ingestAnswer
		v.must(http.StatusOK, "POST", "/api/v1/refunds", shop.key, refundBody("1", "1002", "USD", 10000), &dup)
		if !dup.Duplicate {
			t.Fatalf("resent refund: %+v", dup)
		}
	})
}

// The summary does not count flagged self-referrals or fully refunded
// orders as conversions or sales, and shows them apart; the balances
// behind the dashboard's top affiliates hold no self-referral commission.
func TestSummaryLeavesOutSelfReferralsAndRefundedOrders(t *testing.T) {
	v := newEnv(t)
	shop, jane := moneyShop(v)
	v.report("/api/v1/orders", shop.key, orderBody("1", "USD", 10000, "buyer@example.com"))
	v.report("/api/v1/orders", shop.key, orderBody("2", "USD", 40000, "JANE@example.com"))
	v.report("/api/v1/orders", shop.key, orderBody("3", "USD", 20000, "other@example.com"))
	v.report("/api/v1/refunds", shop.key, refundBody("r3", "3", "USD", 20000))
	v.report("/api/v1/orders", shop.key, orderBody("4", "USD", 30000, "more@example.com"))
	v.report("/api/v1/refunds", shop.key, refundBody("r4", "4", "USD", 10000))

	var sum struct {
		Days   []models.DaySummary
		Totals []models.DaySummary
	}
	v.must(http.StatusOK, "GET", "/api/v1/summary", shop.key, nil, &sum)
	want := models.DaySummary{Currency: "USD", Conversions: 2, Sales: 30000, Commission: 3000, Flagged: 1, Refunded: 1}
	if len(sum.Totals) != 1 || sum.Totals[0] != want {
		t.Fatalf("summary totals = %+v, want %+v", sum.Totals, want)
	}
	if len(sum.Days) != 1 || sum.Days[0].Conversions != 2 || sum.Days[0].Flagged != 1 || sum.Days[0].Refunded != 1 {
		t.Fatalf("summary days = %+v", sum.Days)
	}
	var bals listOf[models.Balance]
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/balances?affiliate_id=%d", jane.ID), shop.key, nil, &bals)
	if len(bals.Data) != 1 || bals.Data[0].Pending+bals.Data[0].Approved+bals.Data[0].Paid != 3000 {
		t.Fatalf("Jane's balance = %+v, want 30.00 (no self-referral, no refunded commission)", bals.Data)
	}
}

// A flat rule in another currency than the order's earns nothing, and the
// conversion says why.
func TestFlatRuleInAnotherCurrencySaysWhy(t *testing.T) {
	v := newEnv(t)
	shop, jane := moneyShop(v)
	v.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/affiliates/%d/commission", jane.ID), shop.key,
		`{"kind":"flat","flat_amount":500,"currency":"EUR"}`, nil)
	v.report("/api/v1/orders", shop.key, orderBody("1", "USD", 10000, "buyer@example.com"))
	v.report("/api/v1/orders", shop.key, orderBody("2", "EUR", 10000, "buyer@example.com"))
	usd, eur := conversionOf(v, shop.key, "1"), conversionOf(v, shop.key, "2")
	if usd.Commission != 0 || !strings.Contains(usd.CommissionNote, "flat rule pays 5.00 EUR") || !strings.Contains(usd.CommissionNote, "in USD") {
		t.Fatalf("USD order under a EUR flat rule: commission %d, note %q", usd.Commission, usd.CommissionNote)
	}
	if eur.Commission != 500 || eur.CommissionNote != "" {
		t.Fatalf("EUR order under a EUR flat rule: %+v", eur)
	}
}
