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

// payoutShop is a tenant with two affiliates whose commission (10%) is
// approved: Ann 20.00, Ben 5.00.
func payoutShop(t *testing.T, v *env, name string) (tenant, models.Affiliate, models.Affiliate) {
	t.Helper()
	ctx := context.Background()
	shop := v.tenant(name)
	var ann, ben models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Ann " + name, "email": "ann@example.com"}, &ann)
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "=Ben", "email": "ben@example.com"}, &ben)
	for _, c := range []struct {
		code string
		aff  uint64
	}{{"ANN10", ann.ID}, {"BEN10", ben.ID}} {
		v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": c.code, "discount_type": "percentage", "discount_value": 1000, "affiliate_id": c.aff}, nil)
	}
	conn, err := v.store.APIConnection(ctx, shop.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range []struct {
		code string
		sub  int64
	}{{"ANN10", 20000}, {"BEN10", 5000}} {
		_, err := v.store.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: fmt.Sprint(name, i), Codes: []string{o.code},
			Currency: "USD", Subtotal: o.sub, Total: o.sub, PlacedAt: time.Now().UTC().Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
	}
	later := time.Now().UTC().AddDate(0, 0, 31)
	v.store.SetClock(func() time.Time { return later })
	if _, err := v.store.ApproveMatured(ctx); err != nil {
		t.Fatal(err)
	}
	return shop, ann, ben
}

// TestPayEveryonePayableThroughHTTP: the minimum is a setting, the plan
// lists who is below it, the run pays the rest once, its CSV lists them,
// and the payout opens to the orders it covered.
func TestPayEveryonePayableThroughHTTP(t *testing.T) {
	v := newEnv(t)
	shop, ann, ben := payoutShop(t, v, "Shop")
	for _, bad := range []string{`{"min_payout": -1}`, `{"min_payout": "ten"}`, `{"min_payout": 1.5}`, `{"min_payout": 1000000000000}`} {
		if rec := v.call("PUT", "/api/v1/settings", shop.key, bad); rec.Code != http.StatusBadRequest {
			t.Fatalf("settings %s: %d %s, want 400", bad, rec.Code, rec.Body)
		}
	}
	var set struct {
		MinPayout int64 `json:"min_payout"`
	}
	v.must(http.StatusOK, "PUT", "/api/v1/settings", shop.key, map[string]any{"min_payout": 1000}, &set)
	if set.MinPayout != 1000 {
		t.Fatalf("settings: %+v", set)
	}
	var plan models.PayablePlan
	v.must(http.StatusOK, "GET", "/api/v1/payouts/payable", shop.key, nil, &plan)
	if plan.MinPayout != 1000 || plan.Total != 2000 || len(plan.Payable) != 1 || plan.Payable[0].AffiliateID != ann.ID ||
		len(plan.BelowMinimum) != 1 || plan.BelowMinimum[0].AffiliateID != ben.ID || plan.BelowMinimum[0].Needs != 500 {
		t.Fatalf("plan: %+v", plan)
	}
	if rec := v.call("POST", "/api/v1/payouts/runs", shop.key, map[string]any{"idempotency_key": "x"}); rec.Code != http.StatusBadRequest {
		t.Fatalf("short key: %d", rec.Code)
	}
	if rec := v.call("POST", "/api/v1/payouts/runs", shop.key, `{"idempotency_key": "run-00001", "extra": 1}`); rec.Code != http.StatusBadRequest {
		t.Fatalf("unknown field: %d", rec.Code)
	}
	body := map[string]any{"idempotency_key": "run-00001", "method": "PayPal", "reference": "May"}
	var run, again models.PayoutRun
	v.must(http.StatusCreated, "POST", "/api/v1/payouts/runs", shop.key, body, &run)
	v.must(http.StatusOK, "POST", "/api/v1/payouts/runs", shop.key, body, &again)
	if run.PayoutCount != 1 || run.Total != 2000 || again.ID != run.ID || len(again.Payouts) != 1 {
		t.Fatalf("run %+v, repeat %+v", run, again)
	}
	rec := v.call("GET", fmt.Sprintf("/api/v1/payouts/runs/%d/export.csv", run.ID), shop.key, nil)
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || rec.Code != http.StatusOK || len(rows) != 2 || rows[1][2] != "Ann Shop" || rows[1][5] != "20.00" || rows[1][7] != "PayPal" {
		t.Fatalf("run CSV: %d %v %v", rec.Code, rows, err)
	}
	var d models.PayoutDetail
	v.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/payouts/%d", run.Payouts[0].ID), shop.key, nil, &d)
	if d.AffiliateName != "Ann Shop" || len(d.Items) != 1 || d.Items[0].Amount != 2000 || d.Items[0].OrderID != "Shop0" || d.PeriodStart == nil {
		t.Fatalf("payout detail: %+v", d)
	}
	var payouts listOf[models.Payout]
	v.must(http.StatusOK, "GET", "/api/v1/payouts", shop.key, nil, &payouts)
	if len(payouts.Data) != 1 || payouts.Data[0].RunID == nil || payouts.Data[0].Method != "PayPal" {
		t.Fatalf("history: %+v", payouts.Data)
	}
}

// TestRangeTablesThroughHTTP: the per-affiliate and per-code tables take
// a validated range and a limit.
func TestRangeTablesThroughHTTP(t *testing.T) {
	v := newEnv(t)
	shop, ann, _ := payoutShop(t, v, "Shop")
	// The orders were placed an hour ago: from that day (yesterday just
	// after midnight UTC) to today.
	placed, today := time.Now().UTC().Add(-time.Hour).Format(time.DateOnly), time.Now().UTC().Format(time.DateOnly)
	var affs struct {
		Total int64
		Data  []models.RangeTotal
	}
	v.must(http.StatusOK, "GET", "/api/v1/summary/affiliates?from="+placed+"&to="+today+"&limit=1", shop.key, nil, &affs)
	if affs.Total != 2 || len(affs.Data) != 1 || affs.Data[0].ID != ann.ID || affs.Data[0].Sales != 20000 || affs.Data[0].Commission != 2000 {
		t.Fatalf("per affiliate: %+v", affs)
	}
	v.must(http.StatusOK, "GET", "/api/v1/summary/codes?from="+placed+"&to="+today, shop.key, nil, &affs)
	if affs.Total != 2 || affs.Data[0].Name != "ANN10" || affs.Data[1].Sales != 5000 {
		t.Fatalf("per code: %+v", affs)
	}
	v.must(http.StatusOK, "GET", "/api/v1/summary/codes?from=2001-01-01&to=2001-02-01", shop.key, nil, &affs)
	if affs.Total != 0 || len(affs.Data) != 0 {
		t.Fatalf("an empty range: %+v", affs)
	}
	if rec := v.call("GET", "/api/v1/summary?from=2024-01-01&to=2025-12-31", shop.key, nil); rec.Code != http.StatusOK {
		t.Fatalf("a two-year summary: %d", rec.Code)
	}
	for _, q := range []string{"affiliates?from=2026-02-01&to=2026-01-01", "affiliates?from=2020-01-01&to=2026-01-01",
		"codes?limit=0", "codes?limit=101", "codes?limit=ten", "codes?currency=XX", "affiliates?to=31/01/2026"} {
		if rec := v.call("GET", "/api/v1/summary/"+q, shop.key, nil); rec.Code != http.StatusBadRequest {
			t.Fatalf("%s: %d, want 400", q, rec.Code)
		}
	}
}

// TestPayoutRoutesIsolation: another account can neither read a run, its
// CSV or a payout, nor see the first account's balances in its plan,
// tables or runs.
func TestPayoutRoutesIsolation(t *testing.T) {
	v := newEnv(t)
	a, _, _ := payoutShop(t, v, "A")
	b := v.tenant("B")
	var run models.PayoutRun
	v.must(http.StatusCreated, "POST", "/api/v1/payouts/runs", a.key, map[string]any{"idempotency_key": "shared-key"}, &run)
	for _, path := range []string{fmt.Sprintf("/api/v1/payouts/runs/%d", run.ID), fmt.Sprintf("/api/v1/payouts/runs/%d/export.csv", run.ID),
		fmt.Sprintf("/api/v1/payouts/%d", run.Payouts[0].ID)} {
		rec := v.call("GET", path, b.key, nil)
		if msg := errorOf(t, rec); rec.Code != http.StatusNotFound || !strings.HasSuffix(msg, "not found") {
			t.Fatalf("B reads %s: %d %q", path, rec.Code, msg)
		}
	}
	var plan models.PayablePlan
	v.must(http.StatusOK, "GET", "/api/v1/payouts/payable", b.key, nil, &plan)
	if len(plan.Payable)+len(plan.BelowMinimum)+len(plan.Negative) != 0 {
		t.Fatalf("B's plan shows A's affiliates: %+v", plan)
	}
	if rec := v.call("POST", "/api/v1/payouts/runs", b.key, map[string]any{"idempotency_key": "shared-key"}); rec.Code != http.StatusBadRequest {
		t.Fatalf("B's run with A's key: %d %s, want 400 (nothing to pay)", rec.Code, rec.Body)
	}
	for _, table := range []string{"affiliates", "codes"} {
		var rows struct{ Total int64 }
		v.must(http.StatusOK, "GET", "/api/v1/summary/"+table, b.key, nil, &rows)
		if rows.Total != 0 {
			t.Fatalf("B's %s table shows %d rows of A's", table, rows.Total)
		}
	}
	var bals listOf[models.Balance]
	v.must(http.StatusOK, "GET", "/api/v1/balances", a.key, nil, &bals)
	for _, x := range bals.Data {
		if x.Paid != 2000 && x.Paid != 500 {
			t.Fatalf("A's balances changed by B: %+v", bals.Data)
		}
	}
}

// TestPayablesCSVListsWhomARunWouldPay: the payouts CSV honours the
// program's minimum payout as the run does: with a 10.00 minimum it lists
// Ann (20.00) but not Ben's 5.00, below it; the run then pays exactly the
// CSV's rows in the account's currency. Ben's 9.00 in another currency,
// which has no minimum and is paid on its own, stays listed, as the
// Payouts page lists it.
func TestPayablesCSVListsWhomARunWouldPay(t *testing.T) {
	v := newEnv(t)
	shop, ann, ben := payoutShop(t, v, "Shop")
	ctx := context.Background()
	conn, err := v.store.APIConnection(ctx, shop.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.store.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: "eur-1", Codes: []string{"BEN10"}, Currency: "EUR",
		Subtotal: 9000, Total: 9000, PlacedAt: v.store.Now().UTC().AddDate(0, 0, -40)}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.store.ApproveMatured(ctx); err != nil {
		t.Fatal(err)
	}
	csvOf := func() string {
		rec := v.call("GET", "/api/v1/payouts/export.csv", shop.key, nil)
		rows, err := csv.NewReader(rec.Body).ReadAll()
		if rec.Code != http.StatusOK || err != nil || len(rows) == 0 || strings.Join(rows[0], ",") != "affiliate_id,name,email,currency,amount" {
			t.Fatalf("export: %d %v %q", rec.Code, err, rows)
		}
		var out []string
		for _, r := range rows[1:] {
			out = append(out, strings.Join(r, ","))
		}
		return strings.Join(out, "\n")
	}
	annUSD := fmt.Sprintf("%d,Ann Shop,ann@example.com,USD,20.00", ann.ID)
	benEUR, benUSD := fmt.Sprintf("%d,'=Ben,ben@example.com,EUR,9.00", ben.ID), fmt.Sprintf("%d,'=Ben,ben@example.com,USD,5.00", ben.ID)
	v.must(http.StatusOK, "PUT", "/api/v1/settings", shop.key, map[string]any{"min_payout": 0}, nil)
	if got, want := csvOf(), annUSD+"\n"+benEUR+"\n"+benUSD; got != want {
		t.Fatalf("no minimum:\n%s\nwant\n%s", got, want)
	}
	v.must(http.StatusOK, "PUT", "/api/v1/settings", shop.key, map[string]any{"min_payout": 1000}, nil)
	if got, want := csvOf(), annUSD+"\n"+benEUR; got != want {
		t.Fatalf("with a 10.00 minimum:\n%s\nwant\n%s", got, want)
	}
	var run models.PayoutRun
	v.must(http.StatusCreated, "POST", "/api/v1/payouts/runs", shop.key, map[string]any{"idempotency_key": "run-csv-0001"}, &run)
	if len(run.Payouts) != 1 || run.Payouts[0].AffiliateID != ann.ID || run.Payouts[0].Amount != 2000 {
		t.Fatalf("the run paid %+v; the CSV listed Ann's 20.00 alone in USD", run.Payouts)
	}
	if got := csvOf(); got != benEUR {
		t.Fatalf("after the run: %q, want Ben's EUR balance alone", got)
	}
}
