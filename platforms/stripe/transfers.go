package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// Transfers to Express accounts (https://docs.stripe.com/api/transfers),
// their reversals and the payer's balance. Every transfer carries the
// caller's Idempotency-Key (https://docs.stripe.com/api/idempotent_requests):
// sent again with the same key and parameters, Stripe answers what it
// answered the first time (the same transfer, or the same refusal) and
// moves no money twice; the same key with other parameters is
// ErrIdempotencyKeyReused. Stripe keeps a key for at least 24 hours, and a
// refusal is kept with it: after balance_insufficient, a later attempt
// (once the balance is topped up) needs a new key.

// Sentinels a *TransferRefusal matches (errors.Is).
var (
	// ErrBalanceInsufficient: the payer's available balance in that
	// currency cannot cover the transfer (balance_insufficient).
	ErrBalanceInsufficient = errors.New("stripe: insufficient available balance")
	// ErrDestinationUnusable: the destination cannot receive transfers (not
	// onboarded, restricted, or not the payer's account).
	ErrDestinationUnusable = errors.New("stripe: the destination account cannot receive transfers")
	// ErrIdempotencyKeyReused: the key was first used with other parameters.
	ErrIdempotencyKeyReused = errors.New("stripe: idempotency key used with other parameters")
)

// TransferRefusal is a transfer or reversal Stripe refused for good:
// retrying the same request will not change the answer. It unwraps to a
// *platforms.RejectedError with Stripe's message.
type TransferRefusal struct {
	Code   string // Stripe's error code, e.g. "balance_insufficient"
	Param  string // the parameter at fault, e.g. "destination"
	Type   string // Stripe's error type
	Reason string // Stripe's message
}

func (e *TransferRefusal) Error() string {
	return fmt.Sprintf("stripe: transfer refused (%s): %s", e.Code, e.Reason)
}

// Unwrap is the refusal as a platforms.RejectedError.
func (e *TransferRefusal) Unwrap() error { return &platforms.RejectedError{Reason: e.Reason} }

// Is matches the sentinels above.
func (e *TransferRefusal) Is(target error) bool {
	switch target {
	case ErrBalanceInsufficient:
		return e.Code == string(stripe.ErrorCodeBalanceInsufficient)
	case ErrDestinationUnusable:
		return e.Param == "destination"
	case ErrIdempotencyKeyReused:
		return e.Type == string(stripe.ErrorTypeIdempotency)
	}
	return false
}

// transferError is callError, except that a 400 or 404 Stripe answered
// (invalid request or idempotency error) is a *TransferRefusal.
func transferError(op string, err error) error {
	var se *stripe.Error
	if errors.As(err, &se) && (se.HTTPStatusCode == http.StatusBadRequest || se.HTTPStatusCode == http.StatusNotFound) &&
		(se.Type == stripe.ErrorTypeInvalidRequest || se.Type == stripe.ErrorTypeIdempotency) {
		return &TransferRefusal{Code: string(se.Code), Param: se.Param, Type: string(se.Type), Reason: message(se)}
	}
	return callError(op, err)
}

// NewTransfer is a payment to an Express account.
type NewTransfer struct {
	Amount         int64  // minor units of Currency, > 0
	Currency       string // ISO 4217
	Destination    string // the Express account, acct_...
	TransferGroup  string // e.g. the payout run, to find its transfers together
	Description    string
	Metadata       map[string]string
	IdempotencyKey string // required: stored before the call, reused on every retry of this payment
}

// Transfer is a transfer as Stripe reports it.
type Transfer struct {
	ID             string
	Amount         int64
	AmountReversed int64
	Currency       string // upper case
	Destination    string
	TransferGroup  string
	Reversed       bool // fully reversed
	Metadata       map[string]string
	Created        time.Time
	Replayed       bool // Stripe answered a repeated key with the first result
}

// CreateTransfer sends money from the payer's balance to an Express
// account. Refusals are *TransferRefusal (ErrBalanceInsufficient,
// ErrDestinationUnusable, ErrIdempotencyKeyReused); a 429 is a
// *platforms.RateLimitError; anything else (a timeout, a 5xx) leaves the
// outcome unknown: retry with the same key.
func (a *Adapter) CreateTransfer(ctx context.Context, payer *platforms.Conn, in NewTransfer) (Transfer, error) {
	if in.IdempotencyKey == "" {
		return Transfer{}, fmt.Errorf("stripe: a transfer needs an idempotency key")
	}
	if in.Amount <= 0 || len(in.Currency) != 3 || in.Destination == "" {
		return Transfer{}, &platforms.RejectedError{Reason: "a transfer needs a positive amount, a currency and a destination"}
	}
	sc, err := a.payer(payer)
	if err != nil {
		return Transfer{}, err
	}
	p := &stripe.TransferCreateParams{Amount: stripe.Int64(in.Amount), Currency: stripe.String(strings.ToLower(in.Currency)),
		Destination: stripe.String(in.Destination), Metadata: in.Metadata}
	if in.TransferGroup != "" {
		p.TransferGroup = stripe.String(in.TransferGroup)
	}
	if in.Description != "" {
		p.Description = stripe.String(in.Description)
	}
	p.SetIdempotencyKey(in.IdempotencyKey)
	t, err := sc.V1Transfers.Create(ctx, p)
	if err != nil {
		return Transfer{}, transferError("create transfer", err)
	}
	return transferOf(t), nil
}

// GetTransfer reads a transfer of the payer's, with what was reversed.
func (a *Adapter) GetTransfer(ctx context.Context, payer *platforms.Conn, id string) (Transfer, error) {
	sc, err := a.payer(payer)
	if err != nil {
		return Transfer{}, err
	}
	t, err := sc.V1Transfers.Retrieve(ctx, id, nil)
	if err != nil {
		return Transfer{}, callError("retrieve transfer", err)
	}
	return transferOf(t), nil
}

// Reversal is money taken back from an Express account.
type Reversal struct {
	ID, TransferID string
	Amount         int64
	Currency       string
	Created        time.Time
}

// ReverseTransfer takes amount (0: all not yet reversed) of a transfer
// back into the payer's balance, once per idempotency key. Refusals are
// *TransferRefusal.
func (a *Adapter) ReverseTransfer(ctx context.Context, payer *platforms.Conn, transferID string, amount int64, idempotencyKey string, metadata map[string]string) (Reversal, error) {
	if idempotencyKey == "" {
		return Reversal{}, fmt.Errorf("stripe: a reversal needs an idempotency key")
	}
	sc, err := a.payer(payer)
	if err != nil {
		return Reversal{}, err
	}
	p := &stripe.TransferReversalCreateParams{ID: stripe.String(transferID), Metadata: metadata}
	if amount > 0 {
		p.Amount = stripe.Int64(amount)
	}
	p.SetIdempotencyKey(idempotencyKey)
	r, err := sc.V1TransferReversals.Create(ctx, p)
	if err != nil {
		return Reversal{}, transferError("reverse transfer", err)
	}
	out := Reversal{ID: r.ID, Amount: r.Amount, Currency: strings.ToUpper(string(r.Currency)), Created: time.Unix(r.Created, 0).UTC()}
	if r.Transfer != nil {
		out.TransferID = r.Transfer.ID
	}
	return out, nil
}

// AvailableBalance is what the payer can transfer now in a currency
// (minor units).
func (a *Adapter) AvailableBalance(ctx context.Context, payer *platforms.Conn, currency string) (int64, error) {
	sc, err := a.payer(payer)
	if err != nil {
		return 0, err
	}
	b, err := sc.V1Balance.Retrieve(ctx, nil)
	if err != nil {
		return 0, callError("retrieve balance", err)
	}
	var total int64
	for _, amt := range b.Available {
		if strings.EqualFold(string(amt.Currency), currency) {
			total += amt.Amount
		}
	}
	return total, nil
}

func transferOf(t *stripe.Transfer) Transfer {
	out := Transfer{ID: t.ID, Amount: t.Amount, AmountReversed: t.AmountReversed, Currency: strings.ToUpper(string(t.Currency)),
		TransferGroup: t.TransferGroup, Reversed: t.Reversed, Metadata: t.Metadata, Created: time.Unix(t.Created, 0).UTC()}
	if t.Destination != nil {
		out.Destination = t.Destination.ID
	}
	if t.LastResponse != nil && t.LastResponse.Header.Get("Idempotent-Replayed") == "true" {
		out.Replayed = true
	}
	return out
}
