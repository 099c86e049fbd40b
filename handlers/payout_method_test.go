package handlers_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"codecredit/handlers"
	"codecredit/models"
)

// fakeOnboarder stands in for the Stripe layer: it hands out one Express
// account and a link, or fails when told to.
type fakeOnboarder struct {
	gotAccount, gotReturn string
	fail                  bool
}

func (f *fakeOnboarder) OnboardingLink(_ context.Context, _ *models.Account, _ *models.Affiliate, stripeAccountID, returnURL, _ string) (string, string, error) {
	f.gotAccount, f.gotReturn = stripeAccountID, returnURL
	if f.fail {
		return "", "", errors.New("stripe: 500")
	}
	return "acct_1JaneExpress", "https://connect.stripe.com/setup/e/acct_1JaneExpress/abc", nil
}

func (f *fakeOnboarder) ConnectState(context.Context, *models.Account, string) (string, error) {
	return models.ConnectOnboarding, nil
}

// With Stripe and Shopify connected, the affiliate may choose store credit
// or Stripe Connect ("Connect with Stripe" sends them to Stripe's
// onboarding); the merchant overrides through the API, audited by who did
// it; the details stay sealed; another merchant changes nothing.
func TestPayoutMethodsInPortalAndAdmin(t *testing.T) {
	onb := &fakeOnboarder{}
	m := newMailEnvWith(t, handlers.Deps{ConnectOnboarder: onb})
	ctx := context.Background()
	shop, rival := m.tenant("Acme"), m.tenant("Rival")
	var jane models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	cookie := m.signIn(t, m.signInLink(t, "jane@example.com"))
	api := fmt.Sprintf("/api/v1/affiliates/%d", jane.ID)

	page := m.portalGet("/portal/", cookie).Body.String()
	if strings.Contains(page, "Connect with Stripe") || strings.Contains(page, `value="store_credit"`) || !strings.Contains(page, `value="manual"`) {
		t.Fatalf("without Stripe or Shopify the portal offers them:\n%s", page)
	}
	for _, p := range []string{"stripe", "shopify"} {
		if _, err := m.store.InstallConnection(ctx, models.Install{AccountID: shop.acct.ID, Platform: p, ExternalID: p + "-acme"}); err != nil {
			t.Fatal(err)
		}
	}
	page = m.portalGet("/portal/", cookie).Body.String()
	if !strings.Contains(page, "Connect with Stripe") || !strings.Contains(page, `value="store_credit"`) ||
		!strings.Contains(page, "Store credit goes to the customer account with your email, jane@example.com") {
		t.Fatalf("with Stripe and Shopify:\n%s", page)
	}

	m.check("store credit goes to the customer with the affiliate's email", func(t *testing.T) {
		rec := m.portalPost("/portal/payout-details", url.Values{"method": {"store_credit"}}, cookie)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("store credit: %d %s", rec.Code, rec.Body.String())
		}
		page := m.portalGet("/portal/", cookie).Body.String()
		if !strings.Contains(page, `data-field="payout_details">Store credit for j•••@example.com<`) {
			t.Fatalf("dashboard:\n%s", page)
		}
	})
	m.check("Connect with Stripe chooses Stripe and goes to Stripe's onboarding", func(t *testing.T) {
		onb.fail = true
		rec := m.portalPost("/portal/payout-details/stripe", nil, cookie)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal/?connect=failed#payout" {
			t.Fatalf("failing Stripe: %d %q", rec.Code, rec.Header().Get("Location"))
		}
		if page := m.portalGet("/portal/?connect=failed", cookie).Body.String(); !strings.Contains(page, "Stripe could not start your onboarding") ||
			!strings.Contains(page, "Stripe (not connected yet)") || !strings.Contains(page, "Stripe account: not connected yet") {
			t.Fatalf("after a failure:\n%s", page)
		}
		onb.fail = false
		rec = m.portalPost("/portal/payout-details/stripe", nil, cookie)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "https://connect.stripe.com/setup/e/acct_1JaneExpress/abc" ||
			onb.gotAccount != "" || onb.gotReturn != testAppURL+"/portal/payout-details/stripe/return" {
			t.Fatalf("onboarding: %d %q %+v", rec.Code, rec.Header().Get("Location"), onb)
		}
		m.portalPost("/portal/payout-details/stripe", nil, cookie)
		if onb.gotAccount != "acct_1JaneExpress" {
			t.Fatalf("a second click made another account: %+v", onb)
		}
		page := m.portalGet("/portal/?connect=return", cookie).Body.String()
		if !strings.Contains(page, "Back from Stripe.") || !strings.Contains(page, "Stripe account: onboarding not finished") {
			t.Fatalf("back from Stripe:\n%s", page)
		}
		var got struct {
			PayoutDetails models.PayoutDetailsView `json:"payout_details"`
		}
		m.must(http.StatusOK, "GET", api, shop.key, nil, &got)
		if d := got.PayoutDetails; d.Method != "stripe_connect" || d.Value != "acct_1JaneExpress" || d.ConnectState != "onboarding" {
			t.Fatalf("merchant's view: %+v", d)
		}
	})

	m.check("the merchant overrides, audited; bad input is refused per field", func(t *testing.T) {
		rec := m.call("PUT", api+"/payout-details", shop.key, map[string]string{"method": "paypal", "paypal_email": "jane@paypal"})
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"paypal_email"`) {
			t.Fatalf("bad email: %d %s", rec.Code, rec.Body.String())
		}
		rec = m.call("PUT", api+"/payout-details", rival.key, map[string]string{"method": "paypal", "paypal_email": "thief@example.com"})
		if rec.Code != http.StatusNotFound {
			t.Fatalf("another merchant: %d %s", rec.Code, rec.Body.String())
		}
		var got struct {
			PayoutDetails models.PayoutDetailsView    `json:"payout_details"`
			Methods       []string                    `json:"payout_methods"`
			Changes       []models.PayoutMethodChange `json:"payout_method_changes"`
		}
		m.must(http.StatusOK, "PUT", api+"/payout-details", shop.key, map[string]string{"method": "paypal", "paypal_email": "Jane.Pay@Example.com"}, &got)
		d := got.PayoutDetails
		if d.Method != "paypal" || d.Value != "jane.pay@example.com" || !strings.HasPrefix(d.UpdatedBy, "API key cc_") ||
			strings.Join(got.Methods, ",") != "paypal,stripe_connect,store_credit,manual" ||
			len(got.Changes) < 2 || got.Changes[0].Actor != d.UpdatedBy || got.Changes[0].Method != "paypal" || got.Changes[1].Actor != "stripe" {
			t.Fatalf("override: %+v", got)
		}
		page := m.portalGet("/portal/", cookie).Body.String()
		if !strings.Contains(page, "PayPal j•••@example.com") || !strings.Contains(page, "set by the shop") || strings.Contains(page, "jane.pay@") {
			t.Fatalf("the affiliate's view of the override:\n%s", page)
		}
		var sealed []byte
		var rest string
		m.store.DB().Raw("SELECT sealed FROM payout_details WHERE affiliate_id = ?", jane.ID).Scan(&sealed)
		m.store.DB().Raw("SELECT CAST(row_to_json(payout_details) AS text) FROM payout_details WHERE affiliate_id = ?", jane.ID).Scan(&rest)
		row := append(sealed, rest...)
		if len(sealed) == 0 || bytes.Contains(bytes.ToLower(row), []byte("jane.pay")) || bytes.Contains(row, []byte("acct_1Jane")) {
			t.Fatalf("the row holds the details in clear: %q", row)
		}
	})
}
