package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/platforms/paypal/sandbox"
)

// TestPayPalRunThroughHTTP: the merchant saves PayPal credentials (the
// secret never comes back), starts a PayPal run once per key, and reads
// each payout's PayPal state and reason; another tenant sees none of it.
func TestPayPalRunThroughHTTP(t *testing.T) {
	v := newEnv(t)
	ctx := context.Background()
	shop, ann, ben := payoutShop(t, v, "Shop")
	other := v.tenant("Other")
	sb, sbURL := startPayPalSandbox(t)

	key := map[string]string{"idempotency_key": "paypal-run-1"}
	if rec := v.call("POST", "/api/v1/payouts/runs/paypal", shop.key, key); rec.Code != http.StatusBadRequest ||
		!strings.Contains(errorOf(t, rec), "connect PayPal") {
		t.Fatalf("run without PayPal: %d %s", rec.Code, rec.Body)
	}
	for _, bad := range []string{`{"client_id": "id"}`, `{"client_id": "", "secret": "x"}`, `{"client_id": 5}`, `not json`} {
		if rec := v.call("PUT", "/api/v1/settings/paypal", shop.key, bad); rec.Code != http.StatusBadRequest {
			t.Errorf("credentials %s: %d, want 400", bad, rec.Code)
		}
	}
	creds := map[string]string{"client_id": sandbox.DefaultClientID, "secret": sandbox.DefaultSecret, "webhook_id": sb.WebhookID()}
	rec := v.call("PUT", "/api/v1/settings/paypal", shop.key, creds)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), sandbox.DefaultSecret) || !strings.Contains(rec.Body.String(), `"configured":true`) {
		t.Fatalf("save credentials: %d %s", rec.Code, rec.Body)
	}
	if rec := v.call("GET", "/api/v1/settings/paypal", other.key, nil); strings.Contains(rec.Body.String(), sandbox.DefaultClientID) {
		t.Fatalf("other tenant sees the PayPal app: %s", rec.Body)
	}
	payByPayPal(t, v, shop, map[uint64]string{ann.ID: "ann@example.com", ben.ID: "ben+failed@example.com"})
	var run models.PayoutRun
	v.must(http.StatusCreated, "POST", "/api/v1/payouts/runs/paypal", shop.key, key, &run)
	v.must(http.StatusOK, "POST", "/api/v1/payouts/runs/paypal", shop.key, key, nil)
	if run.PayoutCount != 2 || run.Method != models.MethodPayPal {
		t.Fatalf("run: %+v", run)
	}
	path := "/api/v1/payouts/runs/" + strconv.FormatUint(run.ID, 10) + "/paypal"
	if rec := v.call("GET", path, other.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("other tenant reads the run: %d", rec.Code)
	}
	sender := jobs.NewPayPalSender(v.store, jobs.PayPalOptions{BaseURL: sbURL, PollEvery: time.Millisecond})
	if err := sender.Send(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	var view models.PayPalRunView
	v.must(http.StatusOK, "GET", path, shop.key, nil, &view)
	states := map[uint64]models.PayPalItemView{}
	for _, it := range view.Items {
		states[it.AffiliateID] = it
	}
	if a, b := states[ann.ID], states[ben.ID]; a.State != "paid" || a.PayPalStatus != "SUCCESS" ||
		b.State != "failed" || b.PayPalStatus != "FAILED" || !strings.Contains(b.Reason, "RECEIVER_ACCOUNT_LOCKED") {
		t.Fatalf("items: %+v", view.Items)
	}
	if view.Paid != states[ann.ID].Amount || view.Returned != states[ben.ID].Amount {
		t.Fatalf("totals: paid %d returned %d", view.Paid, view.Returned)
	}
}
