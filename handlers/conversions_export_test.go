package handlers_test

import (
	"encoding/csv"
	"net/http"
	"slices"
	"testing"
	"time"

	"codecredit/platforms"
)

// The conversions CSV says, for every order, what credited its affiliate
// and why in words, as the admin's conversion page does: a code, a
// subscription's renewal, a returning customer's order (lifetime
// attribution), an order added by hand; an adjustment has neither.
func TestConversionExportSaysWhatCreditedEachOrder(t *testing.T) {
	v := newEnv(t)
	f := newConvFixture(t, v)
	v.must(http.StatusOK, "PUT", "/api/v1/settings", f.shop.key, map[string]any{"lifetime": map[string]any{"on": true, "days": 0},
		"default_commission": map[string]any{"basis_points": 1000, "recurring_months": 12}}, nil)
	at := f.day0.AddDate(0, 0, 8)
	for _, o := range []platforms.Order{
		{ExternalID: "4001", Codes: []string{"JANE15"}, CustomerEmail: "ivy@example.com", PlacedAt: at},
		{ExternalID: "4002", CustomerEmail: "IVY@example.com", PlacedAt: at.Add(time.Hour)},
		{ExternalID: "5001", Codes: []string{"BOB10"}, CustomerEmail: "lu@example.com", SubscriptionID: "sub_7", PlacedAt: at},
		{ExternalID: "5002", CustomerEmail: "lu@example.com", SubscriptionID: "sub_7", PlacedAt: at.AddDate(0, 1, 0)},
	} {
		o.Currency, o.Subtotal, o.Total = "USD", 3000, 3000
		f.attribute(t, o)
	}
	v.must(http.StatusCreated, "POST", "/api/v1/conversions", f.shop.key, map[string]any{"affiliate_id": f.jane.ID,
		"order_id": "M-1", "subtotal": 5000, "placed_at": f.day0.Format(time.DateOnly), "reason": "phone order"}, nil)
	v.must(http.StatusCreated, "POST", "/api/v1/adjustments", f.shop.key, map[string]any{"affiliate_id": f.jane.ID, "amount": 1500, "reason": "bonus"}, nil)

	rec := v.call("GET", "/api/v1/conversions/export.csv", f.shop.key, nil)
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if rec.Code != http.StatusOK || err != nil || len(rows) < 2 {
		t.Fatalf("export: %d %v %q", rec.Code, err, rows)
	}
	head := rows[0]
	by, why, order, kind := slices.Index(head, "credited_by"), slices.Index(head, "credit_note"), slices.Index(head, "order_id"), slices.Index(head, "kind")
	if by < 0 || why < 0 || head[3] != "order_id" || head[15] != "note" {
		t.Fatalf("header %q: want credited_by and credit_note after the columns it had", head)
	}
	brought := at.Format(time.DateOnly)
	want := map[string][2]string{
		"1001": {"code", "code JANE15"},
		"2001": {"code", "code BOB10"},
		"4001": {"code", "code JANE15"},
		"4002": {"repeat", "repeat order of a customer brought by Jane Doe on " + brought},
		"5001": {"code", "code BOB10"},
		"5002": {"renewal", "renewal 1 of 12 (subscription sub_7, brought on " + brought + ")"},
		"M-1":  {"manual", ""},
	}
	seen, adjustments := 0, 0
	for _, r := range rows[1:] {
		if r[kind] == "adjustment" {
			adjustments++
			if r[by] != "" || r[why] != "" {
				t.Errorf("adjustment %q says it was credited", r)
			}
			continue
		}
		if w, ok := want[r[order]]; ok {
			seen++
			if r[by] != w[0] || r[why] != w[1] {
				t.Errorf("order %s: credited_by %q, credit_note %q; want %q, %q", r[order], r[by], r[why], w[0], w[1])
			}
		}
	}
	if seen != len(want) || adjustments != 1 {
		t.Fatalf("%d of the %d orders and %d adjustments exported: %q", seen, len(want), adjustments, rows)
	}
}
