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
//	POST /subscribe      {"account","code","amount","currency"}     → Invoice
//	POST /renew          {"subscription"}                           → Invoice
//	POST /refund         {"payment_intent","amount"}                → {"refund"}
//	GET  /deliveries                                                → [Delivery]
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
		return s.Checkout(in.Account, in.Code, in.Amount, in.Currency, in.Email)
	}))
	mux.HandleFunc("POST /subscribe", control(func(in controlRequest) (any, error) {
		return s.Subscribe(in.Account, in.Code, in.Amount, in.Currency)
	}))
	mux.HandleFunc("POST /renew", control(func(in controlRequest) (any, error) { return s.Renew(in.Subscription) }))
	mux.HandleFunc("POST /refund", control(func(in controlRequest) (any, error) {
		id, err := s.Refund(in.PaymentIntent, in.Amount)
		return map[string]string{"refund": id}, err
	}))
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
		return r["refund"] == "" && r["id"] == ""
	case []string:
		return r == nil
	}
	return v == nil
}
