package jobs

import (
	"context"
	"errors"
	"fmt"

	"codecredit/models"
	"codecredit/platforms"
)

// enrichBody gives a stored event's body to its adapter for what only the
// platform's API tells (platforms.Enricher), with the connection's
// credentials; the stored row is left as it came. Bodies of adapters that
// enrich nothing come back unchanged. Credentials the platform refuses
// mark the connection for reinstall, and the event fails where the
// merchant sees it.
func (w *Worker) enrichBody(ctx context.Context, ev *models.WebhookEvent, p platforms.Platform) ([]byte, error) {
	en, ok := p.(platforms.Enricher)
	if !ok || ev.ConnectionID == 0 || !platforms.NeedsEnriching(p, ev.Topic, ev.Body) {
		return ev.Body, nil
	}
	conn, err := w.store.GetConnection(ctx, ev.ConnectionID)
	if err != nil {
		return nil, fmt.Errorf("connection of the event: %w", err)
	}
	creds, err := w.store.ReadCredentials(conn)
	if err != nil {
		return nil, fmt.Errorf("credentials of connection %d: %w", conn.ID, err)
	}
	pc := &platforms.Conn{ExternalID: conn.ExternalID, Credentials: creds}
	body, err := en.EnrichWebhook(ctx, pc, ev.Topic, ev.Body)
	if errors.Is(err, platforms.ErrUnauthorized) {
		if mErr := w.refused(ctx, conn, err); mErr != nil {
			w.log.Error("mark connection for reinstall", "connection_id", conn.ID, "error", mErr)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read what the event leaves out from %s: %w", conn.Platform, err)
	}
	if err := w.saveIfChanged(ctx, conn.ID, pc); err != nil {
		return nil, err
	}
	return body, nil
}
