package sandbox

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
)

// Payment Links: a Payment Link is a page selling one item at a fixed
// price; opened with ?prefilled_promo_code=CODE it shows the code filled
// in (docs.stripe.com/payment-links/url-parameters), and paying it is a
// Checkout with that code, delivered as checkout.session.completed. The
// sandbox serves a link at /b/{id} (Stripe's are https://buy.stripe.com/{id}).

// paymentLink is one Payment Link of an account.
type paymentLink struct {
	account  string
	title    string
	amount   int64
	currency string
}

// CreatePaymentLink makes a Payment Link selling title at amount (minor
// units of currency) for the account, with promotion codes allowed; it
// returns the link's id, served at /b/{id}.
func (s *Server) CreatePaymentLink(accountID, title string, amount int64, currency string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[accountID] == nil {
		return "", fmt.Errorf("sandbox: no account %s", accountID)
	}
	if s.paymentLinks == nil {
		s.paymentLinks = map[string]*paymentLink{}
	}
	id := newID("plink_")
	s.paymentLinks[id] = &paymentLink{account: accountID, title: title, amount: amount, currency: strings.ToLower(currency)}
	return id, nil
}

var payTmpl = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} (sandbox)</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto">
<h1>{{.Title}}</h1><p>{{.Price}}</p>{{if .Message}}<p id="result">{{.Message}}</p>{{else}}
<form method="post"><label>Email <input name="email" type="email" value="customer@example.com"></label>
<label>Promotion code <input name="promo_code" id="promo_code" value="{{.Code}}"></label> <button>Pay</button></form>{{end}}
</body></html>`))

// paymentLinkPage shows a Payment Link (GET) or pays it (POST).
func (s *Server) paymentLinkPage(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/b/")
	s.mu.Lock()
	pl := s.paymentLinks[id]
	s.mu.Unlock()
	if pl == nil {
		http.Error(w, "This link is no longer available.", http.StatusNotFound)
		return
	}
	view := map[string]any{"Title": pl.title, "Price": fmt.Sprintf("%d.%02d %s", pl.amount/100, pl.amount%100, strings.ToUpper(pl.currency)),
		"Code": r.URL.Query().Get("prefilled_promo_code")}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if r.Method == http.MethodPost {
		code := strings.TrimSpace(r.PostForm.Get("promo_code"))
		p, err := s.Checkout(pl.account, code, pl.amount, pl.currency, r.PostForm.Get("email"))
		if err != nil && p.SessionID == "" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			view["Message"] = err.Error()
		} else {
			w.Header().Set("X-Sandbox-Session-Id", p.SessionID)
			w.WriteHeader(http.StatusCreated)
			view["Message"] = "Paid " + p.SessionID + " with code " + code + "."
		}
	}
	_ = payTmpl.Execute(w, view)
}
