package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/platforms"
)

// TestCodeUsesAndSales: each listed code carries its earning orders and
// their net subtotal; unattributed, self-referred and fully refunded
// orders do not count, and another account sees none of it.
func TestCodeUsesAndSales(t *testing.T) {
	v := newEnv(t)
	ctx := context.Background()
	shop, other := v.tenant("Shop"), v.tenant("Other")
	var jane models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, &jane)
	v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "JANE15", "discount_type": "percentage", "discount_value": 1500, "affiliate_id": jane.ID}, nil)
	v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "SPARE", "discount_type": "percentage", "discount_value": 1000}, nil)
	v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "IDLE", "discount_type": "percentage", "discount_value": 1000, "affiliate_id": jane.ID}, nil)
	conn, err := v.store.APIConnection(ctx, shop.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	placed := v.store.Now().Add(-time.Hour)
	for i, o := range []struct {
		code, currency, email string
		subtotal              int64
	}{
		{"jane15", "USD", "", 10000}, {"JANE15", "USD", "", 5000}, {"JANE15", "EUR", "", 2000},
		{"JANE15", "USD", "jane@example.com", 9999}, // self-referral
		{"JANE15", "USD", "", 7777},                 // fully refunded below
		{"SPARE", "USD", "", 4000},                  // nobody's: unattributed
	} {
		_, err := v.store.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: fmt.Sprint(100 + i), Codes: []string{o.code},
			Currency: o.currency, Subtotal: o.subtotal, Total: o.subtotal, CustomerEmail: o.email, PlacedAt: placed})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []platforms.Refund{
		{ExternalID: "r1", OrderExternalID: "101", Currency: "USD", Subtotal: 1000, CreatedAt: placed},
		{ExternalID: "r2", OrderExternalID: "104", Currency: "USD", Subtotal: 7777, Full: true, CreatedAt: placed},
	} {
		if err := v.store.ReverseRefund(ctx, conn.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	var l listOf[models.Code]
	v.must(http.StatusOK, "GET", "/api/v1/codes", shop.key, nil, &l)
	got := map[string]string{}
	for _, c := range l.Data {
		got[c.Code] = fmt.Sprint(c.Uses, c.Sales)
	}
	want := map[string]string{"JANE15": "3 [{EUR 2000} {USD 14000}]", "SPARE": "0 []", "IDLE": "0 []"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("uses and sales = %v, want %v", got, want)
	}
	v.must(http.StatusOK, "GET", "/api/v1/codes", other.key, nil, &l)
	if l.Total != 0 {
		t.Fatalf("another account lists %d codes", l.Total)
	}
}

// TestUnassignAndDeactivate: unassigning keeps the code active unless
// asked to deactivate it too; another account's code is a 404 and bad
// input changes nothing.
func TestUnassignAndDeactivate(t *testing.T) {
	v := newEnv(t)
	shop, other := v.tenant("Shop"), v.tenant("Other")
	var jane models.Affiliate
	v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, &jane)
	var keep, stop models.Code
	v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "KEEP", "discount_type": "percentage", "discount_value": 1000, "affiliate_id": jane.ID}, &keep)
	v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "STOP", "discount_type": "percentage", "discount_value": 1000, "affiliate_id": jane.ID}, &stop)
	for _, body := range []any{`{"deactivate": "yes"}`, `{"other": true}`, `[1]`} {
		rec := v.call("POST", fmt.Sprintf("/api/v1/codes/%d/unassign", stop.ID), shop.key, body)
		if rec.Code != http.StatusBadRequest {
			t.Fatalf("unassign with %s: %d %s", body, rec.Code, rec.Body.String())
		}
		errorOf(t, rec)
	}
	if rec := v.call("POST", fmt.Sprintf("/api/v1/codes/%d/unassign", stop.ID), other.key, map[string]bool{"deactivate": true}); rec.Code != http.StatusNotFound {
		t.Fatalf("another account unassigns: %d", rec.Code)
	}
	var got models.Code
	v.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/codes/%d/unassign", keep.ID), shop.key, nil, &got)
	if got.AffiliateID != nil || !got.Active {
		t.Fatalf("plain unassign = %+v, want unassigned and active", got)
	}
	v.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/codes/%d/unassign", stop.ID), shop.key, map[string]bool{"deactivate": true}, &got)
	if got.AffiliateID != nil || got.Active {
		t.Fatalf("unassign and deactivate = %+v, want unassigned and inactive", got)
	}
}
