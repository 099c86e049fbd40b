package sandbox

import (
	"html/template"
	"net/http"
	"strings"
)

// hostedCheckout is a hosted checkout as the merchant makes one in
// Paddle > Checkout > Hosted checkouts: a launch URL selling default items.
type hostedCheckout struct {
	items    []Item
	currency string
}

// AddHostedCheckout makes a hosted checkout selling items in currency and
// returns its id (hsc_…); CheckoutHandler serves it at /{id}.
func (s *Server) AddHostedCheckout(items []Item, currency string) string {
	id := newID("hsc")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.checkouts == nil {
		s.checkouts = map[string]*hostedCheckout{}
	}
	s.checkouts[id] = &hostedCheckout{items: items, currency: strings.ToUpper(currency)}
	return id
}

// CheckoutHandler serves the hosted checkouts' launch URLs, /{hsc_id}, as
// sandbox-pay.paddle.io does; customers open them, so no API key is asked.
// GET opens the checkout with the query parameters Paddle documents for
// prefilling one (https://developer.paddle.com/paddlejs/hosted-checkout-url-parameters):
// discount_code or discount_id pre-applies a discount that is active and
// enabled for checkout (another is ignored and the page says so), and
// user_email fills the email. POST pays it: the form's email and
// discount_code complete a transaction as CompleteTransaction does (its
// transaction.completed webhook sent), answering 201 with the transaction
// id in X-Sandbox-Transaction-Id.
func (s *Server) CheckoutHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{id}", s.openCheckout)
	mux.HandleFunc("POST /{id}", s.payCheckout)
	return mux
}

func (s *Server) checkout(id string) (*hostedCheckout, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.checkouts[id]
	return c, ok
}

// checkoutDiscount is the code of the discount a launch URL asks for, if
// it can be used at checkout, or a note saying why not.
func (s *Server) checkoutDiscount(code, id, currency string) (applied, note string) {
	if code == "" && id == "" {
		return "", ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.discounts {
		if d.Code == nil || (id != "" && d.ID != id) || (id == "" && !strings.EqualFold(*d.Code, code)) {
			continue
		}
		usedUp := d.UsageLimit != nil && d.TimesUsed >= *d.UsageLimit
		if d.Status != "active" || !d.EnabledForCheckout || usedUp || (d.CurrencyCode != nil && *d.CurrencyCode != currency) {
			return "", "This discount can't be applied."
		}
		return *d.Code, ""
	}
	return "", "This discount code is not valid."
}

var checkoutPage = template.Must(template.New("checkout").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Checkout</title></head><body>
<h1>Checkout</h1>
<ul>{{range .Items}}<li>{{.Name}} × {{.Quantity}}</li>{{end}}</ul>
{{if .Discount}}<p id="discount">Discount {{.Discount}} applied</p>{{end}}
{{if .Note}}<p id="discount-note">{{.Note}}</p>{{end}}
<form method="post">
<input type="hidden" name="discount_code" value="{{.Discount}}">
<label>Email <input type="email" name="email" value="{{.Email}}"></label>
<button type="submit">Pay</button>
</form></body></html>`))

func (s *Server) openCheckout(w http.ResponseWriter, r *http.Request) {
	c, ok := s.checkout(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	applied, note := s.checkoutDiscount(strings.TrimSpace(q.Get("discount_code")), q.Get("discount_id"), c.currency)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	checkoutPage.Execute(w, map[string]any{"Items": c.items, "Discount": applied, "Note": note, "Email": q.Get("user_email")})
}

func (s *Server) payCheckout(w http.ResponseWriter, r *http.Request) {
	c, ok := s.checkout(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if email == "" {
		http.Error(w, "an email is required", http.StatusUnprocessableEntity)
		return
	}
	t, err := s.CompleteTransaction(r.Context(), strings.TrimSpace(r.PostFormValue("discount_code")), c.items, c.currency, email)
	if t.ID == "" && err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	w.Header().Set("X-Sandbox-Transaction-Id", t.ID)
	w.WriteHeader(http.StatusCreated)
}
