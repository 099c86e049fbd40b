package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Transfers from a platform's available balance to its Express accounts
// (https://docs.stripe.com/api/transfers), their reversals
// (https://docs.stripe.com/api/transfer_reversals) and the balance itself
// (https://docs.stripe.com/api/balance). A transfer the balance cannot
// cover is refused with balance_insufficient; one to an account whose
// transfers capability is not active is refused on destination.

// transfer is a Transfer as the sandbox keeps it.
type transfer struct {
	ID, Owner, Currency, Destination, Group, Description string
	Amount, Reversed                                     int64
	Created                                              int64
	Metadata                                             map[string]string
}

// transferReversal is a Transfer Reversal.
type transferReversal struct {
	ID, Transfer, Currency string
	Amount, Created        int64
	Metadata               map[string]string
}

// payoutRoute dispatches /v1/accounts, /v1/account_links, /v1/transfers
// and /v1/balance.
func (s *Server) payoutRoute(a *account, r *http.Request, parts []string) (any, int, *apiError) {
	post, get := r.Method == http.MethodPost, r.Method == http.MethodGet
	switch {
	case parts[0] == "accounts" && len(parts) == 1 && post:
		return s.createExpressAccount(a, r)
	case parts[0] == "accounts" && len(parts) == 2 && get:
		return s.retrieveExpressAccount(a, parts[1])
	case parts[0] == "account_links" && len(parts) == 1 && post:
		return s.createAccountLink(a, r)
	case parts[0] == "transfers" && len(parts) == 1 && post:
		return s.createTransfer(a, r)
	case parts[0] == "transfers" && len(parts) == 1 && get:
		return s.listTransfers(a, r), 0, nil // transfers_list.go
	case parts[0] == "transfers" && len(parts) == 2 && get:
		if t := s.payouts.transfers[parts[1]]; t != nil && t.Owner == a.ID {
			return s.transferJSON(t), 0, nil
		}
		return missing("transfer", "id", parts[1])
	case parts[0] == "transfers" && len(parts) == 3 && parts[2] == "reversals" && post:
		return s.reverseTransfer(a, r, parts[1])
	case parts[0] == "balance" && len(parts) == 1 && get:
		return s.balanceJSON(a), 0, nil
	}
	e := unrecognized(r)
	return nil, http.StatusNotFound, &e
}

// createTransfer is POST /v1/transfers (https://docs.stripe.com/api/transfers/create).
func (s *Server) createTransfer(a *account, r *http.Request) (any, int, *apiError) {
	f := r.PostForm
	for _, p := range []string{"amount", "currency", "destination"} {
		if f.Get(p) == "" {
			return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "parameter_missing",
				Param: p, Message: "Missing required param: " + p + "."}
		}
	}
	amount, err := strconv.ParseInt(f.Get("amount"), 10, 64)
	if err != nil || amount <= 0 {
		return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "parameter_invalid_integer",
			Param: "amount", Message: "Invalid positive integer"}
	}
	cur := strings.ToLower(f.Get("currency"))
	x := s.payouts.express[f.Get("destination")]
	switch {
	case x == nil || x.Owner != a.ID:
		return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "resource_missing",
			Param: "destination", Message: fmt.Sprintf("No such destination: '%s'", f.Get("destination"))}
	case x.Transfers != "active":
		return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "insufficient_capabilities_for_transfer",
			Param: "destination", Message: "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments"}
	case s.payouts.available(a.ID, cur) < amount:
		return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "balance_insufficient",
			Message: "You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Top-ups: https://stripe.com/docs/api#create_topup"}
	}
	t := &transfer{ID: newID("tr_"), Owner: a.ID, Currency: cur, Destination: x.ID, Group: f.Get("transfer_group"),
		Description: f.Get("description"), Amount: amount, Created: s.opts.Now().Unix(), Metadata: formMap(f, "metadata")}
	s.payouts.move(a.ID, x.ID, cur, amount)
	s.payouts.transfers[t.ID] = t
	s.payouts.order = append(s.payouts.order, t.ID)
	return s.transferJSON(t), 0, nil
}

// reverseTransfer is POST /v1/transfers/{id}/reversals
// (https://docs.stripe.com/api/transfer_reversals/create): all that is not
// yet reversed unless amount says less, taken back from the account.
func (s *Server) reverseTransfer(a *account, r *http.Request, id string) (any, int, *apiError) {
	t := s.payouts.transfers[id]
	if t == nil || t.Owner != a.ID {
		return missing("transfer", "id", id)
	}
	left := t.Amount - t.Reversed
	amount := left
	if v := r.PostForm.Get("amount"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "parameter_invalid_integer",
				Param: "amount", Message: "Invalid positive integer"}
		}
		amount = n
	}
	if amount > left || left == 0 {
		return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "amount_too_large", Param: "amount",
			Message: fmt.Sprintf("Amount (%d) is greater than unreversed amount on transfer (%d)", amount, left)}
	}
	if s.payouts.available(t.Destination, t.Currency) < amount {
		return nil, http.StatusBadRequest, &apiError{Type: "invalid_request_error", Code: "balance_insufficient",
			Message: "The connected account's balance cannot cover this reversal."}
	}
	rev := &transferReversal{ID: newID("trr_"), Transfer: t.ID, Currency: t.Currency, Amount: amount,
		Created: s.opts.Now().Unix(), Metadata: formMap(r.PostForm, "metadata")}
	s.payouts.move(t.Destination, a.ID, t.Currency, amount)
	t.Reversed += amount
	s.payouts.reversals[t.ID] = append(s.payouts.reversals[t.ID], rev)
	return reversalJSON(rev), 0, nil
}

func (p *payoutState) available(account, cur string) int64 { return p.balances[account][cur] }

// move takes amount from one balance to another.
func (p *payoutState) move(from, to, cur string, amount int64) {
	p.add(from, cur, -amount)
	p.add(to, cur, amount)
}

func (p *payoutState) add(account, cur string, amount int64) {
	if p.balances[account] == nil {
		p.balances[account] = map[string]int64{}
	}
	p.balances[account][cur] += amount
}

// transferJSON is a Transfer (https://docs.stripe.com/api/transfers/object).
func (s *Server) transferJSON(t *transfer) map[string]any {
	revs := []any{}
	for _, r := range s.payouts.reversals[t.ID] {
		revs = append(revs, reversalJSON(r))
	}
	return map[string]any{
		"id": t.ID, "object": "transfer", "amount": t.Amount, "amount_reversed": t.Reversed,
		"balance_transaction": "txn_" + strings.TrimPrefix(t.ID, "tr_"), "created": t.Created, "currency": t.Currency,
		"description": nullable(t.Description), "destination": t.Destination,
		"destination_payment": "py_" + strings.TrimPrefix(t.ID, "tr_"), "livemode": true, "metadata": meta(t.Metadata),
		"reversals": listJSON("/v1/transfers/"+t.ID+"/reversals", revs, false),
		"reversed":  t.Reversed == t.Amount, "source_transaction": nil, "source_type": "card",
		"transfer_group": nullable(t.Group),
	}
}

// reversalJSON is a Transfer Reversal (https://docs.stripe.com/api/transfer_reversals/object).
func reversalJSON(r *transferReversal) map[string]any {
	return map[string]any{
		"id": r.ID, "object": "transfer_reversal", "amount": r.Amount, "created": r.Created, "currency": r.Currency,
		"balance_transaction": "txn_" + strings.TrimPrefix(r.ID, "trr_"), "destination_payment_refund": "pyr_" + strings.TrimPrefix(r.ID, "trr_"),
		"metadata": meta(r.Metadata), "source_refund": nil, "transfer": r.Transfer,
	}
}

// balanceJSON is the Balance (https://docs.stripe.com/api/balance/balance_object)
// of the account the request acts on: what is available, per currency.
func (s *Server) balanceJSON(a *account) map[string]any {
	avail, pending := []any{}, []any{}
	for cur, amount := range s.payouts.balances[a.ID] {
		avail = append(avail, map[string]any{"amount": amount, "currency": cur, "source_types": map[string]any{"card": amount}})
		pending = append(pending, map[string]any{"amount": 0, "currency": cur, "source_types": map[string]any{"card": 0}})
	}
	return map[string]any{"object": "balance", "available": avail, "pending": pending, "livemode": true}
}
