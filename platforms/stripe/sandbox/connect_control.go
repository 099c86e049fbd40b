package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Control calls for Connect payouts: fund a platform's balance, play
// Stripe finishing or restricting an Express account, and read what was
// transferred.

// PlatformAccount is the id of the sandbox's own platform account, the one
// the platform key acts on without Stripe-Account.
func (s *Server) PlatformAccount() string { return s.platform.ID }

// SetBalance sets an account's available balance in a currency (minor
// units), as charges settling or a top-up would.
func (s *Server) SetBalance(accountID, currency string, amount int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := strings.ToLower(currency)
	s.payouts.add(accountID, cur, amount-s.payouts.available(accountID, cur))
}

// Balance is an account's available balance in a currency (an Express
// account's too: what was transferred to it, less what was reversed).
func (s *Server) Balance(accountID, currency string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.payouts.available(accountID, strings.ToLower(currency))
}

// CompleteOnboarding finishes an Express account's onboarding as its
// Account Link would, and sends account.updated.
func (s *Server) CompleteOnboarding(accountID string) error {
	return s.changeExpress(accountID, s.completeOnboarding)
}

// RestrictAccount plays Stripe restricting an Express account for an
// overdue requirement (e.g. "external_account"): payouts and transfers
// stop, and account.updated is sent.
func (s *Server) RestrictAccount(accountID, requirement string) error {
	return s.changeExpress(accountID, func(x *expressAccount) *sentEvent { return s.restrict(x, requirement) })
}

var errNoExpress = errors.New("sandbox: no Express account")

func (s *Server) changeExpress(accountID string, change func(*expressAccount) *sentEvent) error {
	s.mu.Lock()
	x := s.payouts.express[accountID]
	if x == nil {
		s.mu.Unlock()
		return fmt.Errorf("%w %s", errNoExpress, accountID)
	}
	ev := change(x)
	s.mu.Unlock()
	return s.send(ev)
}

// Transfer is a transfer as the sandbox holds it.
type Transfer struct {
	ID, From, Destination, Currency, TransferGroup string
	Amount, AmountReversed                         int64
	Metadata                                       map[string]string
}

// Transfers lists the transfers made from an account, oldest first.
func (s *Server) Transfers(accountID string) []Transfer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Transfer
	for _, id := range s.payouts.order {
		if t := s.payouts.transfers[id]; t.Owner == accountID {
			out = append(out, Transfer{ID: t.ID, From: t.Owner, Destination: t.Destination,
				Currency: strings.ToUpper(t.Currency), TransferGroup: t.Group, Amount: t.Amount,
				AmountReversed: t.Reversed, Metadata: t.Metadata})
		}
	}
	return out
}

// payoutControls adds the control calls above:
//
//	POST /balance           {"account","currency","amount"} → {"account","available"} ("" = the platform)
//	POST /connect/onboard   {"account"}                     → {"event"}
//	POST /connect/restrict  {"account"}                     → {"event"} (external_account overdue)
//	GET  /transfers?account=acct_...                        → [Transfer]
func (s *Server) payoutControls(mux *http.ServeMux) {
	mux.HandleFunc("POST /balance", control(func(in controlRequest) (any, error) {
		if in.Account == "" {
			in.Account = s.platform.ID
		}
		if len(in.Currency) != 3 || in.Amount < 0 {
			return nil, fmt.Errorf("sandbox: a three-letter currency and an amount of at least 0 are needed")
		}
		s.SetBalance(in.Account, in.Currency, in.Amount)
		return map[string]any{"account": in.Account, "available": s.Balance(in.Account, in.Currency)}, nil
	}))
	updated := func(err error) (any, error) {
		if errors.Is(err, errNoExpress) {
			return nil, err
		}
		return map[string]string{"event": "account.updated"}, err
	}
	mux.HandleFunc("POST /connect/onboard", control(func(in controlRequest) (any, error) {
		return updated(s.CompleteOnboarding(in.Account))
	}))
	mux.HandleFunc("POST /connect/restrict", control(func(in controlRequest) (any, error) {
		return updated(s.RestrictAccount(in.Account, "external_account"))
	}))
	mux.HandleFunc("GET /transfers", func(w http.ResponseWriter, r *http.Request) {
		account := r.URL.Query().Get("account")
		if account == "" {
			account = s.platform.ID
		}
		writeJSON(w, http.StatusOK, s.Transfers(account))
	})
}
