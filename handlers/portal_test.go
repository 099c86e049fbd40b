package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/platforms"
)

var linkRE = regexp.MustCompile(`https://app\.example\.com(/portal/auth\?token=[A-Za-z0-9_-]+)`)

// portalPost posts a form to the portal.
func (m *mailEnv) portalPost(path string, form url.Values, cookie *http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return serve(m.env, req)
}

// portalGet gets a portal page.
func (m *mailEnv) portalGet(path string, cookie *http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	return serve(m.env, req)
}

// signInLink asks for a sign-in link for email and returns the path of
// the one the SMTP server received last.
func (m *mailEnv) signInLink(t *testing.T, email string) string {
	t.Helper()
	rec := m.portalPost("/portal/login", url.Values{"email": {email}}, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("ask for a link: %d", rec.Code)
	}
	m.send(t)
	got := m.smtp.messages()
	if len(got) == 0 {
		t.Fatal("no sign-in email received")
	}
	last := got[len(got)-1]
	match := linkRE.FindStringSubmatch(last.Text)
	if last.To[0] != email || match == nil || !strings.Contains(last.HTML, match[1]) {
		t.Fatalf("sign-in email to %v without the link in both parts:\n%s", last.To, last.Text)
	}
	return match[1]
}

// confirmLink opens a link as a mail scanner or a browser does (GET) and
// returns the token its confirm page posts; opening it sets no cookie.
func (m *mailEnv) confirmLink(t *testing.T, link string) string {
	t.Helper()
	rec := m.portalGet(link, nil)
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	token := u.Query().Get("token")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `<form method="post" action="/portal/auth">`) ||
		!strings.Contains(body, `<input type="hidden" name="token" value="`+token+`">`) {
		t.Fatalf("open the link: %d, want the confirm page\n%s", rec.Code, body)
	}
	if len(rec.Result().Cookies()) != 0 || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("confirm page headers %v: want no cookie and no-store", rec.Header())
	}
	for _, external := range []string{"<script", `src="http`, `href="http`, "@import"} {
		if strings.Contains(body, external) {
			t.Fatalf("confirm page loads %q:\n%s", external, body)
		}
	}
	return token
}

// signIn opens a link, presses its confirm button and returns the
// session cookie.
func (m *mailEnv) signIn(t *testing.T, link string) *http.Cookie {
	t.Helper()
	rec := m.portalPost("/portal/auth", url.Values{"token": {m.confirmLink(t, link)}}, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal/" {
		t.Fatalf("sign in: %d to %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == handlers.PortalCookie {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// linkPage checks a page that says a link does not work.
func linkPage(t *testing.T, what string, rec *httptest.ResponseRecorder, code int, text string) {
	t.Helper()
	if rec.Code != code || !strings.Contains(rec.Body.String(), text) || !strings.Contains(rec.Body.String(), `href="/portal/login"`) {
		t.Fatalf("%s: %d, want %d %q\n%s", what, rec.Code, code, text, rec.Body.String())
	}
	if len(rec.Result().Cookies()) != 0 {
		t.Fatalf("%s set a cookie", what)
	}
}

func TestPortalMagicLink(t *testing.T) {
	m := newMailEnv(t)
	shop := m.tenant("Acme Outdoor")
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, nil)

	known := m.portalPost("/portal/login", url.Values{"email": {"jane@example.com"}}, nil)
	unknown := m.portalPost("/portal/login", url.Values{"email": {"nobody@example.com"}}, nil)
	if known.Code != unknown.Code || strings.ReplaceAll(known.Body.String(), "jane@example.com", "X") !=
		strings.ReplaceAll(unknown.Body.String(), "nobody@example.com", "X") {
		t.Fatalf("the answer tells a known address (%d) from an unknown one (%d)", known.Code, unknown.Code)
	}
	m.send(t)
	if n := len(m.smtp.messages()); n != 1 {
		t.Fatalf("%d sign-in emails, want 1 (none for the unknown address)", n)
	}

	link := m.signInLink(t, "jane@example.com")
	cookie := m.signIn(t, link)
	if !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/portal" {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure (APP_URL is https), SameSite=Lax, Path=/portal", cookie)
	}
	rec := m.portalGet("/portal/", cookie)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Hi Jane Doe") {
		t.Fatalf("portal with the session: %d\n%s", rec.Code, rec.Body.String())
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("CSP %q", csp)
	}

	token := strings.TrimPrefix(link, "/portal/auth?token=")
	linkPage(t, "second use of the link", m.portalPost("/portal/auth", url.Values{"token": {token}}, nil), http.StatusGone, "already used")
	linkPage(t, "opening a used link", m.portalGet(link, nil), http.StatusGone, "already used")
	linkPage(t, "made-up link", m.portalGet("/portal/auth?token=made-up", nil), http.StatusNotFound, "not valid")
	linkPage(t, "made-up token posted", m.portalPost("/portal/auth", url.Values{"token": {"made-up"}}, nil), http.StatusNotFound, "not valid")
	linkPage(t, "no token posted", m.portalPost("/portal/auth", nil, nil), http.StatusNotFound, "not valid")

	out := m.portalPost("/portal/logout", nil, cookie)
	if out.Code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", out.Code)
	}
	if rec := m.portalGet("/portal/", cookie); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal/login" {
		t.Fatalf("the old cookie after signing out: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

func TestPortalExpiredLink(t *testing.T) {
	m := newMailEnv(t)
	shop := m.tenant("Acme")
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, nil)
	link := m.signInLink(t, "jane@example.com")
	token := m.confirmLink(t, link)
	m.store.SetClock(func() time.Time { return time.Now().UTC().Add(models.PortalLinkTTL + time.Second) })
	linkPage(t, "opening an expired link", m.portalGet(link, nil), http.StatusGone, "This link has expired")
	// The confirm page was opened in time, the button pressed too late.
	linkPage(t, "confirming an expired link", m.portalPost("/portal/auth", url.Values{"token": {token}}, nil),
		http.StatusGone, "This link has expired")
}

// Mail scanners open every link in an email (GET, sometimes HEAD) before
// the person clicks: that must not use the link up. Only the confirm
// button's POST does, once, even when it is pressed twice at once.
func TestPortalLinkSurvivesMailScanners(t *testing.T) {
	m := newMailEnv(t)
	shop := m.tenant(`Acme & <Sons>`)
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, nil)
	link := m.signInLink(t, "jane@example.com")
	m.confirmLink(t, link)
	head := serve(m.env, httptest.NewRequest("HEAD", link, nil))
	if len(head.Result().Cookies()) != 0 || head.Code != http.StatusOK {
		t.Fatalf("HEAD of the link: %d %v", head.Code, head.Header())
	}
	token := m.confirmLink(t, link)
	if page := m.portalGet(link, nil).Body.String(); !strings.Contains(page, "Sign in to Acme &amp; &lt;Sons&gt;") {
		t.Fatalf("confirm page does not name the program, escaped:\n%s", page)
	}
	cookie := m.signIn(t, link)
	if rec := m.portalGet("/portal/", cookie); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Hi Jane") {
		t.Fatalf("portal after scanners opened the link: %d", rec.Code)
	}
	linkPage(t, "the link after signing in", m.portalPost("/portal/auth", url.Values{"token": {token}}, nil), http.StatusGone, "already used")

	// Two presses of the button at once: one session, one "already used".
	link = m.signInLink(t, "jane@example.com")
	token = m.confirmLink(t, link)
	codes := make(chan int, 2)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("POST", "/portal/auth", strings.NewReader(url.Values{"token": {token}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			codes <- serve(m.env, req).Code
		}()
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for c := range codes {
		got[c]++
	}
	if got[http.StatusSeeOther] != 1 || got[http.StatusGone] != 1 {
		t.Fatalf("two posts of one token answered %v, want one 303 and one 410", got)
	}
	var sessions int64
	if err := m.store.DB().Model(&models.PortalSession{}).Count(&sessions).Error; err != nil || sessions != 2 {
		t.Fatalf("%d sessions (%v), want 2: one per link", sessions, err)
	}
}

func TestPortalSignInFromAnotherSite(t *testing.T) {
	m := newMailEnv(t)
	shop := m.tenant("Acme")
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane", "email": "jane@example.com"}, nil)
	link := m.signInLink(t, "jane@example.com")
	token := m.confirmLink(t, link)
	if got := m.portalGet(link, nil).Header().Get("Referrer-Policy"); got != "same-origin" {
		// no-referrer would make browsers post the button with "Origin: null"
		t.Fatalf("Referrer-Policy %q, want same-origin", got)
	}
	post := func(header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/portal/auth", strings.NewReader(url.Values{"token": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return serve(m.env, req)
	}
	for _, header := range [][]string{
		{"Origin", "https://evil.example"},
		{"Origin", "null"},
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site", "Origin", "https://example.com"},
	} {
		if rec := post(header...); rec.Code != http.StatusForbidden || len(rec.Result().Cookies()) != 0 {
			t.Fatalf("sign-in posted with %v: %d, want 403", header, rec.Code)
		}
	}
	// What Chromium sends for the button: the refused posts used nothing up.
	if rec := post("Sec-Fetch-Site", "same-origin", "Origin", "https://example.com"); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in posted from the confirm page: %d", rec.Code)
	}
}

func TestPortalRefusals(t *testing.T) {
	m := newMailEnv(t)
	if rec := m.portalGet("/portal/", nil); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal/login" {
		t.Fatalf("no session: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	rec := m.portalGet("/portal/", &http.Cookie{Name: handlers.PortalCookie, Value: "forged"})
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("forged session: %d, Set-Cookie %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	req := httptest.NewRequest("POST", "/portal/login", strings.NewReader("email=jane%40example.com"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if rec := serve(m.env, req); rec.Code != http.StatusForbidden {
		t.Fatalf("a form posted from another site: %d", rec.Code)
	}
	if rec := m.portalPost("/portal/login", url.Values{"email": {"not an address"}}, nil); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), "valid email") {
		t.Fatalf("malformed address: %d", rec.Code)
	}
	if rec := m.portalGet("/portal/login", nil); rec.Code != http.StatusOK || rec.Header().Get("X-Frame-Options") != "DENY" {
		t.Fatalf("login page: %d", rec.Code)
	}
	if rec := m.portalGet("/portal/portal.css", nil); rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
		t.Fatalf("stylesheet: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func TestPortalShowsOnlyOwnNumbers(t *testing.T) {
	m := newMailEnv(t)
	ctx := context.Background()
	shop, rival := m.tenant("Acme"), m.tenant("Rival")
	var jane, bob, janeAtRival models.Affiliate
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, &jane)
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Bob Stone", "email": "bob@example.com"}, &bob)
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", rival.key, map[string]string{"name": "Jane at Rival", "email": "jane@example.com"}, &janeAtRival)
	for _, c := range []struct {
		key, code string
		aff       uint64
	}{{shop.key, "JANE10", jane.ID}, {shop.key, "BOBSECRET", bob.ID}, {rival.key, "RIVALJANE", janeAtRival.ID}} {
		m.must(http.StatusCreated, "POST", "/api/v1/codes", c.key, map[string]any{"code": c.code, "discount_type": "percentage",
			"discount_value": 1000, "affiliate_id": c.aff}, nil)
	}
	m.queue.TakeEmails()
	orders := []struct {
		acct           *models.Account
		id, code       string
		subtotal       int64
		customerEmail  string
		refundSubtotal int64
	}{
		{shop.acct, "1001", "JANE10", 12345, "alice@buyer.example", 2345},
		{shop.acct, "1002", "jane10", 5000, "carol@buyer.example", 0},
		{shop.acct, "1003", "BOBSECRET", 99900, "dave@buyer.example", 0},
		{rival.acct, "9001", "RIVALJANE", 77700, "erin@buyer.example", 0},
	}
	for _, o := range orders {
		conn, err := m.store.APIConnection(ctx, o.acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.store.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: o.id, Number: "#" + o.id, Codes: []string{o.code},
			Currency: "USD", Subtotal: o.subtotal, Total: o.subtotal, CustomerEmail: o.customerEmail, PlacedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		if o.refundSubtotal > 0 {
			if err := m.store.ReverseRefund(ctx, conn.ID, platforms.Refund{ExternalID: "r" + o.id, OrderExternalID: o.id, Subtotal: o.refundSubtotal}); err != nil {
				t.Fatal(err)
			}
		}
	}

	// jane@example.com is an affiliate at both merchants: one email each.
	var page string
	m.step("an address at two merchants gets one sign-in email from each", func(t *testing.T) {
		m.portalPost("/portal/login", url.Values{"email": {"jane@example.com"}}, nil)
		m.send(t)
		var acmeLink string
		for _, msg := range m.smtp.messages() {
			if strings.Contains(msg.Subject, "Acme") {
				acmeLink = linkRE.FindStringSubmatch(msg.Text)[1]
			}
		}
		if n := len(m.smtp.messages()); n != 2 || acmeLink == "" {
			t.Fatalf("%d sign-in emails for an address at two merchants, want one each", n)
		}
		page = m.portalGet("/portal/", m.signIn(t, acmeLink)).Body.String()
	})

	m.check("the portal shows the ledger's pending, approved and paid amounts", func(t *testing.T) {
		bals, err := m.store.Balances(ctx, shop.acct.ID, jane.ID)
		if err != nil || len(bals) != 1 {
			t.Fatalf("balances %v %v", bals, err)
		}
		// 10% of (123.45 - 23.45) + 10% of 50.00, all pending.
		if bals[0].Pending != 1000+500 {
			t.Fatalf("ledger pending %d, want 1500", bals[0].Pending)
		}
		for field, amount := range map[string]int64{"pending": bals[0].Pending, "approved": bals[0].Approved, "paid": bals[0].Paid} {
			want := `data-field="` + field + `">$` + models.FormatMinor(amount, "USD") + "<"
			if !strings.Contains(page, want) {
				t.Errorf("portal does not show the ledger's %s %s:\n%s", field, want, page)
			}
		}
	})
	m.check("the portal shows the affiliate's own codes, orders and merchant", func(t *testing.T) {
		for _, want := range []string{"JANE10", "#1001", "#1002", "$100.00", "Acme"} {
			if !strings.Contains(page, want) {
				t.Errorf("portal misses %q", want)
			}
		}
	})
	m.check("the portal never shows another affiliate's, merchant's or customer's data", func(t *testing.T) {
		for _, never := range []string{"BOBSECRET", "#1003", "Bob Stone", "RIVALJANE", "#9001", "Rival", "alice@buyer.example", "carol@buyer.example"} {
			if strings.Contains(page, never) {
				t.Errorf("Jane's portal shows %q (another affiliate's, merchant's or a customer's data)", never)
			}
		}
	})
}

// The portal's sign-in form counts requests like the admin's: past the
// limit per address, or per client, a 429 page and no email.
func TestPortalSignInLimits(t *testing.T) {
	m := newMailEnv(t)
	shop := m.tenant("Acme Outdoor")
	m.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key, map[string]string{"name": "Jane Doe", "email": "jane@example.com"}, nil)
	for i := range 6 {
		rec := m.portalPost("/portal/login", url.Values{"email": {"nobody@example.com"}}, nil)
		if want := map[bool]int{true: http.StatusOK, false: http.StatusTooManyRequests}[i < 5]; rec.Code != want {
			t.Fatalf("request %d for one address: %d, want %d", i+1, rec.Code, want)
		}
	}
	for i := 6; i < 20; i++ {
		if rec := m.portalPost("/portal/login", url.Values{"email": {fmt.Sprintf("someone%d@example.com", i)}}, nil); rec.Code != http.StatusOK {
			t.Fatalf("request %d from one client: %d", i+1, rec.Code)
		}
	}
	rec := m.portalPost("/portal/login", url.Values{"email": {"jane@example.com"}}, nil)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" ||
		!strings.Contains(rec.Body.String(), "Too many sign-in requests") {
		t.Fatalf("21st request from one client: %d %v", rec.Code, rec.Header())
	}
	m.send(t)
	if n := len(m.smtp.messages()); n != 0 {
		t.Fatalf("%d sign-in emails after the refusal, want 0", n)
	}
}
