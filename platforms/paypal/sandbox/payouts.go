package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxItems is PayPal's limit per create call; maxBody bounds a request.
const (
	maxItems = 15000
	maxBody  = 16 << 20
)

type batch struct {
	id, senderBatchID, subject, message string
	status                              string
	created, completed                  time.Time
	items                               []*item
	settled                             bool
}

type item struct {
	id, senderItemID, receiver, note, currency, value string
	units                                             int64 // in PayPal's decimals for currency
	status, txnID, errName, errMsg                    string
	processed, next                                   time.Time
	path                                              []string
	rule                                              Rule
	batch                                             *batch
}

// stored is the first answer to a PayPal-Request-Id.
type stored struct {
	status int
	body   []byte
}

type wireAmount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

type wireItem struct {
	RecipientType   string      `json:"recipient_type,omitempty"`
	Amount          *wireAmount `json:"amount"`
	Note            string      `json:"note,omitempty"`
	Receiver        string      `json:"receiver"`
	SenderItemID    string      `json:"sender_item_id,omitempty"`
	RecipientWallet string      `json:"recipient_wallet,omitempty"`
}

type wireHeader struct {
	SenderBatchID string `json:"sender_batch_id,omitempty"`
	RecipientType string `json:"recipient_type,omitempty"`
	EmailSubject  string `json:"email_subject,omitempty"`
	EmailMessage  string `json:"email_message,omitempty"`
}

type createRequest struct {
	SenderBatchHeader *wireHeader `json:"sender_batch_header"`
	Items             []wireItem  `json:"items"`
}

// createBatch answers POST /v1/payments/payouts.
func (s *Server) createBatch(w http.ResponseWriter, r *http.Request) {
	rid := r.Header.Get("PayPal-Request-Id")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.requests[rid]; ok && rid != "" {
		writeRaw(w, prev.status, prev.body)
		return
	}
	var req createRequest
	if err := json.Unmarshal(body, &req); err != nil || req.SenderBatchHeader == nil {
		writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema.")
		return
	}
	if detail, ok := s.validate(&req); !ok {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid request - see details", detail)
		return
	}
	h := req.SenderBatchHeader
	if id, used := s.bySender[h.SenderBatchID]; used && h.SenderBatchID != "" {
		writeError(w, http.StatusBadRequest, "USER_BUSINESS_ERROR", "User business error.", errorDetail{
			Field: "SENDER_BATCH_ID", Location: "body", Issue: "Batch with given sender_batch_id already exists",
			Link: []link{{Href: s.opts.BaseURL + "/v1/payments/payouts/" + id, Rel: "self", Method: "GET"}}})
		return
	}
	if dup := duplicateItem(req.Items); dup != "" {
		writeError(w, http.StatusBadRequest, "DUPLICATE_ITEM",
			"This transaction is duplicated in this batch. Please check the Ref_ID / Sender_Item_ID.",
			errorDetail{Field: "sender_item_id", Value: dup, Location: "body", Issue: "DUPLICATE_ITEM"})
		return
	}
	b := s.addBatch(h, req.Items)
	out, _ := json.Marshal(map[string]any{"batch_header": map[string]any{
		"payout_batch_id": b.id, "batch_status": b.status, "sender_batch_header": h},
		"links": []link{s.batchLink(b.id, "self")}})
	if rid != "" {
		s.requests[rid] = stored{status: http.StatusCreated, body: out}
	}
	writeRaw(w, http.StatusCreated, out)
}

// validate checks a create request as PayPal's schema does.
func (s *Server) validate(req *createRequest) (errorDetail, bool) {
	if n := len(req.Items); n == 0 || n > maxItems {
		return errorDetail{Field: "items", Location: "body",
			Issue: fmt.Sprintf("A batch holds 1 to %d items; this one has %d.", maxItems, n)}, false
	}
	if len(req.SenderBatchHeader.SenderBatchID) > 256 {
		return errorDetail{Field: "sender_batch_header.sender_batch_id", Location: "body", Issue: "Exceeds 256 characters."}, false
	}
	for i, it := range req.Items {
		field := fmt.Sprintf("items[%d]", i)
		rt := it.RecipientType
		if rt == "" {
			rt = req.SenderBatchHeader.RecipientType
		}
		switch {
		case rt != "EMAIL":
			return errorDetail{Field: field + ".recipient_type", Value: rt, Location: "body", Issue: "The sandbox pays EMAIL recipients only."}, false
		case !strings.Contains(it.Receiver, "@") || len(it.Receiver) > 127:
			return errorDetail{Field: field + ".receiver", Value: it.Receiver, Location: "body", Issue: "Receiver is invalid or does not match with type"}, false
		case it.Amount == nil:
			return errorDetail{Field: field + ".amount", Location: "body", Issue: "Required field missing"}, false
		case len(it.SenderItemID) > 63:
			return errorDetail{Field: field + ".sender_item_id", Location: "body", Issue: "Exceeds 63 characters."}, false
		}
		if _, issue := units(it.Amount.Value, it.Amount.Currency); issue != "" {
			return errorDetail{Field: field + ".amount.value", Value: it.Amount.Value, Location: "body", Issue: issue}, false
		}
	}
	return errorDetail{}, true
}

func duplicateItem(items []wireItem) string {
	seen := map[string]bool{}
	for _, it := range items {
		if it.SenderItemID != "" && seen[it.SenderItemID] {
			return it.SenderItemID
		}
		seen[it.SenderItemID] = true
	}
	return ""
}

// addBatch records a valid batch with its items PENDING. Callers hold s.mu.
func (s *Server) addBatch(h *wireHeader, items []wireItem) *batch {
	now := s.opts.Clock()
	b := &batch{id: s.newID(), senderBatchID: h.SenderBatchID, subject: h.EmailSubject, message: h.EmailMessage,
		status: "PENDING", created: now, items: make([]*item, 0, len(items))}
	for _, wi := range items {
		u, _ := units(wi.Amount.Value, wi.Amount.Currency)
		rule := s.ruleFor(wi.Receiver)
		it := &item{id: s.newID(), senderItemID: wi.SenderItemID, receiver: wi.Receiver, note: wi.Note,
			currency: strings.ToUpper(wi.Amount.Currency), value: wi.Amount.Value, units: u, status: "PENDING",
			next: now.Add(s.opts.SettleAfter), path: rule.Path, rule: rule, batch: b}
		b.items = append(b.items, it)
		s.items[it.id] = it
	}
	s.batches[b.id] = b
	s.order = append(s.order, b.id)
	if h.SenderBatchID != "" {
		s.bySender[h.SenderBatchID] = b.id
	}
	return b
}
