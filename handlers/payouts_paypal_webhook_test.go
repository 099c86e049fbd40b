package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/handlers"
	"codecredit/jobs"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms/paypal/sandbox"
)

// TestPayPalWebhooksBookItemsOnce: PayPal's signed item events book the
// payouts (paid, returned) without polling; every delivery made again,
// after later ones, changes nothing; a forged or unknown one is refused.
func TestPayPalWebhooksBookItemsOnce(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Now().UTC()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	sb := sandbox.New(sandbox.Options{SettleAfter: time.Minute, Clock: clock})
	ppSrv := httptest.NewServer(sb)
	defer ppSrv.Close()
	sb.SetBaseURL(ppSrv.URL)
	v := newEnvFrom(t, testdb.Postgres(t), handlers.Deps{Jobs: &handlers.FakeJobs{}, PayPalBaseURL: ppSrv.URL})
	app := httptest.NewServer(v.e)
	defer app.Close()
	sb.SetWebhookURL(app.URL + "/webhooks/paypal")

	shop, ann, ben := payoutShop(t, v, "Shop")
	if err := v.store.SavePayPalCredentials(ctx, shop.acct.ID, models.PayPalCredentials{ClientID: sandbox.DefaultClientID,
		Secret: sandbox.DefaultSecret, WebhookID: sb.WebhookID()}); err != nil {
		t.Fatal(err)
	}
	for aff, email := range map[uint64]string{ann.ID: "ann@example.com", ben.ID: "ben+returned@example.com"} {
		if _, err := v.store.SavePayoutMethod(ctx, shop.acct.ID, aff, models.PayoutMethodInput{Method: models.PayoutPayPal, PayPalEmail: email}, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
	}
	run, _, err := v.store.StartPayPalRun(ctx, shop.acct.ID, "paypal-hooks")
	if err != nil {
		t.Fatal(err)
	}
	// The send creates the batch, reads it PENDING and is stopped while waiting.
	sender := jobs.NewPayPalSender(v.store, jobs.PayPalOptions{BaseURL: ppSrv.URL, PollEvery: time.Hour})
	sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := sender.Send(sctx, run.ID); err == nil {
		t.Fatal("send finished before PayPal settled anything")
	}
	for range 2 { // PENDING → SUCCESS / UNCLAIMED → RETURNED
		mu.Lock()
		now = now.Add(time.Minute)
		mu.Unlock()
		sb.Tick(ctx)
	}
	states := func() map[uint64]models.PayPalItemView {
		pv, err := v.store.GetPayPalRun(ctx, shop.acct.ID, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[uint64]models.PayPalItemView{}
		for _, it := range pv.Items {
			out[it.AffiliateID] = it
		}
		return out
	}
	var entries int64
	got := states()
	if got[ann.ID].State != "paid" || got[ben.ID].State != "failed" || got[ben.ID].PayPalStatus != "RETURNED" {
		t.Fatalf("after webhooks: %+v", got)
	}
	v.store.DB().Model(&models.LedgerEntry{}).Count(&entries)
	for i, d := range sb.Deliveries() {
		if d.Status != http.StatusOK && strings.HasPrefix(d.EventType, "PAYMENT.PAYOUTS-ITEM.") {
			t.Errorf("delivery %d (%s): %d %s", i, d.EventType, d.Status, d.Err)
		}
		if again := sb.Redeliver(ctx, i); again.Status != http.StatusOK {
			t.Errorf("delivery %d again: %d", i, again.Status)
		}
	}
	var after int64
	v.store.DB().Model(&models.LedgerEntry{}).Count(&after)
	if after != entries || states()[ben.ID].PayPalStatus != "RETURNED" {
		t.Fatalf("deliveries made again booked: %d entries, then %d; %+v", entries, after, states())
	}
	ds := sb.Deliveries()
	forged := strings.Replace(string(ds[len(ds)-1].Body), "RETURNED", "SUCCESS", 1)
	req, _ := http.NewRequest("POST", app.URL+"/webhooks/paypal", strings.NewReader(forged))
	req.Header = ds[len(ds)-1].Header.Clone()
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged body: %v %v", res, err)
	}
	for _, bad := range []string{`nope`, `{"id":"WH-1","event_type":"PAYMENT.PAYOUTS-ITEM.SUCCEEDED","resource":{}}`} {
		res, err := http.Post(app.URL+"/webhooks/paypal", "application/json", strings.NewReader(bad))
		if err != nil || res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %v %v", bad, res, err)
		}
	}
}
