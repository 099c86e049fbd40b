package jobs

import (
	"context"
	"errors"
	"fmt"

	"codecredit/models"
	"codecredit/platforms"
)

// DiscountReader is implemented by adapters whose discount webhooks name a
// discount without its codes (Shopify): the codes are read back from the
// platform.
type DiscountReader interface {
	DiscountCodes(ctx context.Context, c *platforms.Conn, discountID string) ([]platforms.DiscountCode, error)
}

// syncCode applies a discount created, changed or deleted on the platform.
func (w *Worker) syncCode(ctx context.Context, ev *models.WebhookEvent, ch platforms.CodeChange) error {
	conn, err := w.store.GetConnection(ctx, ev.ConnectionID)
	if err != nil {
		return err
	}
	if ch.Deleted || ch.Code != "" {
		return w.store.ApplyCodeChange(ctx, conn, ch)
	}
	reader, ok := w.opts.Platforms[conn.Platform].(DiscountReader)
	if !ok || conn.Status != models.ConnectionActive {
		return nil
	}
	_, pc, err := w.catalogFor(conn)
	if err != nil {
		return err
	}
	codes, err := reader.DiscountCodes(ctx, pc, ch.PlatformID)
	if saveErr := w.saveIfChanged(ctx, conn.ID, pc); saveErr != nil {
		return saveErr
	}
	if errors.Is(err, platforms.ErrUnauthorized) {
		return w.refused(ctx, conn, err)
	}
	if err != nil {
		return fmt.Errorf("read discount %s: %w", ch.PlatformID, err)
	}
	_, err = w.store.UpsertPlatformCodes(ctx, conn, codes)
	return err
}

// uninstall forgets a connection's credentials when the merchant removes
// the app; its jobs stop, its history stays.
func (w *Worker) uninstall(ctx context.Context, ev *models.WebhookEvent) error {
	w.log.Info("connection uninstalled", "connection_id", ev.ConnectionID, "platform", ev.Platform)
	return w.store.UninstallConnection(ctx, ev.ConnectionID)
}

// privacy carries out a customer data request or an erasure.
func (w *Worker) privacy(ctx context.Context, ev *models.WebhookEvent, pr platforms.PrivacyRequest) error {
	switch pr.Action {
	case "data_request":
		dr, err := w.store.RecordDataRequest(ctx, ev.ConnectionID, pr.CustomerEmail, pr.CustomerID, pr.OrderIDs)
		if err == nil {
			w.log.Info("customer data export prepared", "connection_id", ev.ConnectionID, "data_request_id", dr.ID)
		}
		return err
	case "customer_redact":
		n, err := w.store.RedactCustomer(ctx, ev.ConnectionID, pr.CustomerEmail, pr.CustomerID, pr.OrderIDs)
		if err == nil {
			w.log.Info("customer redacted", "connection_id", ev.ConnectionID, "conversions", n)
		}
		return err
	case "shop_redact":
		err := w.store.RedactShop(ctx, ev.ConnectionID)
		if errors.Is(err, models.ErrNotFound) {
			return nil // already erased
		}
		return err
	}
	return fmt.Errorf("%w: unknown privacy action %q", platforms.ErrPayload, pr.Action)
}
