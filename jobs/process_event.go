package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms"
)

// permanent marks err as not worth retrying: asynq archives the task at
// once and it shows as a dead letter. The message keeps asynq's
// SkipRetry text, so a dead letter's LastError says why it was not retried.
func permanent(err error) error {
	return fmt.Errorf("%w (%w)", err, asynq.SkipRetry)
}

// errNoParser is returned for an event of a platform the worker has no parser for.
var errNoParser = errors.New("jobs: no parser for platform")

// isPermanent reports whether retrying err cannot help: the payload is
// malformed, the engine refused it as invalid, or its platform is unknown.
func isPermanent(err error) bool {
	return errors.Is(err, platforms.ErrPayload) || errors.Is(err, models.ErrInvalid) ||
		errors.Is(err, errNoParser)
}

// processEvent handles TypeProcessEvent: it parses a stored webhook event
// and books its effects. An event already processed is a no-op; a failure
// is recorded on the event row and returned so that asynq retries it,
// unless it is permanent.
func (w *Worker) processEvent(ctx context.Context, t *asynq.Task) error {
	var p eventPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.EventID == 0 {
		return permanent(fmt.Errorf("jobs: bad event payload %q", t.Payload()))
	}
	if w.drain.settled(ctx, p.EventID) {
		return nil
	}
	ev, err := w.store.GetWebhookEvent(ctx, p.EventID)
	if errors.Is(err, models.ErrNotFound) {
		return permanent(fmt.Errorf("jobs: event %d: %w", p.EventID, err))
	}
	if err != nil {
		return fmt.Errorf("jobs: load event %d: %w", p.EventID, err)
	}
	if ev, err = w.takeOrAwait(ctx, ev); err != nil {
		return err
	}
	if ev.ProcessedAt != nil {
		return nil
	}
	marked, err := w.applyEvent(ctx, ev)
	if err != nil {
		return w.failEvent(ctx, ev, err)
	}
	if !marked {
		err = w.store.MarkEventProcessed(ctx, ev.ID)
	}
	if err != nil {
		return fmt.Errorf("jobs: mark event %d processed: %w", ev.ID, err)
	}
	attributionLag.Observe(time.Since(ev.ReceivedAt).Seconds())
	w.log.Debug("event processed", "event_id", ev.ID, "platform", ev.Platform, "topic", ev.Topic)
	return nil
}

// failEvent records err on the event row and returns the error asynq acts
// on. A permanent error, or the last retry failing, marks the event dead:
// it shows as failed, with its order, until an operator retries it.
func (w *Worker) failEvent(ctx context.Context, ev *models.WebhookEvent, err error) error {
	err = fmt.Errorf("jobs: event %d (%s %s): %w", ev.ID, ev.Platform, ev.Topic, err)
	retried, ok := asynq.GetRetryCount(ctx)
	maxRetry, okMax := asynq.GetMaxRetry(ctx)
	f := models.EventFailure{Cause: err, Dead: isPermanent(err) || (ok && okMax && retried >= maxRetry),
		OrderRef: w.orderRef(ev)}
	// The task's context may be the reason of the failure (timeout); the
	// error is recorded anyway.
	markCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if mErr := w.store.RecordEventFailure(markCtx, ev.ID, f); mErr != nil {
		w.log.Error("record event failure", "event_id", ev.ID, "error", mErr)
	}
	if isPermanent(err) {
		return permanent(err)
	}
	return err
}

// orderRef is the platform's id of the order a delivery concerns, "" when
// it cannot be read.
func (w *Worker) orderRef(ev *models.WebhookEvent) string {
	parser, ok := w.opts.Platforms[ev.Platform]
	if !ok {
		return ""
	}
	events, err := parser.ParseWebhook(ev.Topic, ev.Body)
	if err != nil {
		return ""
	}
	return orderRefOf(events)
}

// orderRefOf is the platform's id of the order parsed events concern.
func orderRefOf(events []platforms.Event) string {
	for _, e := range events {
		switch {
		case e.Order != nil:
			return e.Order.ExternalID
		case e.Refund != nil:
			return e.Refund.OrderExternalID
		}
	}
	return ""
}

// applyEvent parses a stored event with its platform's parser and books
// each normalised event it contains. marked is true when a delivery whose
// only event is a paid order was marked processed with its booking.
func (w *Worker) applyEvent(ctx context.Context, ev *models.WebhookEvent) (marked bool, err error) {
	parser, ok := w.opts.Platforms[ev.Platform]
	if !ok {
		return false, fmt.Errorf("%w %q", errNoParser, ev.Platform)
	}
	body, err := w.enrichBody(ctx, ev, parser)
	if err != nil {
		return false, err
	}
	events, err := parser.ParseWebhook(ev.Topic, body)
	if err != nil {
		w.noteOnConnection(ctx, ev, err)
		return false, fmt.Errorf("parse: %w", err)
	}
	if len(events) == 1 && events[0].Kind == platforms.KindOrderPaid && events[0].Order != nil {
		return w.bookOrderDelivery(ctx, ev, *events[0].Order)
	}
	if len(events) == 0 && catalogTopics[ev.Topic] {
		return false, w.catalogChanged(ctx, ev)
	}
	for i := range events {
		if err := w.dispatch(ctx, ev, &events[i]); err != nil {
			return false, err
		}
	}
	return false, nil
}

// dispatch books one normalised event.
func (w *Worker) dispatch(ctx context.Context, ev *models.WebhookEvent, e *platforms.Event) error {
	switch e.Kind {
	case platforms.KindOrderPaid:
		if e.Order == nil {
			return fmt.Errorf("%w: %s event without an order", platforms.ErrPayload, e.Kind)
		}
		return w.attributeOrder(ctx, ev, *e.Order)
	case platforms.KindOrderRefunded, platforms.KindOrderCancelled:
		if e.Refund == nil {
			return fmt.Errorf("%w: %s event without a refund", platforms.ErrPayload, e.Kind)
		}
		return w.reverseRefund(ctx, ev, *e.Refund)
	case platforms.KindRefundUndone:
		if e.Refund == nil {
			return fmt.Errorf("%w: %s event without a refund", platforms.ErrPayload, e.Kind)
		}
		return w.undoRefund(ctx, ev, *e.Refund)
	case platforms.KindCodeChanged:
		if e.Code == nil {
			return fmt.Errorf("%w: %s event without a code", platforms.ErrPayload, e.Kind)
		}
		return w.syncCode(ctx, ev, *e.Code)
	case platforms.KindSubscription:
		if e.Subscription == nil {
			return fmt.Errorf("%w: %s event without a subscription", platforms.ErrPayload, e.Kind)
		}
		return w.store.ApplySubscription(ctx, ev.ConnectionID, *e.Subscription)
	case platforms.KindAppUninstalled:
		return w.uninstall(ctx, ev)
	case platforms.KindPrivacy:
		if e.Privacy == nil {
			return fmt.Errorf("%w: %s event without a request", platforms.ErrPayload, e.Kind)
		}
		return w.privacy(ctx, ev, *e.Privacy)
	default:
		w.log.Info("event kind ignored", "event_id", ev.ID, "kind", e.Kind,
			"platform", ev.Platform, "topic", ev.Topic)
		return nil
	}
}
