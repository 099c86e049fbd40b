package handlers_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"codecredit/models"
)

// discountView is the answer of GET /api/v1/summary/discounts.
type discountView struct {
	From string                   `json:"from"`
	To   string                   `json:"to"`
	Data []models.DiscountSummary `json:"data"`
}

func TestDiscountSummaryThroughHTTP(t *testing.T) {
	v := newEnv(t)
	shop, other := v.tenant("Shop"), v.tenant("Other")
	placed := v.seedDiscounts(shop, []discountCode{{"JANE15", "percentage", 1500, 0}, {"BOB10", "percentage", 1000, 1}, {"BOB5", "fixed_amount", 500, 1}},
		[]discountOrder{{"jane15", "", "", 10000}, {"JANE15", "", "", 5001}, {"BOB10", "", "", 20000}, {"bob5", "", "", 3000}})

	var sum discountView
	v.must(http.StatusOK, "GET", "/api/v1/summary/discounts", shop.key, nil, &sum)
	want := "percentage 1500 - USD 2 15001 7500|percentage 1000 - USD 1 20000 20000|fixed_amount 500 USD USD 1 3000 3000|"
	if got := discountLine(sum.Data); got != want {
		t.Fatalf("discounts = %s, want %s", got, want)
	}
	day := placed.Format(time.DateOnly)
	if sum.To != v.store.Now().UTC().Format(time.DateOnly) || sum.From != v.store.Now().UTC().AddDate(0, 0, -29).Format(time.DateOnly) {
		t.Fatalf("default range %s..%s", sum.From, sum.To)
	}
	v.must(http.StatusOK, "GET", "/api/v1/summary/discounts?from="+day+"&to="+day, shop.key, nil, &sum)
	if discountLine(sum.Data) != want {
		t.Fatalf("one-day discounts = %s", discountLine(sum.Data))
	}
	v.must(http.StatusOK, "GET", "/api/v1/summary/discounts?to=2000-01-31", shop.key, nil, &sum)
	if sum.Data == nil || len(sum.Data) != 0 || sum.From != "2000-01-02" {
		t.Fatalf("empty range = %+v", sum)
	}
	for _, q := range []string{"?from=yesterday", "?to=tomorrow", "?from=2026-02-01&to=2026-01-01", "?from=2020-01-01&to=2026-01-01"} {
		if rec := v.call("GET", "/api/v1/summary/discounts"+q, shop.key, nil); rec.Code != http.StatusBadRequest {
			t.Fatalf("discounts%s: %d", q, rec.Code)
		} else {
			errorOf(t, rec)
		}
	}

	// Another account sees none of it; no key is refused.
	v.must(http.StatusOK, "GET", "/api/v1/summary/discounts", other.key, nil, &sum)
	if len(sum.Data) != 0 {
		t.Fatalf("another account sees %s", discountLine(sum.Data))
	}
	if rec := v.call("GET", "/api/v1/summary/discounts", "", nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("without a key: %d", rec.Code)
	}

	// Balances carry the affiliate's name and email.
	var bals listOf[models.Balance]
	v.must(http.StatusOK, "GET", "/api/v1/balances", shop.key, nil, &bals)
	if len(bals.Data) != 2 || bals.Data[0].AffiliateName != "Jane" || bals.Data[1].AffiliateEmail != "bob@example.com" {
		t.Fatalf("balances = %+v", bals.Data)
	}
}

func discountLine(rows []models.DiscountSummary) string {
	s := ""
	for _, r := range rows {
		typ, value, cur := "removed", "-", "-"
		if r.DiscountType != nil {
			typ = *r.DiscountType
		}
		if r.DiscountValue != nil {
			value = fmt.Sprint(*r.DiscountValue)
		}
		if r.DiscountCurrency != nil {
			cur = *r.DiscountCurrency
		}
		s += fmt.Sprintf("%s %s %s %s %d %d %d|", typ, value, cur, r.Currency, r.Orders, r.Revenue, r.Average)
	}
	return s
}
