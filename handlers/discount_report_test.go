package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"codecredit/models"
)

// discountReportView is the answer of GET /api/v1/reports/discounts.
type discountReportView struct {
	From string `json:"from"`
	To   string `json:"to"`
	models.DiscountReport
}

func TestDiscountReportThroughHTTP(t *testing.T) {
	v := newEnv(t)
	shop, other := v.tenant("Shop"), v.tenant("Other")
	placed := v.seedDiscounts(shop, []discountCode{{"JANE15", "percentage", 1500, 0}, {"BOB15", "percentage", 1500, 1}, {"BOB5", "fixed_amount", 500, 1}},
		[]discountOrder{{"jane15", "a@example.com", "", 10000}, {"BOB15", "b@example.com", "", 20000}, {"bob5", "c@example.com", "", 3000},
			{"JANE15", "jane@example.com", "", 7000}, // Jane's own purchase: flagged
			{"BOB5", "d@example.com", "EUR", 4000}})

	var r discountReportView
	v.must(http.StatusOK, "GET", "/api/v1/reports/discounts", shop.key, nil, &r)
	if got := reportLine(r.DiscountReport); got != "USD [EUR USD] BOB15 20000, JANE15 10000, BOB5 3000 | fixed_amount 500: 1 codes 1 orders 3000 | percentage 1500: 2 codes 2 orders 30000 | 1 flagged" {
		t.Fatalf("report = %s", got)
	}
	if r.To != v.store.Now().UTC().Format(time.DateOnly) || r.From != v.store.Now().UTC().AddDate(0, 0, -29).Format(time.DateOnly) {
		t.Fatalf("default range %s..%s", r.From, r.To)
	}
	rec := v.call("GET", "/api/v1/reports/discounts", shop.key, nil)
	if strings.Contains(rec.Body.String(), "visits") {
		t.Fatalf("visits shown before any are counted: %s", rec.Body)
	}
	day := placed.Format(time.DateOnly)
	v.must(http.StatusOK, "GET", "/api/v1/reports/discounts?currency=eur&from="+day+"&to="+day, shop.key, nil, &r)
	if got := reportLine(r.DiscountReport); got != "EUR [EUR USD] BOB5 4000 | fixed_amount 500: 1 codes 1 orders 4000 | 0 flagged" {
		t.Fatalf("EUR report = %s", got)
	}
	v.must(http.StatusOK, "GET", "/api/v1/reports/discounts?to=2000-01-31", shop.key, nil, &r)
	if r.Codes == nil || len(r.Codes) != 0 || r.Levels == nil || r.From != "2000-01-02" {
		t.Fatalf("empty range = %+v", r)
	}
	for _, q := range []string{"?from=yesterday", "?to=tomorrow", "?from=2026-02-01&to=2026-01-01", "?from=2020-01-01&to=2026-01-01", "?currency=dollars"} {
		if rec := v.call("GET", "/api/v1/reports/discounts"+q, shop.key, nil); rec.Code != http.StatusBadRequest {
			t.Fatalf("report%s: %d", q, rec.Code)
		} else {
			errorOf(t, rec)
		}
	}

	// Another account sees none of it; no key is refused.
	v.must(http.StatusOK, "GET", "/api/v1/reports/discounts", other.key, nil, &r)
	if len(r.Codes) != 0 || len(r.Currencies) != 0 || r.Flagged != 0 {
		t.Fatalf("another account sees %s", reportLine(r.DiscountReport))
	}
	if rec := v.call("GET", "/api/v1/reports/discounts", "", nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("without a key: %d", rec.Code)
	}
}

func reportLine(r models.DiscountReport) string {
	var codes, levels []string
	for _, c := range r.Codes {
		codes = append(codes, fmt.Sprintf("%s %d", c.Code, c.Sales))
	}
	for _, l := range r.Levels {
		levels = append(levels, fmt.Sprintf("%s %d: %d codes %d orders %d", *l.DiscountType, *l.DiscountValue, l.Codes, l.Orders, l.Sales))
	}
	return fmt.Sprintf("%s %v %s | %s | %d flagged", r.Currency, r.Currencies, strings.Join(codes, ", "), strings.Join(levels, " | "), r.Flagged)
}
