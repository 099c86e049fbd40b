package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/platforms/paypal/sandbox"
)

// startPayPalSandbox serves a PayPal sandbox whose items settle at once
// until the test ends; it returns the sandbox and its URL.
func startPayPalSandbox(t *testing.T) (*sandbox.Server, string) {
	sb := sandbox.New(sandbox.Options{SettleAfter: time.Millisecond})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	sb.SetBaseURL(srv.URL)
	return sb, srv.URL
}

// payByPayPal makes PayPal the payout method of affiliates (id → email).
func payByPayPal(t *testing.T, v *env, shop tenant, emails map[uint64]string) {
	t.Helper()
	for aff, email := range emails {
		in := models.PayoutMethodInput{Method: models.PayoutPayPal, PayPalEmail: email}
		if _, err := v.store.SavePayoutMethod(context.Background(), shop.acct.ID, aff, in, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRunItemsAndRetryThroughHTTP: the merchant lists runs, opens one to
// each item's status and reason, cannot retry an item whose PayPal account
// is unchanged, retries it once the details changed (a second retry is
// 409), and sees the retry queued; another tenant can neither list, read
// nor retry the run.
func TestRunItemsAndRetryThroughHTTP(t *testing.T) {
	v := newEnv(t)
	ctx := context.Background()
	shop, ann, ben := payoutShop(t, v, "Shop")
	other := v.tenant("Other")
	_, sbURL := startPayPalSandbox(t)
	creds := map[string]string{"client_id": sandbox.DefaultClientID, "secret": sandbox.DefaultSecret}
	v.must(http.StatusOK, "PUT", "/api/v1/settings/paypal", shop.key, creds, nil)
	payByPayPal(t, v, shop, map[uint64]string{ann.ID: "ann@example.com", ben.ID: "ben+failed@example.com"})
	var run models.PayoutRun
	v.must(http.StatusCreated, "POST", "/api/v1/payouts/runs/paypal", shop.key, map[string]string{"idempotency_key": "paypal-run-1"}, &run)
	sender := jobs.NewPayPalSender(v.store, jobs.PayPalOptions{BaseURL: sbURL, PollEvery: time.Millisecond})
	if err := sender.Send(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/payouts/runs/" + strconv.FormatUint(run.ID, 10)

	var list struct{ Data []models.RunSummary }
	v.must(http.StatusOK, "GET", "/api/v1/payouts/runs", shop.key, nil, &list)
	if len(list.Data) != 1 || list.Data[0].Totals[models.ItemPaid].Count != 1 || list.Data[0].Totals[models.ItemFailed].Count != 1 {
		t.Fatalf("runs: %+v", list.Data)
	}
	v.must(http.StatusOK, "GET", "/api/v1/payouts/runs", other.key, nil, &list)
	if len(list.Data) != 0 {
		t.Fatalf("other tenant lists the run: %+v", list.Data)
	}
	for _, c := range []struct{ method, path string }{{"GET", base + "/items"}, {"POST", base + "/retry"}} {
		if rec := v.call(c.method, c.path, other.key, nil); rec.Code != http.StatusNotFound {
			t.Errorf("other tenant %s %s: %d, want 404", c.method, c.path, rec.Code)
		}
	}
	if rec := v.call("GET", "/api/v1/payouts/runs/abc/items", shop.key, nil); rec.Code != http.StatusBadRequest && rec.Code != http.StatusNotFound {
		t.Errorf("bad id: %d", rec.Code)
	}

	items := func() map[uint64]models.RunItem {
		var view models.RunItems
		v.must(http.StatusOK, "GET", base+"/items", shop.key, nil, &view)
		out := map[uint64]models.RunItem{}
		for _, it := range view.Items {
			if it.RetriedBy == nil {
				out[it.AffiliateID] = it
			}
		}
		return out
	}
	got := items()
	if a, b := got[ann.ID], got[ben.ID]; a.Status != "paid" || a.Method != "paypal" || b.Status != "failed" ||
		!strings.Contains(b.Reason, "RECEIVER_ACCOUNT_LOCKED") || b.Retryable || b.RetryNote == "" {
		t.Fatalf("items: %+v", got)
	}
	if rec := v.call("POST", base+"/retry", shop.key, nil); rec.Code != http.StatusConflict {
		t.Fatalf("retry with the same PayPal account: %d %s", rec.Code, rec.Body)
	}
	payByPayPal(t, v, shop, map[uint64]string{ben.ID: "ben@example.com"})
	var res models.RetryResult
	v.must(http.StatusCreated, "POST", base+"/retry", shop.key, nil, &res)
	if res.Count != 1 || res.Total != got[ben.ID].Amount {
		t.Fatalf("retry: %+v", res)
	}
	if rec := v.call("POST", base+"/retry", shop.key, nil); rec.Code != http.StatusConflict {
		t.Fatalf("second retry: %d %s", rec.Code, rec.Body)
	}
	if b := items()[ben.ID]; b.Status != "queued" || b.RetryOf == nil || *b.RetryOf != got[ben.ID].PayoutID {
		t.Fatalf("ben after the retry: %+v", b)
	}
	v.must(http.StatusOK, "GET", "/api/v1/payouts/runs", shop.key, nil, &list)
	if len(list.Data) != 1 || list.Data[0].Totals[models.ItemQueued].Count != 1 {
		t.Fatalf("runs after the retry (the retry is part of its run): %+v", list.Data)
	}
}
