package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
)

// TypeStoreCreditSend pays a store-credit run: one Shopify store credit
// per payout.
const TypeStoreCreditSend = "payout:store_credit_send"

// ShopifyStoreCredit is the part of the Shopify adapter a send uses.
type ShopifyStoreCredit interface {
	CustomerByEmail(ctx context.Context, c *platforms.Conn, email string) (shopify.Customer, error)
	CreditStoreCredit(ctx context.Context, c *platforms.Conn, ownerID string, amount int64, currency string, expiresAt time.Time) (shopify.StoreCredit, error)
	StoreCreditCredits(ctx context.Context, c *platforms.Conn, customerID, currency string, since time.Time) ([]shopify.StoreCredit, error)
}

// StoreCreditSender pays store-credit runs and finds the affiliates'
// Shopify customers.
type StoreCreditSender struct {
	store   *models.Store
	shopify ShopifyStoreCredit
	opts    PlatformSendOptions
}

// NewStoreCreditSender returns a sender over store calling sh.
func NewStoreCreditSender(store *models.Store, sh ShopifyStoreCredit, opts PlatformSendOptions) *StoreCreditSender {
	return &StoreCreditSender{store: store, shopify: sh, opts: opts.withDefaults()}
}

// Process runs a TypeStoreCreditSend task.
func (p *StoreCreditSender) Process(ctx context.Context, t *asynq.Task) error {
	runID, err := runOf(t)
	if err != nil {
		return err
	}
	return p.Send(ctx, runID)
}

// Send credits every payout of run runID not yet paid or failed. Shopify
// takes no idempotency key for store credit, so a payout whose earlier
// call has no known answer (lost, or the worker stopped before booking
// it) is first looked for among the customer's credits made since that
// call began: a credit of its amount that pays no other payout is it, and
// is booked instead of crediting again. A refusal (an unknown customer, a
// currency the shop does not take) fails the payout with Shopify's reason
// and puts the money back in the balance. It returns an error while a
// payout's outcome is unknown, so the task is tried again.
func (p *StoreCreditSender) Send(ctx context.Context, runID uint64) error {
	return sendRun(ctx, p.store, p.opts.Logger, "store credit send", runID, StoreCreditShop, p.sendOne)
}

// sendOne finds or makes the credit of one payout and books it.
func (p *StoreCreditSender) sendOne(ctx context.Context, conn *platforms.Conn, it models.PlatformSendItem) error {
	if it.AttemptedAt != nil {
		if p.store.Now().Sub(*it.AttemptedAt) < p.opts.Lease {
			return fmt.Errorf("a credit began at %s with no answer yet; it is looked for once %s have passed", it.AttemptedAt.Format(time.RFC3339), p.opts.Lease)
		}
		found, err := p.findCredit(ctx, conn, it)
		if err != nil || found != nil {
			if found != nil {
				return p.book(ctx, it, *found, nil)
			}
			return err
		}
	}
	if _, err := p.store.BeginPlatformAttempt(ctx, it.PayoutID, it.Attempts); err != nil {
		return err
	}
	var cr shopify.StoreCredit
	err := withTries(ctx, p.opts.CallTries, func(ctx context.Context) (err error) {
		cr, err = p.shopify.CreditStoreCredit(ctx, conn, it.Destination, it.Amount, it.Currency, time.Time{})
		return err
	})
	var refused *shopify.StoreCreditRefusal
	switch {
	case err == nil:
		return p.book(ctx, it, cr, nil)
	case errors.As(err, &refused):
		return p.book(ctx, it, cr, refused)
	case errors.Is(err, shopify.ErrStoreCreditScope):
		return p.book(ctx, it, cr, &shopify.StoreCreditRefusal{Code: "ACCESS_DENIED", Reason: err.Error()})
	}
	return err // unknown: the next try looks for the credit before crediting again
}

// clockSkew is how far Shopify's clock may be behind ours: a credit is
// looked for from that long before its call began.
const clockSkew = 2 * time.Minute

// findCredit looks for the payout's credit among the customer's credits
// made since its last call began (less clockSkew) that pay no other
// payout; nil when there is none.
func (p *StoreCreditSender) findCredit(ctx context.Context, conn *platforms.Conn, it models.PlatformSendItem) (*shopify.StoreCredit, error) {
	var credits []shopify.StoreCredit
	err := withTries(ctx, p.opts.CallTries, func(ctx context.Context) (err error) {
		credits, err = p.shopify.StoreCreditCredits(ctx, conn, it.Destination, it.Currency, it.AttemptedAt.Add(-clockSkew))
		return err
	})
	if errors.Is(err, shopify.ErrCustomerNotFound) {
		return nil, nil // no such customer: no credit was made
	}
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(credits))
	for _, c := range credits {
		ids = append(ids, c.TransactionID)
	}
	booked, err := p.store.PlatformIDsBooked(ctx, it.AccountID, ids)
	if err != nil {
		return nil, err
	}
	for i := len(credits) - 1; i >= 0; i-- { // oldest first
		if c := credits[i]; c.Amount == it.Amount && !booked[c.TransactionID] {
			return &c, nil
		}
	}
	return nil, nil
}

// book applies a credit made, or a refusal, to the payout.
func (p *StoreCreditSender) book(ctx context.Context, it models.PlatformSendItem, cr shopify.StoreCredit, refused *shopify.StoreCreditRefusal) error {
	u := models.PayoutItemUpdate{PayoutID: it.PayoutID, Platform: "Shopify", Outcome: models.OutcomePaid,
		PlatformID: cr.TransactionID, PlatformState: "paid"}
	if refused != nil {
		u.Outcome, u.PlatformID, u.PlatformState, u.Reason = models.OutcomeNotPaid, "", refused.Code, refused.Reason
		if errors.Is(refused, shopify.ErrCustomerNotFound) {
			u.Reason = "the customer credited is not on the Shopify store (deleted or merged?): " + refused.Reason
		}
	}
	_, err := p.store.ApplyPayoutItem(ctx, it.AccountID, u)
	return err
}

// FindCustomers looks up, by email on the shop, the Shopify customer of
// each of the account's affiliates paid in store credit whose customer is
// not known yet (at most limit), and records those found. It returns how
// many it found; an affiliate with no customer stays unknown, and a run
// lists them as skipped.
func (p *StoreCreditSender) FindCustomers(ctx context.Context, accountID uint64, limit int) (int, error) {
	todo, err := p.store.StoreCreditLookups(ctx, accountID, limit)
	if err != nil || len(todo) == 0 {
		return 0, err
	}
	conn, connID, err := StoreCreditShop(ctx, p.store, accountID)
	if err != nil {
		return 0, err
	}
	found := 0
	for _, l := range todo {
		var c shopify.Customer
		err := withTries(ctx, p.opts.CallTries, func(ctx context.Context) (err error) {
			c, err = p.shopify.CustomerByEmail(ctx, conn, l.Email)
			return err
		})
		if errors.Is(err, shopify.ErrCustomerNotFound) {
			continue
		}
		if err != nil {
			return found, err
		}
		if err := p.store.SaveStoreCreditCustomer(ctx, accountID, l.AffiliateID, l.Email, c.ID); err != nil {
			return found, err
		}
		found++
	}
	if conn.Changed {
		return found, p.store.SaveCredentials(ctx, connID, conn.Credentials)
	}
	return found, nil
}

// ErrNoStoreCreditShop is StoreCreditShop's error when the account has no
// active Shopify connection that granted the store credit scopes.
var ErrNoStoreCreditShop = errors.New("jobs: no Shopify store connected with the store credit scopes")

// StoreCreditShop is the account's active Shopify connection that granted
// the store credit scopes, and its id.
func StoreCreditShop(ctx context.Context, store *models.Store, accountID uint64) (*platforms.Conn, uint64, error) {
	return activeConn(ctx, store, accountID, platforms.Shopify, func(creds map[string]string) error {
		if !shopify.HasStoreCreditScopes(&platforms.Conn{Credentials: creds}) {
			return fmt.Errorf("%w: grant %v", ErrNoStoreCreditShop, shopify.StoreCreditScopes)
		}
		return nil
	})
}

// SweepStoreCreditSends queues again the send of every store-credit run
// not settled.
func (p *StoreCreditSender) SweepStoreCreditSends(ctx context.Context, c *Client) error {
	return sweepRuns(ctx, p.store, models.PayoutStoreCredit, c.EnqueueStoreCreditSend)
}
