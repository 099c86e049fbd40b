package sandbox

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The storefront: just enough of a shop's own pages for a shareable
// discount link to work end to end. GET /discount/{code}?redirect={path}
// keeps the code in the visitor's discount_code cookie, as Shopify does,
// and sends them on to path (a path on the shop; "/" otherwise). The home
// page and product pages say which code will apply, and POST /checkout
// places the next order of that browser with it, then forgets it.
// Every shop shares the sandbox's address, so the shop a link named
// (?shop=) is kept in a cookie too.

const (
	discountCookie = "discount_code"
	shopCookie     = "sandbox_shop"
)

func (s *Sandbox) storefrontRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /discount/{code}", s.applyDiscount)
	mux.HandleFunc("GET /{$}", s.storePage)
	mux.HandleFunc("GET /products/{handle}", s.storePage)
	mux.HandleFunc("POST /checkout", s.storeCheckout)
}

// applyDiscount keeps the code for the browser's next checkout.
func (s *Sandbox) applyDiscount(w http.ResponseWriter, r *http.Request) {
	shop := s.storeShop(r)
	if shop == "" {
		http.Error(w, "sandbox: unknown shop", http.StatusNotFound)
		return
	}
	set := func(name, value string) {
		http.SetCookie(w, &http.Cookie{Name: name, Value: url.QueryEscape(value), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	set(discountCookie, r.PathValue("code"))
	set(shopCookie, shop)
	to := r.URL.Query().Get("redirect")
	if !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") || strings.HasPrefix(to, "/\\") {
		to = "/"
	}
	http.Redirect(w, r, to, http.StatusFound)
}

// storeShop is the shop a storefront request is for: the one the request
// names, then the one its cookie keeps.
func (s *Sandbox) storeShop(r *http.Request) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, err := r.Cookie(shopCookie); err == nil && r.URL.Query().Get("shop") == "" {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			if sh, ok := s.shops[normDomain(v)]; ok {
				return sh.Domain
			}
		}
	}
	if sh := s.shopFor(r); sh != nil {
		return sh.Domain
	}
	return ""
}

// cookieCode is the discount code the browser carries, or "".
func cookieCode(r *http.Request) string {
	c, err := r.Cookie(discountCookie)
	if err != nil {
		return ""
	}
	v, _ := url.QueryUnescape(c.Value)
	return v
}

var storeTmpl = template.Must(template.New("store").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Shop}} (sandbox)</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto">
<h1>{{.Shop}}</h1><p>{{.Message}}</p>
{{if .Code}}<p id="discount">Discount <strong>{{.Code}}</strong> will apply at checkout.</p>{{end}}
{{if .Form}}<form method="post" action="/checkout"><label>Email <input name="email" type="email" value="customer@example.com"></label>
<label>Price <input name="price" value="40.00"></label> <button>Check out</button></form>{{end}}
</body></html>`))

func (s *Sandbox) storePage(w http.ResponseWriter, r *http.Request) {
	shop := s.storeShop(r)
	if shop == "" {
		http.Error(w, "sandbox: unknown shop", http.StatusNotFound)
		return
	}
	_ = storeTmpl.Execute(w, map[string]any{"Shop": shop, "Code": cookieCode(r), "Form": true,
		"Message": "A sandbox storefront: check out to place an order."})
}

// storeCheckout places an order of one item at price (default 40.00) with
// the browser's discount code, then forgets the code.
func (s *Sandbox) storeCheckout(w http.ResponseWriter, r *http.Request) {
	shop := s.storeShop(r)
	if shop == "" {
		http.Error(w, "sandbox: unknown shop", http.StatusNotFound)
		return
	}
	price := r.FormValue("price")
	if price == "" {
		price = "40.00"
	}
	spec := OrderSpec{Email: r.FormValue("email"), Lines: []Line{{Title: "Sandbox hat", Price: price, Quantity: 1}}}
	code := cookieCode(r)
	if code != "" {
		spec.Codes = []string{code}
	}
	id, err := s.PlaceOrder(shop, spec)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: discountCookie, Value: "", Path: "/", MaxAge: -1})
	w.Header().Set("X-Sandbox-Order-Id", strconv.FormatInt(id, 10))
	w.WriteHeader(http.StatusCreated)
	_ = storeTmpl.Execute(w, map[string]any{"Shop": shop, "Code": code, "Message": "Order " + strconv.FormatInt(id, 10) + " placed."})
}
