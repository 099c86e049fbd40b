package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// paypalDemoRun pays an affiliate through newcomer mode's PayPal sandbox
// as a newcomer would: commission approved at once (hold 0 days), the
// affiliate's PayPal email, a PayPal payout run, and the payout paid
// without setting any PayPal credential (the demo account has the
// sandbox's).
func paypalDemoRun(t *testing.T, base, key string) {
	t.Helper()
	if status, body := send(http.MethodPut, base+"/api/v1/settings", key, `{"default_commission":{"hold_days":0}}`); status != http.StatusOK {
		t.Fatalf("hold 0 days: %d %s", status, body)
	}
	var aff struct{ ID uint64 }
	post(t, base+"/api/v1/affiliates", key, http.StatusCreated, &aff, `{"name":"Pat Payee","email":"pat@example.com"}`)
	if status, body := send(http.MethodPut, base+"/api/v1/affiliates/"+strconv.FormatUint(aff.ID, 10)+"/payout-details", key,
		`{"method":"paypal","paypal_email":"pat@example.com"}`); status != http.StatusOK {
		t.Fatalf("Pat's PayPal email: %d %s", status, body)
	}
	post(t, base+"/api/v1/codes", key, http.StatusCreated, nil,
		`{"code":"PAT10","discount_type":"percentage","discount_value":1000,"affiliate_id":%d}`, aff.ID)
	var ev struct {
		StatusURL string `json:"status_url"`
	}
	post(t, base+"/api/v1/orders", key, http.StatusAccepted, &ev,
		`{"id":"order-pat","codes":["pat10"],"currency":"USD","subtotal":20000,"discount":2000,"total":20000,"placed_at":%q}`,
		time.Now().UTC().Format(time.RFC3339))
	var run struct {
		ID    uint64
		Total int64
	}
	deadline := time.Now().Add(time.Minute)
	for run.ID == 0 { // the order is booked by the worker
		status, body := send(http.MethodPost, base+"/api/v1/payouts/runs/paypal", key, `{"idempotency_key":"demo-paypal-0001"}`)
		if status == http.StatusCreated || status == http.StatusOK {
			json.Unmarshal([]byte(body), &run)
		} else if time.Now().After(deadline) {
			_, convs := get(base+"/api/v1/conversions", key)
			_, bals := get(base+"/api/v1/balances", key)
			_, evs := get(base+ev.StatusURL, key)
			bals += "\nevent: " + evs
			t.Fatalf("PayPal run: %d %s\nconversions: %s\nbalances: %s", status, body, convs, bals)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if run.Total != 2000 {
		t.Fatalf("the run pays %d, want Pat's 2000 (10%% of 200.00)", run.Total)
	}
	for {
		_, body := get(base+"/api/v1/payouts/runs/"+strconv.FormatUint(run.ID, 10)+"/items", key)
		if strings.Contains(body, `"status":"paid"`) && strings.Contains(body, `"platform_status":"SUCCESS"`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Pat's PayPal payout not paid: %s", body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
