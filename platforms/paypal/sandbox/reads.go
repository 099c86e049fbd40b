package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"codecredit/platforms/currency"
)

// getBatch answers GET /v1/payments/payouts/{id} with page, page_size
// (1 to 1000) and total_required.
func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, ok := queryInt(w, q.Get("page"), "page", 1, 1, 1000)
	if !ok {
		return
	}
	size, ok := queryInt(w, q.Get("page_size"), "page_size", 1000, 1, 1000)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(s.opts.Clock())
	b, found := s.batches[r.PathValue("id")]
	if !found {
		writeError(w, http.StatusNotFound, "RESOURCE_NOT_FOUND", "The specified resource does not exist.")
		return
	}
	from, to := min((page-1)*size, len(b.items)), min(page*size, len(b.items))
	items := make([]map[string]any, 0, to-from)
	for _, it := range b.items[from:to] {
		items = append(items, s.itemResource(b, it))
	}
	out := s.batchResource(b)
	out["items"] = items
	if q.Get("total_required") == "true" {
		out["total_items"] = len(b.items)
		out["total_pages"] = (len(b.items) + size - 1) / size
	}
	writeJSON(w, http.StatusOK, out)
}

// queryInt reads an integer query parameter between lo and hi (def when
// absent), answering a VALIDATION_ERROR otherwise.
func queryInt(w http.ResponseWriter, v, name string, def, lo, hi int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid request - see details",
			errorDetail{Field: name, Value: v, Location: "query", Issue: fmt.Sprintf("Value must be between %d and %d.", lo, hi)})
		return 0, false
	}
	return n, true
}

// getItem answers GET /v1/payments/payouts-item/{id}.
func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(s.opts.Clock())
	it, ok := s.items[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "RESOURCE_NOT_FOUND", "The specified resource does not exist.")
		return
	}
	writeJSON(w, http.StatusOK, s.itemResource(it.batch, it))
}

// cancelItem answers POST /v1/payments/payouts-item/{id}/cancel: only an
// UNCLAIMED item can be cancelled, and it becomes RETURNED.
func (s *Server) cancelItem(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Clock()
	s.advance(now)
	it, ok := s.items[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "RESOURCE_NOT_FOUND", "The specified resource does not exist.")
		return
	}
	if it.status != "UNCLAIMED" {
		writeError(w, http.StatusUnprocessableEntity, "UNPROCESSABLE_ENTITY",
			"The requested action could not be performed, semantically incorrect, or failed business validation.",
			errorDetail{Field: "payout_item_id", Value: it.id, Location: "path", Issue: "Only an UNCLAIMED item can be cancelled; this one is " + it.status + "."})
		return
	}
	it.status, it.processed, it.path = "RETURNED", now, nil
	s.queue("PAYMENT.PAYOUTS-ITEM.CANCELED", "payouts_item", "A payout item was canceled", s.itemResource(it.batch, it), now)
	writeJSON(w, http.StatusOK, s.itemResource(it.batch, it))
}

// batchResource is a batch header with its links.
func (s *Server) batchResource(b *batch) map[string]any {
	h := map[string]any{"payout_batch_id": b.id, "batch_status": b.status,
		"time_created":        b.created.UTC().Format(time.RFC3339),
		"sender_batch_header": wireHeader{SenderBatchID: b.senderBatchID, EmailSubject: b.subject, EmailMessage: b.message},
		"funding_source":      "BALANCE"}
	if !b.completed.IsZero() {
		h["time_completed"] = b.completed.UTC().Format(time.RFC3339)
	}
	if cur, total, ok := b.total(); ok {
		h["amount"] = wireAmount{Currency: cur, Value: currency.FormatScaled(total, decimals(cur))}
		h["fees"] = wireAmount{Currency: cur, Value: currency.FormatScaled(0, decimals(cur))}
	}
	return map[string]any{"batch_header": h, "links": []link{s.batchLink(b.id, "self")}}
}

// total sums a single-currency batch.
func (b *batch) total() (string, int64, bool) {
	var sum int64
	for _, it := range b.items {
		if it.currency != b.items[0].currency {
			return "", 0, false
		}
		sum += it.units
	}
	return b.items[0].currency, sum, true
}

// itemResource is an item as PayPal shows it.
func (s *Server) itemResource(b *batch, it *item) map[string]any {
	m := map[string]any{"payout_item_id": it.id, "transaction_status": it.status, "payout_batch_id": b.id,
		"sender_batch_id": b.senderBatchID,
		"payout_item_fee": wireAmount{Currency: it.currency, Value: currency.FormatScaled(0, decimals(it.currency))},
		"payout_item": wireItem{RecipientType: "EMAIL", Amount: &wireAmount{Currency: it.currency, Value: it.value},
			Note: it.note, Receiver: it.receiver, SenderItemID: it.senderItemID, RecipientWallet: "PAYPAL"},
		"links": []link{{Href: s.opts.BaseURL + "/v1/payments/payouts-item/" + it.id, Rel: "self", Method: "GET", EncType: "application/json"},
			s.batchLink(b.id, "batch")}}
	if it.txnID != "" {
		m["transaction_id"] = it.txnID
	}
	if !it.processed.IsZero() {
		m["time_processed"] = it.processed.UTC().Format(time.RFC3339)
	}
	if it.errName != "" {
		m["errors"] = map[string]any{"name": it.errName, "message": it.errMsg,
			"information_link": "https://developer.paypal.com/docs/api/payments.payouts-batch/#errors",
			"details":          []any{}, "links": []any{}}
	}
	return m
}

func (s *Server) batchLink(id, rel string) link {
	return link{Href: s.opts.BaseURL + "/v1/payments/payouts/" + id, Rel: rel, Method: "GET", EncType: "application/json"}
}

// noDecimals are the currencies PayPal takes in whole units only.
var noDecimals = map[string]bool{"HUF": true, "JPY": true, "TWD": true}

func decimals(cur string) int {
	if noDecimals[cur] {
		return 0
	}
	return currency.Exponent(cur)
}

// units reads an amount exactly in PayPal's decimals for the currency; a
// decimal amount in a whole-unit currency is refused, as PayPal says. The
// string is the issue to report, empty when the amount is good.
func units(value, cur string) (int64, string) {
	cur = strings.ToUpper(cur)
	if !currency.Known(cur) {
		return 0, "Currency code is invalid."
	}
	v, err := currency.Scaled(value, decimals(cur), currency.Exact)
	if err != nil {
		return 0, "Amount has more decimals than " + cur + " takes, or is not a number."
	}
	if v <= 0 {
		return 0, "Amount must be positive."
	}
	return v, ""
}
