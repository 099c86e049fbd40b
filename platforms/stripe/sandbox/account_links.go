package sandbox

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Account Links (https://docs.stripe.com/api/account_links): a single-use
// URL where the Express account's owner onboards. Stripe hosts the forms;
// the sandbox shows one page whose button completes onboarding at once and
// sends the browser to return_url. A link that was used or has expired
// sends it to refresh_url instead, where the platform makes a new one.

// onboardingPath is where the sandbox serves the links, as Stripe serves
// them under https://connect.stripe.com/setup/e/{account}/{token}.
const onboardingPath = "/setup/e/"

// accountLink is a link not yet followed to its end.
type accountLink struct {
	account, refresh, ret string
	expires               time.Time
	used                  bool
}

// createAccountLink is POST /v1/account_links
// (https://docs.stripe.com/api/account_links/create).
func (s *Server) createAccountLink(a *account, r *http.Request) (any, int, *apiError) {
	f := r.PostForm
	for _, p := range []string{"account", "type"} {
		if f.Get(p) == "" {
			return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "parameter_missing",
				Param: p, Message: "Missing required param: " + p + "."}
		}
	}
	if t := f.Get("type"); t != "account_onboarding" && t != "account_update" {
		return invalid("type", "Invalid type: must be one of account_onboarding or account_update")
	}
	for _, p := range []string{"refresh_url", "return_url"} {
		if u, err := url.Parse(f.Get(p)); f.Get(p) != "" && (err != nil || u.Scheme == "" || u.Host == "") {
			return invalid(p, "Not a valid URL")
		}
	}
	if _, status, aerr := s.retrieveExpressAccount(a, f.Get("account")); aerr != nil {
		return nil, status, aerr
	}
	token := newID("")[:12]
	now := s.opts.Now()
	s.payouts.links[token] = &accountLink{account: f.Get("account"), refresh: f.Get("refresh_url"),
		ret: f.Get("return_url"), expires: now.Add(linkTTL)}
	return map[string]any{"object": "account_link", "created": now.Unix(), "expires_at": now.Add(linkTTL).Unix(),
		"url": publicBase(r) + onboardingPath + f.Get("account") + "/" + token}, 0, nil
}

// publicBase is where the browser reaches the sandbox: the request's own
// scheme and host, and the path it is mounted under (the part of the
// request URI the mount stripped).
func publicBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	uri, _, _ := strings.Cut(r.RequestURI, "?")
	return scheme + "://" + r.Host + strings.TrimSuffix(uri, r.URL.Path)
}

var onboardingPage = template.Must(template.New("onboarding").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Set up payouts · Stripe sandbox</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto">
<h1>Get paid through Stripe</h1>
<p>The Stripe sandbox stands in for Stripe's Express onboarding. Completing it marks
<strong>{{.Account}}</strong> ({{.Email}}) as verified with a bank account, so transfers to it succeed.</p>
<form method="post"><button type="submit" id="complete">Complete onboarding</button></form>
</body></html>`))

// onboarding serves an Account Link: GET shows the page, POST completes
// onboarding (account.updated is sent) and redirects to return_url.
func (s *Server) onboarding(w http.ResponseWriter, r *http.Request) {
	acct, token, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, onboardingPath), "/")
	s.mu.Lock()
	link := s.payouts.links[token]
	if link == nil || link.account != acct {
		s.mu.Unlock()
		http.Error(w, "This link is not valid.", http.StatusNotFound)
		return
	}
	if link.used || !s.opts.Now().Before(link.expires) {
		s.mu.Unlock()
		http.Redirect(w, r, link.refresh, http.StatusSeeOther)
		return
	}
	x := s.payouts.express[acct]
	if r.Method != http.MethodPost {
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = onboardingPage.Execute(w, map[string]string{"Account": x.ID, "Email": x.Email})
		return
	}
	link.used = true
	ev := s.completeOnboarding(x)
	s.mu.Unlock()
	_ = s.send(ev) // a failed delivery is in Deliveries; the browser goes on
	http.Redirect(w, r, link.ret, http.StatusSeeOther)
}

// completeOnboarding marks every requirement met; call with s.mu held and
// send the account.updated it returns.
func (s *Server) completeOnboarding(x *expressAccount) *sentEvent {
	x.DetailsSubmitted, x.PayoutsEnabled = true, true
	x.CurrentlyDue, x.PastDue, x.DisabledReason = nil, nil, ""
	if x.Transfers != "unrequested" {
		x.Transfers = "active"
	}
	return s.expressEvent(x, "account.updated")
}

// restrict plays Stripe restricting the account for an overdue
// requirement: payouts and transfers stop until it is provided.
func (s *Server) restrict(x *expressAccount, requirement string) *sentEvent {
	x.PayoutsEnabled = false
	x.PastDue = append(x.PastDue, requirement)
	x.DisabledReason = "requirements.past_due"
	if x.Transfers != "unrequested" {
		x.Transfers = "inactive"
	}
	return s.expressEvent(x, "account.updated")
}
