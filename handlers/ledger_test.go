package handlers_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/platforms"
)

// These go through the attribution engine: orders are booked with
// store.AttributeOrder, then balances, conversions, the summary and
// payouts are read and made through HTTP.
func TestLedgerThroughHTTP(t *testing.T) {
	v := newEnv(t)
	ctx := context.Background()
	shop := v.tenant("Shop")
	var jane, bob models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "=Bob+1", "email": "bob@example.com"}, &bob)
	v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "JANE15", "discount_type": "percentage", "discount_value": 1500, "affiliate_id": jane.ID}, nil)
	v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "BOB10", "discount_type": "percentage", "discount_value": 1000, "affiliate_id": bob.ID}, nil)

	conn, err := v.store.APIConnection(ctx, shop.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	placed := v.store.Now().Add(-time.Hour)
	for i, o := range []struct {
		code     string
		subtotal int64
	}{{"jane15", 10000}, {"JANE15", 5000}, {"Bob10", 20000}} {
		_, err := v.store.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: fmt.Sprint(100 + i), Codes: []string{o.code},
			Currency: "USD", Subtotal: o.subtotal, Total: o.subtotal, PlacedAt: placed})
		if err != nil {
			t.Fatal(err)
		}
	}

	v.step("conversions list filters by affiliate and status and refuses an unknown status", func(t *testing.T) {
		var convs listOf[models.Conversion]
		v.must(http.StatusOK, "GET", "/api/v1/conversions", shop.key, nil, &convs)
		if convs.Total != 3 {
			t.Fatalf("conversions: %d", convs.Total)
		}
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/conversions?affiliate_id=%d&status=pending&per_page=1", jane.ID), shop.key, nil, &convs)
		if convs.Total != 2 || len(convs.Data) != 1 || convs.Data[0].Commission != 500 && convs.Data[0].Commission != 1000 {
			t.Fatalf("Jane's pending conversions: %+v", convs)
		}
		if rec := v.call("GET", "/api/v1/conversions?status=lost", shop.key, nil); rec.Code != http.StatusBadRequest {
			t.Fatalf("unknown status: %d", rec.Code)
		}
	})

	// Summary, default range (last 30 days, today included) and explicit.
	v.step("summary covers the last 30 days by default, an explicit range, and refuses bad ranges", func(t *testing.T) {
		var sum struct {
			From, To string
			Days     []models.DaySummary
			Totals   []models.DaySummary
		}
		v.must(http.StatusOK, "GET", "/api/v1/summary", shop.key, nil, &sum)
		if len(sum.Totals) != 1 || sum.Totals[0].Conversions != 3 || sum.Totals[0].Sales != 35000 || sum.Totals[0].Commission != 3500 {
			t.Fatalf("summary = %+v", sum)
		}
		day := placed.Format(time.DateOnly)
		v.must(http.StatusOK, "GET", "/api/v1/summary?from="+day+"&to="+day, shop.key, nil, &sum)
		if len(sum.Days) != 1 || sum.Days[0].Day != day || sum.Days[0].Conversions != 3 {
			t.Fatalf("one-day summary = %+v", sum)
		}
		v.must(http.StatusOK, "GET", "/api/v1/summary?to=2000-01-31", shop.key, nil, &sum)
		if len(sum.Days) != 0 || sum.From != "2000-01-02" {
			t.Fatalf("empty range = %+v", sum)
		}
		for _, q := range []string{"?from=yesterday", "?from=2026-02-01&to=2026-01-01", "?from=2020-01-01&to=2026-01-01"} {
			if rec := v.call("GET", "/api/v1/summary"+q, shop.key, nil); rec.Code != http.StatusBadRequest {
				t.Fatalf("summary%s: %d", q, rec.Code)
			}
		}
	})

	var bals listOf[models.Balance]
	v.step("commission stays pending and cannot be paid out before the hold ends", func(t *testing.T) {
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/balances?affiliate_id=%d", jane.ID), shop.key, nil, &bals)
		if len(bals.Data) != 1 || bals.Data[0].Pending != 1500 || bals.Data[0].Approved != 0 {
			t.Fatalf("Jane's balance before the hold ends: %+v", bals.Data)
		}
		rec := v.call("POST", "/api/v1/payouts", shop.key, map[string]any{"affiliate_id": jane.ID})
		if msg := errorOf(t, rec); rec.Code != http.StatusBadRequest || !strings.Contains(msg, "no approved USD balance") {
			t.Fatalf("payout before approval: %d %q", rec.Code, msg)
		}
	})

	// The hold period (30 days) ends.
	v.step("once the hold ends the balances are approved and exported with formula-safe names", func(t *testing.T) {
		later := time.Now().UTC().AddDate(0, 0, 31)
		v.store.SetClock(func() time.Time { return later })
		if _, err := v.store.ApproveMatured(ctx); err != nil {
			t.Fatal(err)
		}
		v.must(http.StatusOK, "GET", "/api/v1/balances", shop.key, nil, &bals)
		if len(bals.Data) != 2 || bals.Data[0].Approved+bals.Data[1].Approved != 3500 {
			t.Fatalf("balances after approval: %+v", bals.Data)
		}
		rows := exportRows(t, v, shop.key)
		want := [][]string{
			{"affiliate_id", "name", "email", "currency", "amount"},
			{fmt.Sprint(jane.ID), "Jane Doe", "jane@example.com", "USD", "15.00"},
			{fmt.Sprint(bob.ID), "'=Bob+1", "bob@example.com", "USD", "20.00"},
		}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Fatalf("export = %v, want %v", rows, want)
		}
	})

	var p models.Payout
	v.step("a payout pays the approved balance and leaves the export", func(t *testing.T) {
		v.must(http.StatusCreated, "POST", "/api/v1/payouts", shop.key, map[string]any{"affiliate_id": jane.ID, "reference": "wire 42"}, &p)
		if p.Amount != 1500 || p.Currency != "USD" || p.Reference != "wire 42" || p.AffiliateID != jane.ID {
			t.Fatalf("payout = %+v", p)
		}
		var payouts listOf[models.Payout]
		v.must(http.StatusOK, "GET", "/api/v1/payouts", shop.key, nil, &payouts)
		var one models.Payout
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/payouts/%d", p.ID), shop.key, nil, &one)
		if payouts.Count != 1 || one.ID != p.ID || one.Amount != 1500 {
			t.Fatalf("payouts = %+v, one = %+v", payouts, one)
		}
		v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/balances?affiliate_id=%d", jane.ID), shop.key, nil, &bals)
		if bals.Data[0].Approved != 0 || bals.Data[0].Paid != 1500 {
			t.Fatalf("Jane after payout: %+v", bals.Data)
		}
		if rows := exportRows(t, v, shop.key); len(rows) != 2 || rows[1][0] != fmt.Sprint(bob.ID) {
			t.Fatalf("export after paying Jane: %v", rows)
		}
	})
	// Deleting an affiliate with history disables it instead.
	v.step("deleting an affiliate with history disables it instead", func(t *testing.T) {
		var del struct {
			Deleted   bool
			Affiliate models.Affiliate
		}
		v.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/v1/affiliates/%d", jane.ID), shop.key, nil, &del)
		if del.Deleted || del.Affiliate.Status != models.AffiliateDisabled {
			t.Fatalf("delete with history: %+v", del)
		}
	})
	// Another account sees none of it.
	v.step("another account sees none of the payouts, export or balances", func(t *testing.T) {
		other := v.tenant("Other")
		v.must(http.StatusNotFound, "GET", fmt.Sprintf("/api/v1/payouts/%d", p.ID), other.key, nil, nil)
		if rows := exportRows(t, v, other.key); len(rows) != 1 {
			t.Fatalf("another account's export: %v", rows)
		}
		v.must(http.StatusOK, "GET", "/api/v1/balances", other.key, nil, &bals)
		if len(bals.Data) != 0 {
			t.Fatalf("another account's balances: %+v", bals.Data)
		}
	})
}

func exportRows(t *testing.T, v *env, key string) [][]string {
	t.Helper()
	rec := v.call("GET", "/api/v1/payouts/export.csv", key, nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v %s", rec.Code, rec.Header(), rec.Body.String())
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
