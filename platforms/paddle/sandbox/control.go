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

// ctlRefund refunds a transaction: {"amount", "approve"}.
func (s *Server) ctlRefund(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Amount  int64 `json:"amount"`
		Approve bool  `json:"approve"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	a, err := s.Refund(r.Context(), r.PathValue("id"), in.Amount, in.Approve)
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
