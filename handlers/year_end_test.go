package handlers_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The year-end CSV lists what each affiliate was paid in the year, by
// method, after a note that it is not tax advice; another merchant's
// payouts and other years stay out. Figures by hand: Ann 20.00 by PayPal
// and Ben ("=Ben", kept from being a formula) 5.00 by bank transfer.
func TestYearEndCSV(t *testing.T) {
	v := newEnv(t)
	shop, ann, ben := payoutShop(t, v, "Shop")
	rival, _, _ := payoutShop(t, v, "Rival")
	v.must(http.StatusOK, "PUT", "/api/v1/settings", shop.key, map[string]any{"min_payout": 1000}, nil)
	v.must(http.StatusCreated, "POST", "/api/v1/payouts/runs", shop.key, map[string]any{"idempotency_key": "run-paypal", "method": "PayPal"}, nil)
	v.must(http.StatusOK, "PUT", "/api/v1/settings", shop.key, map[string]any{"min_payout": 0}, nil)
	v.must(http.StatusCreated, "POST", "/api/v1/payouts/runs", shop.key, map[string]any{"idempotency_key": "run-bank", "method": "bank transfer"}, nil)
	v.must(http.StatusCreated, "POST", "/api/v1/payouts/runs", rival.key, map[string]any{"idempotency_key": "run-rival", "method": "bank transfer"}, nil)
	year := v.store.Now().Year()

	read := func(key, query string) (int, [][]string, *http.Response) {
		t.Helper()
		rec := v.call("GET", "/api/v1/payouts/year-end.csv"+query, key, nil)
		r := csv.NewReader(strings.NewReader(rec.Body.String()))
		r.FieldsPerRecord = -1
		rows, _ := r.ReadAll()
		return rec.Code, rows, rec.Result()
	}
	code, rows, res := read(shop.key, fmt.Sprintf("?year=%d", year))
	if code != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		res.Header.Get("Content-Disposition") != fmt.Sprintf(`attachment; filename="payouts-%d-year-end.csv"`, year) {
		t.Fatalf("year-end: %d %v", code, res.Header)
	}
	threshold := "2000.00"
	if year <= 2025 {
		threshold = "600.00"
	}
	want := [][]string{
		{fmt.Sprintf("Payouts paid in %d by method. A help for bookkeeping, not tax advice: the Form 1099-NEC threshold for payments in %d is USD %s; "+
			"payments through PayPal are left out of the mark (PayPal reports them). Check with your tax adviser.", year, year, threshold)},
		{"affiliate_id", "name", "email", "currency", "paypal", "stripe_connect", "store_credit", "manual", "total", "paid_outside_paypal",
			"1099_nec_threshold", "at_or_above_1099_nec_threshold"},
		{fmt.Sprint(ben.ID), "'=Ben", "ben@example.com", "USD", "0.00", "0.00", "0.00", "5.00", "5.00", "5.00", threshold, "no"},
		{fmt.Sprint(ann.ID), "Ann Shop", "ann@example.com", "USD", "20.00", "0.00", "0.00", "0.00", "20.00", "0.00", threshold, "no"},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("year-end CSV:\n%q\nwant\n%q", rows, want)
	}
	if _, rows, _ := read(shop.key, fmt.Sprintf("?year=%d", year-1)); len(rows) != 2 {
		t.Fatalf("a year without payouts: %q", rows)
	}
	if code, rows, _ := read(rival.key, fmt.Sprintf("?year=%d", year)); code != http.StatusOK || len(rows) != 4 || rows[3][1] != "Ann Rival" || rows[3][0] == fmt.Sprint(ann.ID) {
		t.Fatalf("the other merchant's report: %d %q", code, rows)
	}
	for _, bad := range []string{"?year=abc", "?year=26", "?year=99999"} {
		rec := v.call("GET", "/api/v1/payouts/year-end.csv"+bad, shop.key, nil)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"year"`) {
			t.Errorf("%s: %d %s, want 400 on year", bad, rec.Code, rec.Body.String())
		}
	}
	if rec := v.call("GET", "/api/v1/payouts/year-end.csv", "", nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("without a key: %d", rec.Code)
	}
}
