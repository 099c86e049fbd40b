package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/models"
)

// manualInput is the body of CreateManualConversion.
type manualInput struct {
	AffiliateID uint64 `json:"affiliate_id"`
	OrderID     string `json:"order_id"`
	Subtotal    int64  `json:"subtotal"`
	Commission  *int64 `json:"commission"`
	Currency    string `json:"currency"`
	PlacedAt    string `json:"placed_at"` // YYYY-MM-DD or RFC 3339; today when empty
	Reason      string `json:"reason"`
	// IdempotencyKey is optional: a repeat with the same key returns the
	// first conversion (200) and books nothing.
	IdempotencyKey string `json:"idempotency_key"`
}

// CreateManualConversion adds an order by hand: {affiliate_id, order_id,
// subtotal (minor units), commission (minor units; omitted: the
// affiliate's rule), currency (default: the account's), placed_at,
// reason}. Its commission is booked and audited like an order's.
func (h *conversionHandlers) CreateManualConversion(c echo.Context) error {
	var in manualInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	placed, err := parseWhen("placed_at", in.PlacedAt)
	if err != nil {
		return err
	}
	conv, created, err := h.store.CreateManualConversion(c.Request().Context(), account(c).ID, models.ManualConversion{
		AffiliateID: in.AffiliateID, OrderRef: in.OrderID, Subtotal: in.Subtotal, Commission: in.Commission,
		Currency: in.Currency, PlacedAt: placed,
		HandChange: models.HandChange{Actor: actor(c), Reason: in.Reason, Key: in.IdempotencyKey}})
	if err != nil {
		return err
	}
	return c.JSON(createdStatus(created), conv)
}

// parseWhen reads a day or an RFC 3339 time; zero when empty.
func parseWhen(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, badRequest("%s must be a date like 2026-01-31, not %q", name, v)
	}
	return t, nil
}

// adjustmentInput is the body of CreateAdjustment.
type adjustmentInput struct {
	AffiliateID uint64 `json:"affiliate_id"`
	Amount      int64  `json:"amount"`
	Currency    string `json:"currency"`
	Reason      string `json:"reason"`
	// IdempotencyKey is optional: a repeat with the same key returns the
	// first adjustment (200) and books nothing.
	IdempotencyKey string `json:"idempotency_key"`
}

// CreateAdjustment adds a signed amount to an affiliate's payable balance
// by hand: {affiliate_id, amount (minor units, negative to deduct),
// currency (default: the account's), reason}. It is audited.
func (h *conversionHandlers) CreateAdjustment(c echo.Context) error {
	var in adjustmentInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	e, created, err := h.store.CreateAdjustment(c.Request().Context(), account(c).ID, models.Adjustment{
		AffiliateID: in.AffiliateID, Amount: in.Amount, Currency: in.Currency,
		HandChange: models.HandChange{Actor: actor(c), Reason: in.Reason, Key: in.IdempotencyKey}})
	if err != nil {
		return err
	}
	return c.JSON(createdStatus(created), e)
}

// createdStatus is 201 for a change just made, 200 for a repeat of one
// made before with the same idempotency key.
func createdStatus(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}
