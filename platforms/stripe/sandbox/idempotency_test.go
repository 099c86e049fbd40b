package sandbox_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// expressReady makes an onboarded Express account of w's account, funded
// with amount usd in w's balance.
func (w *world) expressReady(amount int64) string {
	w.t.Helper()
	status, acct := w.call(http.MethodPost, "/v1/accounts", w.key, url.Values{"type": {"express"},
		"capabilities[transfers][requested]": {"true"}})
	id, _ := acct["id"].(string)
	if status != http.StatusOK || id == "" {
		w.t.Fatalf("create account: %d %v", status, acct)
	}
	if err := w.sb.CompleteOnboarding(id); err != nil {
		w.t.Fatal(err)
	}
	w.sb.SetBalance(w.account, "usd", amount)
	return id
}

// A request refused before it began (a missing parameter) keeps nothing
// for its key: corrected, it runs with the same key. A key is kept for 24
// hours, then a request with it runs anew.
func TestIdempotencyKeyLife(t *testing.T) {
	w := newWorld(t)
	dest := w.expressReady(10000)
	form := url.Values{"amount": {"1000"}, "currency": {"usd"}}
	status, out := w.call(http.MethodPost, "/v1/transfers", w.key, form, "Idempotency-Key", "k1")
	if status != http.StatusBadRequest || errorOf(out)["code"] != "parameter_missing" {
		t.Fatalf("without a destination: %d %v", status, out)
	}
	form.Set("destination", dest)
	status, first := w.call(http.MethodPost, "/v1/transfers", w.key, form, "Idempotency-Key", "k1")
	if status != http.StatusOK {
		t.Fatalf("corrected, with the same key: %d %v", status, first)
	}
	status, other := w.call(http.MethodPost, "/v1/transfers/"+first["id"].(string)+"/reversals", w.key, url.Values{}, "Idempotency-Key", "k1")
	if status != http.StatusBadRequest || errorOf(other)["type"] != "idempotency_error" {
		t.Errorf("the key on another endpoint: %d %v, want an idempotency_error", status, other)
	}
	w.clock.Add(23 * time.Hour)
	if _, again := w.call(http.MethodPost, "/v1/transfers", w.key, form, "Idempotency-Key", "k1"); again["id"] != first["id"] {
		t.Errorf("within 24 hours the key made %v, want %v again", again["id"], first["id"])
	}
	w.clock.Add(2 * time.Hour)
	if _, later := w.call(http.MethodPost, "/v1/transfers", w.key, form, "Idempotency-Key", "k1"); later["id"] == first["id"] || later["id"] == nil {
		t.Errorf("after 24 hours the key made %v, want a new transfer", later["id"])
	}
	if got := w.sb.Transfers(w.account); len(got) != 2 || w.sb.Balance(w.account, "usd") != 8000 {
		t.Errorf("transfers %+v, balance %d; want two and 8000", got, w.sb.Balance(w.account, "usd"))
	}
}

// The control API funds a balance and refuses a negative one.
func TestControlBalance(t *testing.T) {
	w := newWorld(t)
	ctl := controlClient(t, w)
	if status, out := ctl("/balance", `{"account":"`+w.account+`","currency":"eur","amount":1234}`); status != http.StatusOK {
		t.Fatalf("fund: %d %v", status, out)
	}
	if got := w.sb.Balance(w.account, "EUR"); got != 1234 {
		t.Errorf("balance %d, want 1234", got)
	}
	if status, _ := ctl("/balance", `{"currency":"eur","amount":-1}`); status != http.StatusBadRequest {
		t.Errorf("a negative balance: %d, want 400", status)
	}
	if status, _ := ctl("/connect/onboard", `{"account":"acct_unknown"}`); status != http.StatusBadRequest {
		t.Errorf("onboarding an unknown account: %d, want 400", status)
	}
}
