package sandbox

import (
	"encoding/json"
	"net/http"
)

// ControlHandler serves the control API as JSON over HTTP, for demos and
// scripts; mount it apart from the Stripe API (e.g. under /_sandbox/stripe/).
// Each answer is {"result": ..., "delivery_error": "..."}: the payment is
// made even when a delivery fails.
//
//	POST /accounts       {"name","email","currency"}                → {"id","key"}
//	POST /seed           {"account","n"}                            → ["SEED0001", ...]
//	POST /checkout       {"account","code","amount","currency","email"} → Payment
//	                     (or "items":[{"product","title","unit_amount","quantity"}] for "amount")
//	POST /subscribe      {"account","code","amount","currency"}     → Invoice (or "items")
//	POST /credit_note    {"invoice","line","quantity"}              → CreditNote
//	POST /renew          {"subscription"}                           → Invoice
//	POST /refund         {"payment_intent","amount"}                → {"refund"}
//	POST /subscriptions  {"account","code","items","currency"}      → Invoice (events: created, invoice.paid)
//	                     (with "trial_days": → {"subscription","event"}, nothing billed)
//	POST /subscriptions/end_trial {"subscription"}                  → Invoice
//	POST /subscriptions/change    {"subscription","items"}          → {"event"}
//	POST /subscriptions/pause     {"subscription","pause"}          → {"event"} (false resumes)
//	POST /subscriptions/cancel    {"subscription","at_period_end"}  → {"event"}
//	GET  /deliveries                                                → [Delivery]
//
// and the Connect payout calls of payoutControls (connect_control.go).
func (s *Server) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /accounts", control(func(in controlRequest) (any, error) {
		id, key := s.CreateAccount(in.Name, in.Email, in.Currency)
		return map[string]string{"id": id, "key": key}, nil
	}))
	mux.HandleFunc("POST /seed", control(func(in controlRequest) (any, error) {
		return s.SeedPromotionCodes(in.Account, in.N)
	}))
	mux.HandleFunc("POST /checkout", control(func(in controlRequest) (any, error) {
		if len(in.Items) > 0 {
			return s.CheckoutItems(in.Account, in.Code, in.Items, in.Currency, in.Email)
		}
		return s.Checkout(in.Account, in.Code, in.Amount, in.Currency, in.Email)
	}))
	mux.HandleFunc("POST /subscribe", control(func(in controlRequest) (any, error) {
		if len(in.Items) > 0 {
			return s.SubscribeItems(in.Account, in.Code, in.Items, in.Currency)
		}
		return s.Subscribe(in.Account, in.Code, in.Amount, in.Currency)
	}))
	mux.HandleFunc("POST /credit_note", control(func(in controlRequest) (any, error) {
		return s.CreditNote(in.Invoice, in.Line, in.Quantity)
	}))
	mux.HandleFunc("POST /renew", control(func(in controlRequest) (any, error) { return s.Renew(in.Subscription) }))
	mux.HandleFunc("POST /refund", control(func(in controlRequest) (any, error) {
		id, err := s.Refund(in.PaymentIntent, in.Amount)
		return map[string]string{"refund": id}, err
	}))
	s.subscriptionControls(mux)
	s.payoutControls(mux)
	mux.HandleFunc("GET /deliveries", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Deliveries())
	})
	return mux
}

// controlRequest is the body of every control call; each uses its fields.
type controlRequest struct {
	Name          string `json:"name"`
	Email         string `json:"email"`
	Currency      string `json:"currency"`
	Account       string `json:"account"`
	N             int    `json:"n"`
	Code          string `json:"code"`
	Amount        int64  `json:"amount"`
	Subscription  string `json:"subscription"`
	PaymentIntent string `json:"payment_intent"`
	Items         []Item `json:"items"`
	Invoice       string `json:"invoice"`
	Line          string `json:"line"`
	Quantity      int64  `json:"quantity"`
	TrialDays     int    `json:"trial_days"`
	Pause         bool   `json:"pause"`
	AtPeriodEnd   bool   `json:"at_period_end"`
}

// subscriptionControls adds the control calls of a subscription's life.
func (s *Server) subscriptionControls(mux *http.ServeMux) {
	event := func(id string, err error) (any, error) { return map[string]string{"event": id}, err }
	mux.HandleFunc("POST /subscriptions", control(func(in controlRequest) (any, error) {
		if in.TrialDays > 0 {
			sub, ev, err := s.StartTrial(in.Account, in.Code, in.Items, in.Currency, in.TrialDays)
			return map[string]string{"subscription": sub, "event": ev}, err
		}
		return s.StartSubscription(in.Account, in.Code, in.Items, in.Currency)
	}))
	mux.HandleFunc("POST /subscriptions/end_trial", control(func(in controlRequest) (any, error) {
		return s.EndTrial(in.Subscription)
	}))
	mux.HandleFunc("POST /subscriptions/change", control(func(in controlRequest) (any, error) {
		return event(s.ChangeSubscription(in.Subscription, in.Items))
	}))
	mux.HandleFunc("POST /subscriptions/pause", control(func(in controlRequest) (any, error) {
		return event(s.PauseSubscription(in.Subscription, in.Pause))
	}))
	mux.HandleFunc("POST /subscriptions/cancel", control(func(in controlRequest) (any, error) {
		return event(s.CancelSubscription(in.Subscription, in.AtPeriodEnd))
	}))
}

// control decodes a request, runs fn and answers its result. A call that
// made nothing (an unknown account, a refund too large) is a 400.
func control(fn func(controlRequest) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in controlRequest
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be JSON: " + err.Error()})
			return
		}
		result, err := fn(in)
		out := map[string]any{"result": result}
		if err != nil && isZero(result) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if err != nil {
			out["delivery_error"] = err.Error()
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// isZero reports whether a control result is empty: nothing was made.
func isZero(v any) bool {
	switch r := v.(type) {
	case Payment:
		return r.PaymentIntentID == ""
	case Invoice:
		return r.InvoiceID == ""
	case map[string]string:
		return r["refund"] == "" && r["id"] == "" && r["event"] == ""
	case []string:
		return r == nil
	}
	return v == nil
}
