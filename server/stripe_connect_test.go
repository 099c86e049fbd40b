package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/stripe"
	stripesandbox "codecredit/platforms/stripe/sandbox"
)

// connectSite is the app's real handlers with the Stripe sandbox mounted
// as the app mounts it, and two merchants connected with pasted keys.
type connectSite struct {
	srv         *httptest.Server
	store       *models.Store
	sb          *stripesandbox.Server
	appSecret   string
	acme, rival struct {
		acct *models.Account
		conn *models.Connection
		key  string
	}
}

func newConnectSite(t *testing.T) *connectSite {
	t.Helper()
	s := &connectSite{store: testdb.Postgres(t), appSecret: "whsec_" + randomHex(16)}
	e := echo.New()
	s.srv = httptest.NewServer(e)
	t.Cleanup(s.srv.Close)
	s.sb = stripesandbox.New(stripesandbox.Options{ConnectWebhookURL: s.srv.URL + "/webhooks/stripe", ConnectWebhookSecret: s.appSecret})
	ad := stripe.New(stripe.Config{ClientID: stripesandbox.DefaultClientID, SecretKey: stripesandbox.DefaultPlatformKey,
		WebhookSecret: s.appSecret, AppURL: s.srv.URL, BaseURL: s.srv.URL + stripeSandboxPath})
	handlers.Register(e, handlers.Deps{Store: s.store, AppURL: s.srv.URL,
		Platforms:        map[string]platforms.Platform{platforms.Stripe: ad},
		AppSecrets:       map[string][]byte{platforms.Stripe: []byte(s.appSecret)},
		ConnectOnboarder: &stripeOnboarder{store: s.store, stripe: ad}})
	e.Any(stripeSandboxPath+"/*", echo.WrapHandler(http.StripPrefix(stripeSandboxPath, s.sb)))
	ctx := context.Background()
	for name, m := range map[string]*struct {
		acct *models.Account
		conn *models.Connection
		key  string
	}{"Acme": &s.acme, "Rival": &s.rival} {
		var err error
		if m.acct, err = s.store.CreateAccount(ctx, name, strings.ToLower(name)+"@example.com", "USD"); err != nil {
			t.Fatal(err)
		}
		_, m.key = s.sb.CreateAccount(name, strings.ToLower(name)+"@example.com", "USD")
		got, err := ad.ConnectWithKey(ctx, m.key)
		if err != nil {
			t.Fatal(err)
		}
		m.conn, err = s.store.InstallConnection(ctx, models.Install{AccountID: m.acct.ID, Platform: platforms.Stripe,
			ExternalID: got.AccountID, Credentials: got.Credentials, Currency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// signIn creates an affiliate of acct and signs them in to the portal.
func (s *connectSite) signIn(t *testing.T, acct *models.Account, email string) (*models.Affiliate, *http.Cookie) {
	t.Helper()
	ctx := context.Background()
	aff, err := s.store.CreateAffiliate(ctx, acct.ID, models.NewAffiliate{Name: email, Email: email})
	if err != nil {
		t.Fatal(err)
	}
	link, err := s.store.IssuePortalLink(ctx, acct.ID, aff.ID, s.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, token, _ := strings.Cut(link.URL, "token=")
	session, err := s.store.ConsumePortalLink(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	return aff, &http.Cookie{Name: handlers.PortalCookie, Value: session}
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request without following redirects and returns the status,
// the Location and the body.
func (s *connectSite) do(t *testing.T, method, u string, cookie *http.Cookie, header http.Header, body string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	if method == http.MethodPost && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.srv.URL)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// onboard sends the affiliate from the portal to Stripe's onboarding,
// completes it and follows Stripe back to the app; it returns the Express
// account id.
func (s *connectSite) onboard(t *testing.T, aff *models.Affiliate, cookie *http.Cookie) string {
	t.Helper()
	code, link, body := s.do(t, "POST", s.srv.URL+"/portal/payout-details/stripe", cookie, nil, "")
	if code != http.StatusSeeOther || !strings.HasPrefix(link, s.srv.URL+stripeSandboxPath+"/setup/e/acct_") {
		t.Fatalf("Connect with Stripe: %d %q %s", code, link, body)
	}
	if v := s.details(t, aff); v.ConnectState != models.ConnectOnboarding || !strings.HasPrefix(v.Value, "acct_") {
		t.Fatalf("before onboarding: %+v", v)
	}
	if code, _, page := s.do(t, "GET", link, nil, nil, ""); code != http.StatusOK || !strings.Contains(page, "Complete onboarding") {
		t.Fatalf("onboarding page: %d %s", code, page)
	}
	code, back, _ := s.do(t, "POST", link, nil, nil, "")
	if code != http.StatusSeeOther || back != s.srv.URL+"/portal/payout-details/stripe/return" {
		t.Fatalf("completing onboarding: %d %q", code, back)
	}
	if code, again, _ := s.do(t, "GET", link, nil, nil, ""); code != http.StatusSeeOther || again != s.srv.URL+"/portal/?connect=refresh#payout" {
		t.Fatalf("a used link should lead to the portal to start again: %d %q", code, again)
	}
	code, dash, _ := s.do(t, "GET", back, cookie, nil, "")
	if code != http.StatusSeeOther || dash != "/portal/?connect=return#payout" {
		t.Fatalf("back from Stripe: %d %q", code, dash)
	}
	return s.details(t, aff).Value
}

func (s *connectSite) details(t *testing.T, aff *models.Affiliate) *models.PayoutDetailsView {
	t.Helper()
	v, err := s.store.GetPayoutDetails(context.Background(), aff.AccountID, aff.ID)
	if err != nil || v == nil {
		t.Fatalf("payout details: %v %v", v, err)
	}
	return v
}

// accountUpdated is account.updated (https://docs.stripe.com/api/events/types#event_types-account.updated)
// about an Express account as the sandbox now holds it, read with the key
// of the platform it belongs to.
func (s *connectSite) accountUpdated(t *testing.T, key, express string) []byte {
	t.Helper()
	code, _, obj := s.do(t, "GET", s.srv.URL+stripeSandboxPath+"/v1/accounts/"+express, nil, http.Header{"Authorization": {"Bearer " + key}}, "")
	if code != http.StatusOK {
		t.Fatalf("read %s: %d %s", express, code, obj)
	}
	body, _ := json.Marshal(map[string]any{"id": "evt_" + randomHex(8), "object": "event", "api_version": "2025-09-30.clover",
		"created": time.Now().Unix(), "account": express, "data": map[string]any{"object": json.RawMessage(obj)},
		"livemode": true, "pending_webhooks": 1, "type": "account.updated"})
	return body
}

// deliver posts a Stripe delivery signed with secret to /webhooks/stripe + query.
func (s *connectSite) deliver(t *testing.T, query string, body []byte, secret string) (int, string) {
	t.Helper()
	h := http.Header{"Content-Type": {"application/json"}, stripe.SignatureHeader: {stripe.SignatureHeaderValue(time.Now(), body, secret)}}
	code, _, out := s.do(t, "POST", s.srv.URL+"/webhooks/stripe"+query, nil, h, string(body))
	return code, out
}

// An affiliate connects with Stripe from the portal, onboards on Stripe's
// page and comes back to a dashboard saying the account is ready, read
// from Stripe on the way back, without waiting for any webhook.
func TestConnectWithStripeFromThePortal(t *testing.T) {
	s := newConnectSite(t)
	jane, cookie := s.signIn(t, s.acme.acct, "jane@example.com")
	express := s.onboard(t, jane, cookie)
	code, _, page := s.do(t, "GET", s.srv.URL+"/portal/?connect=return", cookie, nil, "")
	if code != http.StatusOK || !strings.Contains(page, "Stripe account: ready to receive payouts") || !strings.Contains(page, "Back from Stripe.") {
		t.Fatalf("dashboard after onboarding: %d\n%s", code, page)
	}
	if v := s.details(t, jane); v.ConnectState != models.ConnectEnabled || v.Value != express {
		t.Fatalf("recorded: %+v", v)
	}
	// Connecting again keeps the same Express account.
	if code, link, _ := s.do(t, "POST", s.srv.URL+"/portal/payout-details/stripe", cookie, nil, ""); code != http.StatusSeeOther ||
		!strings.Contains(link, "/setup/e/"+express+"/") || s.details(t, jane).ConnectState != models.ConnectEnabled {
		t.Fatalf("second click: %d %q %+v", code, link, s.details(t, jane))
	}
}

// account.updated on /webhooks/stripe moves the affiliate's state once,
// only with a valid signature, and never for another merchant's affiliate.
func TestStripeAccountUpdatedWebhook(t *testing.T) {
	s := newConnectSite(t)
	ctx := context.Background()
	jane, cookie := s.signIn(t, s.acme.acct, "jane@example.com")
	express := s.onboard(t, jane, cookie)
	// Stripe's own account.updated reaches the merchant's Connect endpoint,
	// made when the key was pasted: restricted, then enabled again.
	if err := s.sb.RestrictAccount(express, "external_account"); err != nil {
		t.Fatal(err)
	}
	if v := s.details(t, jane); v.ConnectState != models.ConnectOnboarding {
		t.Fatalf("after Stripe restricted the account: %+v, want onboarding", v)
	}
	body := s.accountUpdated(t, s.acme.key, express)
	if err := s.sb.CompleteOnboarding(express); err != nil {
		t.Fatal(err)
	}
	if v := s.details(t, jane); v.ConnectState != models.ConnectEnabled {
		t.Fatalf("after Stripe enabled the account again: %+v, want enabled", v)
	}
	changes := func() int {
		c, err := s.store.ListPayoutMethodChanges(ctx, s.acme.acct.ID, jane.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(c)
	}
	before := changes()

	t.Run("a forged signature changes nothing", func(t *testing.T) {
		for _, secret := range []string{"whsec_forged", ""} {
			if code, out := s.deliver(t, "", body, secret); code != http.StatusUnauthorized {
				t.Fatalf("forged (%q): %d %s", secret, code, out)
			}
		}
		if code, out := s.deliver(t, "", []byte(`{"type":"account.updated","account":"`+express+`"`), s.appSecret); code != http.StatusUnauthorized && code != http.StatusBadRequest {
			t.Fatalf("malformed: %d %s", code, out)
		}
		// The merchant's endpoint for its own events has another secret.
		creds, err := s.store.ReadCredentials(s.acme.conn)
		if err != nil {
			t.Fatal(err)
		}
		if code, out := s.deliver(t, "?c="+s.acme.conn.ExternalID, body, creds[stripe.CredWebhookSecret]); code != http.StatusUnauthorized {
			t.Fatalf("signed with the account endpoint's secret: %d %s", code, out)
		}
		if v := s.details(t, jane); v.ConnectState != models.ConnectEnabled || changes() != before {
			t.Fatalf("changed by a forgery: %+v", v)
		}
	})
	t.Run("another merchant's delivery cannot touch this affiliate", func(t *testing.T) {
		secret := s.secretOf(t, s.rival.conn)
		code, out := s.deliver(t, "?c="+s.rival.conn.ExternalID, body, secret)
		if code != http.StatusOK || !strings.Contains(out, "ignored") {
			t.Fatalf("rival's endpoint: %d %s", code, out)
		}
		if code, out := s.deliver(t, "?c="+s.rival.conn.ExternalID, body, s.appSecret); code != http.StatusUnauthorized {
			t.Fatalf("rival's endpoint, app secret: %d %s", code, out)
		}
		if v := s.details(t, jane); v.ConnectState != models.ConnectEnabled || changes() != before {
			t.Fatalf("changed by another merchant: %+v", v)
		}
	})
	t.Run("an unknown Express account is ignored", func(t *testing.T) {
		other, otherCookie := s.signIn(t, s.rival.acct, "ola@example.com")
		s.onboard(t, other, otherCookie)
		stranger := strings.Replace(string(s.accountUpdated(t, s.acme.key, express)), express, "acct_1Unknown0000", -1)
		if code, out := s.deliver(t, "", []byte(stranger), s.appSecret); code != http.StatusOK || !strings.Contains(out, "ignored") {
			t.Fatalf("unknown account: %d %s", code, out)
		}
		if v := s.details(t, jane); v.ConnectState != models.ConnectEnabled {
			t.Fatalf("changed by an unknown account: %+v", v)
		}
	})
	t.Run("a signed delivery updates the state, once", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			if code, out := s.deliver(t, "", body, s.appSecret); code != http.StatusOK || !strings.Contains(out, `"connect_state":"onboarding"`) {
				t.Fatalf("delivery %d: %d %s", i, code, out)
			}
		}
		if v := s.details(t, jane); v.ConnectState != models.ConnectOnboarding || changes() != before+1 {
			t.Fatalf("after three deliveries: %+v, %d changes (was %d)", v, changes(), before)
		}
		// The merchant's own Connect endpoint, signed with its secret, works too.
		enabled := s.accountUpdated(t, s.acme.key, express)
		if code, out := s.deliver(t, "?c="+s.acme.conn.ExternalID, enabled, s.secretOf(t, s.acme.conn)); code != http.StatusOK ||
			s.details(t, jane).ConnectState != models.ConnectEnabled {
			t.Fatalf("merchant's endpoint: %d %s", code, out)
		}
		_, _, page := s.do(t, "GET", s.srv.URL+"/portal/", cookie, nil, "")
		if !strings.Contains(page, "Stripe account: ready to receive payouts") {
			t.Fatalf("dashboard:\n%s", page)
		}
	})
}

func (s *connectSite) secretOf(t *testing.T, conn *models.Connection) string {
	t.Helper()
	creds, err := s.store.ReadCredentials(conn)
	if err != nil || creds[stripe.CredConnectWebhookSecret] == "" {
		t.Fatalf("no Connect endpoint secret: %v", err)
	}
	return creds[stripe.CredConnectWebhookSecret]
}

// A merchant who pasted their key before Connect endpoints were made gets
// one when their first affiliate onboards, and Stripe's account.updated
// then reaches the app.
func TestOldKeyConnectionGetsItsConnectEndpoint(t *testing.T) {
	s := newConnectSite(t)
	ctx := context.Background()
	creds, err := s.store.ReadCredentials(s.acme.conn)
	if err != nil {
		t.Fatal(err)
	}
	delete(creds, stripe.CredConnectWebhookSecret)
	delete(creds, stripe.CredConnectWebhookEndpointID)
	if err := s.store.SaveCredentials(ctx, s.acme.conn.ID, creds); err != nil {
		t.Fatal(err)
	}
	jane, cookie := s.signIn(t, s.acme.acct, "jane@example.com")
	express := s.onboard(t, jane, cookie)
	if eps := s.sb.ConnectEndpoints(s.acme.conn.ExternalID); len(eps) != 1 {
		t.Fatalf("connect endpoints after onboarding: %v, want one", eps)
	}
	conn, err := s.store.ConnectionBySource(ctx, platforms.Stripe, s.acme.conn.ExternalID)
	if err != nil {
		t.Fatal(err)
	}
	s.acme.conn = conn
	s.secretOf(t, conn) // saved
	if err := s.sb.RestrictAccount(express, "external_account"); err != nil {
		t.Fatal(err)
	}
	if v := s.details(t, jane); v.ConnectState != models.ConnectOnboarding {
		t.Fatalf("after Stripe restricted the account: %+v, want onboarding", v)
	}
}
