package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/platforms"
)

// An affiliate enters payout details in the portal: bad ones are refused
// with words and change nothing; good ones are shown masked to the
// affiliate and in full to that merchant only.
func TestPortalPayoutDetails(t *testing.T) {
	m := newMailEnv(t)
	shop, rival := m.tenant("Acme"), m.tenant("Rival")
	var jane models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	cookie := m.signIn(t, m.signInLink(t, "jane@example.com"))

	page := m.portalGet("/portal/", cookie).Body.String()
	if !strings.Contains(page, `action="/portal/payout-details"`) || !strings.Contains(page, "Tell the shop where to send your commission") {
		t.Fatalf("dashboard without the payout form:\n%s", page)
	}
	rec := m.portalPost("/portal/payout-details", url.Values{"method": {"paypal"}, "paypal_email": {"jane-at-paypal"}}, cookie)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `id="error-paypal_email">&#34;jane-at-paypal&#34; is not an email address`) ||
		!strings.Contains(rec.Body.String(), `value="jane-at-paypal"`) {
		t.Fatalf("bad email: %d, want 400 with the form again\n%s", rec.Code, rec.Body.String())
	}
	if rec := m.portalPost("/portal/payout-details", url.Values{"method": {"manual"}, "bank_details": {"12"}}, cookie); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), `id="error-bank_details">Enter your bank details`) || strings.Contains(rec.Body.String(), `id="error-paypal_email"`) {
		t.Fatalf("too short bank details: %d, want 400 with the error under the bank field\n%s", rec.Code, rec.Body.String())
	}
	if rec := m.portalPost("/portal/payout-details", url.Values{"method": {"stripe_connect"}}, cookie); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), `id="error-method">Choose how you want to be paid.`) {
		t.Fatalf("Stripe without a Stripe connection: %d, want 400 on the method\n%s", rec.Code, rec.Body.String())
	}
	var got map[string]any
	m.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/affiliates/%d", jane.ID), shop.key, nil, &got)
	if got["payout_details"] != nil || got["name"] != "Jane Doe" {
		t.Fatalf("refused details were saved: %v", got)
	}

	rec = m.portalPost("/portal/payout-details", url.Values{"method": {"paypal"}, "paypal_email": {"Jane.Pay@Example.com"}}, cookie)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal/?saved=payout#payout" {
		t.Fatalf("save: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	page = m.portalGet("/portal/?saved=payout", cookie).Body.String()
	if !strings.Contains(page, `data-field="payout_details">PayPal j•••@example.com<`) || strings.Contains(page, "jane.pay@") ||
		!strings.Contains(page, "Your payout details are saved.") {
		t.Fatalf("dashboard after saving: want the masked address only\n%s", page)
	}

	var withDetails struct {
		Name          string                    `json:"name"`
		PayoutDetails *models.PayoutDetailsView `json:"payout_details"`
	}
	m.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/affiliates/%d", jane.ID), shop.key, nil, &withDetails)
	if withDetails.Name != "Jane Doe" || withDetails.PayoutDetails == nil || withDetails.PayoutDetails.Method != "paypal" ||
		withDetails.PayoutDetails.Value != "jane.pay@example.com" {
		t.Fatalf("merchant's view: %+v", withDetails)
	}
	rec = m.call("GET", fmt.Sprintf("/api/v1/affiliates/%d", jane.ID), rival.key, nil)
	if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "jane.pay") {
		t.Fatalf("another merchant reads the details: %d %s", rec.Code, rec.Body.String())
	}
	// Without a session the form goes to sign-in and saves nothing.
	if rec := m.portalPost("/portal/payout-details", url.Values{"method": {"bank"}, "bank_details": {"IBAN DE89370400440532013000"}}, nil); rec.Code != http.StatusSeeOther ||
		rec.Header().Get("Location") != "/portal/login" {
		t.Fatalf("without a session: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if d, _ := m.store.GetPayoutDetails(context.Background(), shop.acct.ID, jane.ID); d.Method != "paypal" {
		t.Fatalf("details now %+v", d)
	}
	// Stripe needs a Stripe connection; without the Stripe layer wired,
	// the choice is kept and the affiliate is told onboarding is not ready.
	if rec := m.portalPost("/portal/payout-details/stripe", nil, cookie); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), `id="error-method"`) {
		t.Fatalf("Stripe without a Stripe connection: %d", rec.Code)
	}
	if _, err := m.store.InstallConnection(context.Background(), models.Install{AccountID: shop.acct.ID, Platform: "stripe", ExternalID: "acct_acme"}); err != nil {
		t.Fatal(err)
	}
	if rec := m.portalPost("/portal/payout-details/stripe", nil, cookie); rec.Code != http.StatusSeeOther ||
		rec.Header().Get("Location") != "/portal/?connect=unavailable#payout" {
		t.Fatalf("Stripe without onboarding wired: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if page := m.portalGet("/portal/?connect=unavailable", cookie).Body.String(); !strings.Contains(page, "Stripe onboarding is not available yet") {
		t.Fatalf("dashboard after Stripe was chosen:\n%s", page)
	}
}

// The dashboard offers copy buttons for each code and link, loads only its
// own script (the CSP allows no other), formats money and dates for the
// reader's language, and explains a refund after payout in words.
func TestPortalDashboardCopyLocaleAndClawback(t *testing.T) {
	m := newMailEnv(t)
	ctx := context.Background()
	shop := m.tenant("Acme")
	var jane models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	m.must(http.StatusOK, "PUT", "/api/v1/settings", shop.key, map[string]any{"default_commission": map[string]any{"hold_days": 0}}, nil)
	m.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, map[string]any{"code": "JANE10", "discount_type": "percentage",
		"discount_value": 1000, "affiliate_id": jane.ID}, nil)
	conn, err := m.store.APIConnection(ctx, shop.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	placed := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	if _, err := m.store.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: "1234", Number: "#1234", Codes: []string{"JANE10"},
		Currency: "USD", Subtotal: 123450, Total: 123450, CustomerEmail: "buyer@example.com", PlacedAt: placed}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.store.ApproveMaturedFor(ctx, shop.acct.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.store.CreatePayout(ctx, shop.acct.ID, jane.ID, "USD", "PP-1"); err != nil {
		t.Fatal(err)
	}
	if err := m.store.ReverseRefund(ctx, conn.ID, platforms.Refund{ExternalID: "r1", OrderExternalID: "1234", Subtotal: 4000}); err != nil {
		t.Fatal(err)
	}
	cookie := m.signIn(t, m.signInLink(t, "jane@example.com"))

	m.check("the dashboard has copy buttons, only its own script and a clawback in words", func(t *testing.T) {
		rec := m.portalGet("/portal/", cookie)
		page := rec.Body.String()
		for _, want := range []string{
			`data-copy="JANE10"`, `<script src="/portal/portal.js" defer></script>`,
			"Order #1234 was refunded after you were paid; $4.00 will be taken from your next payout.",
			"Mar 4, 2026", "$1,194.50", // the order's date; its sales less the refund
		} {
			if !strings.Contains(page, want) {
				t.Errorf("dashboard misses %q", want)
			}
		}
		if strings.Contains(page, "<script>") || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("inline script, or a CSP that does not allow the portal's own script: %q", rec.Header().Get("Content-Security-Policy"))
		}
	})
	m.check("the portal's script and icon are served", func(t *testing.T) {
		js := m.portalGet("/portal/portal.js", nil)
		if js.Code != http.StatusOK || !strings.HasPrefix(js.Header().Get("Content-Type"), "text/javascript") || !strings.Contains(js.Body.String(), "Copied") {
			t.Fatalf("portal.js: %d %q", js.Code, js.Header().Get("Content-Type"))
		}
		if icon := m.portalGet("/portal/favicon.svg", nil); icon.Code != http.StatusOK || icon.Header().Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("favicon: %d %q", icon.Code, icon.Header().Get("Content-Type"))
		}
	})

	m.check("the dashboard formats money and dates in the reader's language", func(t *testing.T) {
		req := m.portalRequest("GET", "/portal/", cookie)
		req.Header.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
		page := serve(m.env, req).Body.String()
		for _, want := range []string{"1.194,50\u00a0$", "4 Mar 2026", "4,00\u00a0$ will be taken from your next payout"} {
			if !strings.Contains(page, want) {
				t.Errorf("German dashboard misses %q", want)
			}
		}
	})

	// Once a later payout has taken it, the sentence says so.
	m.check("once a later payout has taken the clawback the dashboard says so", func(t *testing.T) {
		if _, err := m.store.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: "1300", Number: "#1300", Codes: []string{"JANE10"},
			Currency: "USD", Subtotal: 100000, Total: 100000, CustomerEmail: "buyer@example.com", PlacedAt: placed}); err != nil {
			t.Fatal(err)
		}
		m.store.ApproveMaturedFor(ctx, shop.acct.ID)
		if _, err := m.store.CreatePayout(ctx, shop.acct.ID, jane.ID, "USD", "PP-2"); err != nil {
			t.Fatal(err)
		}
		page := m.portalGet("/portal/", cookie).Body.String()
		if !strings.Contains(page, "Order #1234 was refunded after you were paid; $4.00 was taken from your payout of") {
			t.Errorf("clawback after the next payout not explained:\n%s", page)
		}
	})
}

// portalRequest builds a request to the portal with the session cookie.
func (m *mailEnv) portalRequest(method, path string, cookie *http.Cookie) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return req
}
