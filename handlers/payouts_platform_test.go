package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/stripe"
)

// connect installs a connection of platform with creds for the tenant.
func connect(t *testing.T, v *env, tn tenant, platform, externalID string, creds models.Credentials) {
	t.Helper()
	_, err := v.store.InstallConnection(context.Background(), models.Install{AccountID: tn.acct.ID, Platform: platform,
		ExternalID: externalID, Credentials: creds, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
}

// TestStripeRunThroughHTTP: a store without a Stripe key connection is
// told to connect one; a run pays the affiliate Stripe can pay, lists the
// one still onboarding as skipped, is made once per key, and reads back
// per payout; another tenant neither reads it nor pays from it.
func TestStripeRunThroughHTTP(t *testing.T) {
	v := newEnv(t)
	ctx := context.Background()
	shop, ann, ben := payoutShop(t, v, "Shop")
	other := v.tenant("Other")
	key := map[string]string{"idempotency_key": "stripe-run-1"}
	if rec := v.call("POST", "/api/v1/payouts/runs/stripe", shop.key, key); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(errorOf(t, rec), "connect your Stripe account") {
		t.Fatalf("run without Stripe: %d %s", rec.Code, rec.Body)
	}
	creds := models.Credentials{stripe.CredMode: stripe.ModeKey, stripe.CredAPIKey: "rk_test_shop"}
	connect(t, v, shop, platforms.Stripe, "acct_shop", creds)
	connect(t, v, other, platforms.Stripe, "acct_other", models.Credentials{stripe.CredMode: stripe.ModeKey, stripe.CredAPIKey: "rk_test_other"})
	for aff, state := range map[uint64]string{ann.ID: models.ConnectEnabled, ben.ID: models.ConnectOnboarding} {
		if _, err := v.store.SavePayoutMethod(ctx, shop.acct.ID, aff, models.PayoutMethodInput{Method: models.PayoutStripeConnect}, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
		if _, err := v.store.SetConnectAccount(ctx, shop.acct.ID, aff, "acct_aff"+strconv.FormatUint(aff, 10), state, "stripe"); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []string{`{"idempotency_key": "short"}`, `{}`, `not json`, `{"idempotency_key": 5}`} {
		if rec := v.call("POST", "/api/v1/payouts/runs/stripe", shop.key, bad); rec.Code != http.StatusBadRequest {
			t.Errorf("run %s: %d, want 400", bad, rec.Code)
		}
	}
	if rec := v.call("POST", "/api/v1/payouts/runs/stripe", other.key, key); rec.Code != http.StatusBadRequest {
		t.Fatalf("other tenant's run pays the shop's affiliates: %d %s", rec.Code, rec.Body)
	}
	var run models.PlatformRun
	v.must(http.StatusCreated, "POST", "/api/v1/payouts/runs/stripe", shop.key, key, &run)
	var again models.PlatformRun
	v.must(http.StatusOK, "POST", "/api/v1/payouts/runs/stripe", shop.key, key, &again)
	if run.PayoutCount != 1 || run.Payouts[0].AffiliateID != ann.ID || run.Method != models.MethodStripeConnect || again.ID != run.ID {
		t.Fatalf("run: %+v, again %d", run, again.ID)
	}
	if len(run.Skipped) != 1 || run.Skipped[0].AffiliateID != ben.ID || !strings.Contains(run.Skipped[0].Reason, "onboarding") ||
		len(again.Skipped) != 1 {
		t.Fatalf("skipped: %+v / %+v; want ben with the reason, both times", run.Skipped, again.Skipped)
	}
	path := "/api/v1/payouts/runs/" + strconv.FormatUint(run.ID, 10)
	var view models.PlatformRunView
	v.must(http.StatusOK, "GET", path+"/stripe", shop.key, nil, &view)
	if len(view.Items) != 1 || view.Items[0].State != models.SendPrepared || view.Waiting != run.Total || len(view.Skipped) != 1 {
		t.Fatalf("view: %+v", view)
	}
	if rec := v.call("GET", path+"/stripe", other.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("other tenant reads the run: %d", rec.Code)
	}
	if rec := v.call("GET", path+"/store-credit", shop.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("a Stripe run read as store credit: %d", rec.Code)
	}
	connect(t, v, shop, platforms.Shopify, "shop.myshopify.com", models.Credentials{shopify.CredAccessToken: "tok",
		shopify.CredScope: "read_customers," + shopify.ScopeStoreCreditAccounts + "," + shopify.ScopeStoreCredit})
	if rec := v.call("POST", "/api/v1/payouts/runs/store-credit", shop.key, key); rec.Code != http.StatusConflict ||
		!strings.Contains(errorOf(t, rec), "was used for a run paid by Stripe Connect transfers") {
		t.Fatalf("the Stripe run's key for store credit: %d %s; want 409", rec.Code, rec.Body)
	}
}

// TestStoreCreditRunThroughHTTP: a store without the store credit scopes
// is told to grant them; a run pays the affiliate whose Shopify customer
// is known and lists the other as skipped; another tenant sees nothing.
func TestStoreCreditRunThroughHTTP(t *testing.T) {
	v := newEnv(t)
	ctx := context.Background()
	shop, ann, ben := payoutShop(t, v, "Shop")
	other := v.tenant("Other")
	key := map[string]string{"idempotency_key": "credit-run-1"}
	connect(t, v, shop, platforms.Shopify, "shop.myshopify.com", models.Credentials{shopify.CredAccessToken: "tok", shopify.CredScope: "read_orders"})
	if rec := v.call("POST", "/api/v1/payouts/runs/store-credit", shop.key, key); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(errorOf(t, rec), "store credit access") {
		t.Fatalf("run without the scopes: %d %s", rec.Code, rec.Body)
	}
	scopes := "read_orders,read_customers," + shopify.ScopeStoreCreditAccounts + "," + shopify.ScopeStoreCredit
	connect(t, v, shop, platforms.Shopify, "shop.myshopify.com", models.Credentials{shopify.CredAccessToken: "tok", shopify.CredScope: scopes})
	for _, aff := range []uint64{ann.ID, ben.ID} {
		if _, err := v.store.SavePayoutMethod(ctx, shop.acct.ID, aff, models.PayoutMethodInput{Method: models.PayoutStoreCredit}, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.store.SaveStoreCreditCustomer(ctx, shop.acct.ID, ann.ID, "ann@example.com", "gid://shopify/Customer/1"); err != nil {
		t.Fatal(err)
	}
	if err := v.store.SaveStoreCreditCustomer(ctx, other.acct.ID, ben.ID, "ben@example.com", "gid://shopify/Customer/2"); err == nil {
		t.Fatal("another tenant set the shop's affiliate's customer")
	}
	var run models.PlatformRun
	v.must(http.StatusCreated, "POST", "/api/v1/payouts/runs/store-credit", shop.key, key, &run)
	if run.PayoutCount != 1 || run.Payouts[0].AffiliateID != ann.ID || run.Method != models.MethodStoreCredit ||
		len(run.Skipped) != 1 || !strings.Contains(run.Skipped[0].Reason, "no customer of the Shopify store has the email ben@example.com") {
		t.Fatalf("run: %+v", run)
	}
	path := "/api/v1/payouts/runs/" + strconv.FormatUint(run.ID, 10) + "/store-credit"
	var view models.PlatformRunView
	v.must(http.StatusOK, "GET", path, shop.key, nil, &view)
	if len(view.Items) != 1 || view.Items[0].AffiliateID != ann.ID || view.Items[0].Key == "" {
		t.Fatalf("view: %+v", view)
	}
	if rec := v.call("GET", path, other.key, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("other tenant reads the run: %d", rec.Code)
	}
	if rec := v.call("POST", "/api/v1/payouts/runs/store-credit", other.key, key); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("other tenant, no shop: %d %s", rec.Code, rec.Body)
	}
}
