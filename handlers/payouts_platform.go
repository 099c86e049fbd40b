package handlers

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"codecredit/jobs"
	"codecredit/models"
)

// PlatformRunQueue queues the send of Stripe and store-credit payout runs;
// jobs.Client implements it. Without one, a run waits for the sweeper.
type PlatformRunQueue interface {
	EnqueueStripeSend(ctx context.Context, runID uint64) error
	EnqueueStoreCreditSend(ctx context.Context, runID uint64) error
}

// StoreCreditCustomers finds, by email on the merchant's Shopify store,
// the customers of the affiliates paid in store credit;
// jobs.StoreCreditSender implements it.
type StoreCreditCustomers interface {
	FindCustomers(ctx context.Context, accountID uint64, limit int) (int, error)
}

// maxCustomerLookups bounds the Shopify customer searches one run start makes.
const maxCustomerLookups = 200

// platformRunHandlers serve payout runs paid by Stripe Connect transfers
// and by Shopify store credit.
type platformRunHandlers struct {
	store     *models.Store
	queue     PlatformRunQueue     // nil: the sweeper queues the send
	customers StoreCreditCustomers // nil: only customers already known are paid
	log       *slog.Logger
}

// runKey is the body of a run start.
type runKey struct {
	IdempotencyKey string `json:"idempotency_key"`
}

// StartStripeRun pays by Stripe Connect transfer every affiliate whose
// payout method is Stripe Connect, whose Express account can receive, and
// whose approved balance reaches the minimum: {idempotency_key}. 201 with
// the run and who it left out (skipped, with the reason), stored before
// Stripe is called; the same key again is 200 with the same run. A store
// without a Stripe account connected by key is a 422.
func (h *platformRunHandlers) StartStripeRun(c echo.Context) error {
	var in runKey
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, _, err := jobs.StripePayer(ctx, h.store, account(c).ID); err != nil {
		return echo.NewHTTPError(http.StatusUnprocessableEntity,
			"connect your Stripe account with a restricted key (Accounts, Account Links and Transfers: write) to pay affiliates through Stripe Connect")
	}
	run, created, err := h.store.StartStripeRun(ctx, account(c).ID, in.IdempotencyKey)
	if err != nil {
		return err
	}
	return h.started(c, run, created, h.runQueue().EnqueueStripeSend)
}

// StartStoreCreditRun pays as Shopify store credit every affiliate whose
// payout method is store credit, who is a customer of the store (looked up
// by email now when not known yet), and whose approved balance reaches the
// minimum: {idempotency_key}. Answers as StartStripeRun; a store not
// connected with the store credit scopes is a 422.
func (h *platformRunHandlers) StartStoreCreditRun(c echo.Context) error {
	var in runKey
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, _, err := jobs.StoreCreditShop(ctx, h.store, account(c).ID); err != nil {
		return echo.NewHTTPError(http.StatusUnprocessableEntity,
			"connect your Shopify store and grant the store credit access (customers, store credit accounts) to pay affiliates in store credit")
	}
	if h.customers != nil {
		if _, err := h.customers.FindCustomers(ctx, account(c).ID, maxCustomerLookups); err != nil {
			h.log.WarnContext(ctx, "find store credit customers; those not found are skipped", "error", err)
		}
	}
	run, created, err := h.store.StartStoreCreditRun(ctx, account(c).ID, in.IdempotencyKey)
	if err != nil {
		return err
	}
	return h.started(c, run, created, h.runQueue().EnqueueStoreCreditSend)
}

// started queues the run's send and answers 201 (made now) or 200.
func (h *platformRunHandlers) started(c echo.Context, run *models.PlatformRun, created bool, enqueue func(context.Context, uint64) error) error {
	ctx := c.Request().Context()
	if err := enqueue(ctx, run.ID); err != nil {
		h.log.WarnContext(ctx, "queue payout run send; the sweeper will", "run_id", run.ID, "error", err)
	}
	if created {
		return c.JSON(http.StatusCreated, run)
	}
	return c.JSON(http.StatusOK, run)
}

// GetPlatformRun shows a run paid by method (models.MethodStripeConnect or
// models.MethodStoreCredit) with each payout's state (prepared, sent,
// paid, failed), the transfer or credit that paid it or the platform's
// reason, and who the run left out. A run paid otherwise is a 404.
func (h *platformRunHandlers) GetPlatformRun(method string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		v, err := h.store.GetPlatformRun(c.Request().Context(), account(c).ID, id)
		if err != nil {
			return err
		}
		if v.Method != method {
			return echo.NewHTTPError(http.StatusNotFound, "no "+method+" payout run with this id")
		}
		return c.JSON(http.StatusOK, v)
	}
}

// runQueue is the queue, or one that leaves the send to the sweeper.
func (h *platformRunHandlers) runQueue() PlatformRunQueue {
	if h.queue == nil {
		return noRunQueue{}
	}
	return h.queue
}

// noRunQueue queues nothing: the worker's sweeper finds the run.
type noRunQueue struct{}

func (noRunQueue) EnqueueStripeSend(context.Context, uint64) error      { return nil }
func (noRunQueue) EnqueueStoreCreditSend(context.Context, uint64) error { return nil }
