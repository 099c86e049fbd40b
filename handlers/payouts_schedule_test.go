package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"codecredit/models"
)

// TestPayoutScheduleThroughHTTP: the merchant sets a monthly schedule
// (bad input is a field error and changes nothing), turns it off, and
// another tenant neither sees nor changes it.
func TestPayoutScheduleThroughHTTP(t *testing.T) {
	v := newEnv(t)
	shop, other := v.tenant("Shop"), v.tenant("Other")
	const path = "/api/v1/settings/payout-schedule"
	var got struct {
		PayoutSchedule *models.ScheduleInput `json:"payout_schedule"`
	}
	v.must(http.StatusOK, "GET", path, shop.key, nil, &got)
	if got.PayoutSchedule != nil {
		t.Fatalf("new account has a schedule: %+v", got.PayoutSchedule)
	}
	good := `{"payout_schedule": {"day_of_month": 15, "methods": ["store_credit", "paypal", "paypal"]}}`
	v.must(http.StatusOK, "PUT", path, shop.key, good, &got)
	if s := got.PayoutSchedule; s == nil || s.DayOfMonth != 15 || strings.Join(s.Methods, ",") != "paypal,store_credit" {
		t.Fatalf("saved schedule: %+v", s)
	}
	for _, c := range []struct{ body, field string }{
		{`{"payout_schedule": {"day_of_month": 29, "methods": ["paypal"]}}`, "day_of_month"},
		{`{"payout_schedule": {"day_of_month": 0, "methods": ["paypal"]}}`, "day_of_month"},
		{`{"payout_schedule": {"day_of_month": 3, "methods": []}}`, "methods"},
		{`{"payout_schedule": {"day_of_month": 3, "methods": ["bank"]}}`, "methods"},
	} {
		rec := v.call("PUT", path, shop.key, c.body)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+c.field+`"`) {
			t.Errorf("%s: %d %s, want 400 on %s", c.body, rec.Code, rec.Body, c.field)
		}
	}
	if rec := v.call("PUT", path, shop.key, `{"payout_schedule": {"day_of_month": "x"}}`); rec.Code != http.StatusBadRequest {
		t.Errorf("not a number: %d", rec.Code)
	}
	// The other tenant sees none of it, and its changes stay its own.
	v.must(http.StatusOK, "GET", path, other.key, nil, &got)
	if got.PayoutSchedule != nil {
		t.Fatalf("other tenant sees the schedule: %+v", got.PayoutSchedule)
	}
	v.must(http.StatusOK, "PUT", path, other.key, `{"payout_schedule": null}`, nil)
	v.must(http.StatusOK, "GET", path, shop.key, nil, &got)
	if s := got.PayoutSchedule; s == nil || s.DayOfMonth != 15 {
		t.Fatalf("schedule after bad input and the other tenant's change: %+v", s)
	}
	v.must(http.StatusOK, "PUT", path, shop.key, `{"payout_schedule": null}`, &got)
	if got.PayoutSchedule != nil {
		t.Fatalf("turned off, still: %+v", got.PayoutSchedule)
	}
}

// TestPayoutRunPreview: the preview of a PayPal run names who is paid and
// how much, changes nothing, and shows another tenant nothing.
func TestPayoutRunPreview(t *testing.T) {
	v := newEnv(t)
	shop, ann, ben := payoutShop(t, v, "Shop")
	other := v.tenant("Other")
	payByPayPal(t, v, shop, map[uint64]string{ann.ID: "ann@example.com"})
	var p models.RunPreview
	v.must(http.StatusOK, "GET", "/api/v1/payouts/runs/preview?method=paypal", shop.key, nil, &p)
	if len(p.Payable) != 1 || p.Payable[0].AffiliateID != ann.ID || p.Total != p.Payable[0].Amount || p.Total <= 0 {
		t.Fatalf("paypal preview: %+v", p)
	}
	for _, l := range p.Payable {
		if l.AffiliateID == ben.ID {
			t.Errorf("ben has no PayPal email, yet is in the preview")
		}
	}
	v.must(http.StatusOK, "GET", "/api/v1/payouts/runs/preview?method=paypal", other.key, nil, &p)
	if len(p.Payable)+len(p.Skipped) != 0 {
		t.Fatalf("other tenant's preview: %+v", p)
	}
	if rec := v.call("GET", "/api/v1/payouts/runs/preview?method=bank", shop.key, nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("unknown method: %d", rec.Code)
	}
	var runs struct {
		Data []any `json:"data"`
	}
	v.must(http.StatusOK, "GET", "/api/v1/payouts/runs", shop.key, nil, &runs)
	if len(runs.Data) != 0 {
		t.Fatalf("a preview started a run: %+v", runs.Data)
	}
}
