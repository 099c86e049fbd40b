package jobs

import (
	"context"
	"strconv"
	"time"

	"codecredit/models"
	"codecredit/platforms/paypal"
)

// follow reads the batch until every item is paid or failed, booking each
// item whose state changed since the last read.
func (p *PayPalSender) follow(ctx context.Context, client *paypal.Client, plan *models.SendPlan, batchID string) error {
	seen := map[uint64]paypal.ItemStatus{}
	for {
		var b paypal.Batch
		err := p.call(ctx, func(ctx context.Context) (err error) {
			b, err = client.GetBatch(ctx, batchID)
			return err
		})
		if err != nil {
			p.noteError(plan.RunID, err)
			return err
		}
		if err := p.book(ctx, plan, b, seen); err != nil {
			return err
		}
		if p.opts.Booked != nil {
			p.opts.Booked(ctx)
		}
		done, err := p.store.FinishPayPalSend(ctx, plan.RunID)
		if err != nil || done {
			return err
		}
		// Only recipients can settle what is left (UNCLAIMED, ONHOLD):
		// the batch is read again in an hour, not every few seconds for
		// up to 30 days.
		if resting, err := p.store.DeferPayPalSend(ctx, plan.RunID); err != nil || resting {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(p.opts.PollEvery):
		}
	}
}

// book applies the items of a batch read. A batch PayPal finished without
// items (denied, canceled) returns every payout to the balance.
func (p *PayPalSender) book(ctx context.Context, plan *models.SendPlan, b paypal.Batch, seen map[uint64]paypal.ItemStatus) error {
	if len(b.Items) == 0 && b.Status.Done() {
		for _, r := range plan.Recipients {
			u := models.PayoutItemUpdate{PayoutID: r.PayoutID, PlatformState: "BATCH_" + string(b.Status),
				Outcome: models.OutcomeNotPaid, Reason: "PayPal " + string(b.Status) + " the batch"}
			if _, err := p.store.ApplyPayoutItem(ctx, plan.AccountID, u); err != nil {
				return err
			}
		}
		return nil
	}
	var us []models.PayoutItemUpdate
	for _, it := range b.Items {
		if id, err := strconv.ParseUint(it.SenderItemID, 10, 64); err == nil && seen[id] != it.Status {
			us = append(us, ItemUpdate(it))
		}
	}
	for len(us) > 0 {
		chunk := us[:min(len(us), applyChunk)]
		if _, err := p.store.ApplyPayoutItems(ctx, plan.AccountID, chunk); err != nil {
			return err
		}
		for _, u := range chunk {
			seen[u.PayoutID] = paypal.ItemStatus(u.PlatformState)
		}
		us = us[len(chunk):]
	}
	return nil
}

// applyChunk is how many items are booked per transaction.
const applyChunk = 500

// ItemUpdate translates a PayPal item into what the ledger books.
func ItemUpdate(it paypal.Item) models.PayoutItemUpdate {
	id, _ := strconv.ParseUint(it.SenderItemID, 10, 64)
	u := models.PayoutItemUpdate{PayoutID: id, PlatformID: it.ID, PlatformState: string(it.Status), Outcome: models.OutcomeWaiting}
	switch it.Status.Outcome() {
	case paypal.OutcomePaid:
		u.Outcome = models.OutcomePaid
	case paypal.OutcomeNotPaid:
		u.Outcome = models.OutcomeNotPaid
	}
	if it.ErrorName != "" || it.ErrorMessage != "" {
		u.Reason = it.ErrorName
		if it.ErrorMessage != "" {
			u.Reason += ": " + it.ErrorMessage
		}
	}
	return u
}

// SweepPayPalSends queues again the send of every PayPal run not done (a
// lost enqueue, a task archived after an outage).
func (p *PayPalSender) SweepPayPalSends(ctx context.Context, c *Client) error {
	open, err := p.store.OpenPayPalSends(ctx, 500)
	if err != nil {
		return err
	}
	for _, s := range open {
		if err := c.EnqueuePayPalSend(ctx, s.RunID); err != nil {
			return err
		}
	}
	return nil
}
