package sandbox

import (
	"errors"
	"net/http"
	"strings"
)

// The control API drives the sandbox over HTTP (under /__sandbox/, with
// the same API key), for a local app with no Paddle account: it plays
// customers and Paddle's reviewers, and answers {"data": entity} plus
// "webhook_error" when a resulting webhook was not accepted.
func (s *Server) controlRoutes() {
	s.mux.HandleFunc("POST /__sandbox/discounts/seed", s.ctlSeed)
	s.mux.HandleFunc("POST /__sandbox/discounts/{id}/archive", s.ctlArchive)
	s.mux.HandleFunc("POST /__sandbox/transactions", s.ctlComplete)
	s.mux.HandleFunc("POST /__sandbox/subscriptions/{id}/renew", s.ctlRenew)
	s.mux.HandleFunc("POST /__sandbox/subscriptions", s.ctlSubscribe)
	s.mux.HandleFunc("POST /__sandbox/subscriptions/{id}/{change}", s.ctlChange)
	s.mux.HandleFunc("POST /__sandbox/transactions/{id}/refund", s.ctlRefund)
	s.mux.HandleFunc("POST /__sandbox/adjustments/{id}/approve", s.ctlReview)
	s.mux.HandleFunc("POST /__sandbox/adjustments/{id}/reject", s.ctlReview)
}

// ctlSeed adds {"count": n} discounts to the catalog.
func (s *Server) ctlSeed(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Count int `json:"count"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if in.Count < 1 || in.Count > 10000 {
		writeError(w, http.StatusBadRequest, "bad_request", "count must be between 1 and 10000")
		return
	}
	writeData(w, http.StatusCreated, s.SeedDiscounts(in.Count), nil)
}

// ctlArchive archives a discount.
func (s *Server) ctlArchive(w http.ResponseWriter, r *http.Request) {
	err := s.ArchiveDiscount(r.Context(), r.PathValue("id"))
	d, ok := s.Discount(r.PathValue("id"))
	answer(w, d, ok, err)
}

// ctlComplete completes a transaction: {"code", "items", "currency", "email"}.
func (s *Server) ctlComplete(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Code     string `json:"code"`
		Items    []Item `json:"items"`
		Currency string `json:"currency"`
		Email    string `json:"email"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	t, err := s.CompleteTransaction(r.Context(), in.Code, in.Items, in.Currency, in.Email)
	answer(w, t, t.ID != "", err)
}

// ctlRenew bills a subscription's next period.
func (s *Server) ctlRenew(w http.ResponseWriter, r *http.Request) {
	t, err := s.Renew(r.Context(), r.PathValue("id"))
	answer(w, t, t.ID != "", err)
}

// ctlSubscribe subscribes a customer: {"code", "items", "currency",
// "email", "trial_days"}.
func (s *Server) ctlSubscribe(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Code      string `json:"code"`
		Items     []Item `json:"items"`
		Currency  string `json:"currency"`
		Email     string `json:"email"`
		TrialDays int    `json:"trial_days"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	sub, err := s.Subscribe(r.Context(), in.Code, in.Items, in.Currency, in.Email, in.TrialDays)
	answer(w, sub, sub.ID != "", err)
}

// ctlChange changes a subscription made by Subscribe: quantity
// ({"item", "quantity"}), fail-payment, pause, resume, cancel
// ({"at_period_end"}) or scheduled-change (carry out a scheduled
// cancellation).
func (s *Server) ctlChange(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Item        int  `json:"item"`
		Quantity    int  `json:"quantity"`
		AtPeriodEnd bool `json:"at_period_end"`
	}
	if r.ContentLength != 0 && !decodeBody(w, r, &in) {
		return
	}
	id := r.PathValue("id")
	var sub Subscription
	var err error
	switch r.PathValue("change") {
	case "quantity":
		sub, err = s.SetQuantity(r.Context(), id, in.Item, in.Quantity)
	case "fail-payment":
		sub, err = s.FailPayment(r.Context(), id)
	case "pause":
		sub, err = s.Pause(r.Context(), id)
	case "resume":
		sub, err = s.Resume(r.Context(), id)
	case "cancel":
		sub, err = s.Cancel(r.Context(), id, in.AtPeriodEnd)
	case "scheduled-change":
		sub, err = s.RunScheduledChange(r.Context(), id)
	default:
		writeError(w, http.StatusNotFound, "not_found", "Requested resource not found.")
		return
	}
	answer(w, sub, sub.ID != "", err)
}

// ctlRefund refunds a transaction, or one of its line items when item_id
// names one: {"amount", "approve", "item_id"}.
func (s *Server) ctlRefund(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Amount  int64  `json:"amount"`
		Approve bool   `json:"approve"`
		ItemID  string `json:"item_id"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	a, err := s.refund(r.Context(), r.PathValue("id"), in.ItemID, in.Amount, in.Approve)
	answer(w, a, a.ID != "", err)
}

// ctlReview approves or rejects a pending refund.
func (s *Server) ctlReview(w http.ResponseWriter, r *http.Request) {
	review := s.ApproveAdjustment
	if strings.HasSuffix(r.URL.Path, "/reject") {
		review = s.RejectAdjustment
	}
	a, err := review(r.Context(), r.PathValue("id"))
	answer(w, a, a.ID != "", err)
}

// answer writes a control call's outcome: the entity (with the webhook
// error, if any), or the error that prevented it.
func answer(w http.ResponseWriter, v any, made bool, err error) {
	switch {
	case made && err != nil:
		writeJSON(w, http.StatusOK, map[string]any{"data": v, "webhook_error": err.Error()})
	case made:
		writeData(w, http.StatusOK, v, nil)
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", err.Error())
	default:
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
	}
}
