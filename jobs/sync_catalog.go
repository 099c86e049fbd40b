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

// TypeSyncCatalog reads a connection's whole product catalog again and
// replaces the stored copy (products and their collections), so rules
// naming a collection see the store as it is.
const TypeSyncCatalog = "catalog:sync"

// catalogTopics are the deliveries after which a store's catalog is read
// again: Shopify's product and collection topics. Their bodies give no
// event (ParseWebhook returns none); the topic alone asks for the read.
var catalogTopics = map[string]bool{
	"collections/create": true, "collections/update": true, "collections/delete": true,
	"products/create": true, "products/update": true, "products/delete": true,
}

// catalogDelay lets a burst of product changes (a bulk edit sends one
// delivery per product) end in one read: the reads asked for while one
// is queued are the same read.
var catalogDelay = 30 * time.Second

// EnqueueCatalogSync queues a read of a connection's catalog. While one is
// queued, asking again is a no-op.
func (c *Client) EnqueueCatalogSync(ctx context.Context, connID uint64) error {
	return c.enqueueCatalogSync(ctx, connID, fmt.Sprintf("catalog:%d", connID), 0, 0)
}

func (c *Client) enqueueCatalogSync(ctx context.Context, connID uint64, taskID string, delay, retain time.Duration) error {
	payload, _ := json.Marshal(connectionPayload{ConnectionID: connID})
	opts := []asynq.Option{asynq.Queue(c.queue), asynq.TaskID(taskID), asynq.MaxRetry(10),
		asynq.Timeout(30 * time.Minute), asynq.ProcessIn(delay)}
	if retain > 0 {
		opts = append(opts, asynq.Retention(retain))
	}
	_, err := c.client.EnqueueContext(ctx, asynq.NewTask(TypeSyncCatalog, payload), opts...)
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("jobs: enqueue catalog sync of connection %d: %w", connID, err)
	}
	return nil
}

// catalogChanged queues the read a product or collection delivery asks
// for.
func (w *Worker) catalogChanged(ctx context.Context, ev *models.WebhookEvent) error {
	if _, ok := w.opts.Platforms[ev.Platform].(platforms.ProductLister); !ok {
		return nil
	}
	return w.client.enqueueCatalogSync(ctx, ev.ConnectionID, fmt.Sprintf("catalog:%d", ev.ConnectionID), catalogDelay, 0)
}

// syncCatalog handles TypeSyncCatalog: every page is read, then the
// catalog is saved whole. A connection gone, or a platform without a
// catalog, has nothing to read; a refusal (a scope the merchant did not
// grant) is noted on the connection and not retried.
func (w *Worker) syncCatalog(ctx context.Context, t *asynq.Task) error {
	var p connectionPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return permanent(fmt.Errorf("jobs: bad catalog payload %q", t.Payload()))
	}
	conn, err := w.store.GetConnection(ctx, p.ConnectionID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && conn.Status != models.ConnectionActive) {
		return nil
	}
	if err != nil {
		return err
	}
	lister, ok := w.opts.Platforms[conn.Platform].(platforms.ProductLister)
	if !ok {
		return nil
	}
	creds, err := w.store.ReadCredentials(conn)
	if err != nil {
		return err
	}
	pc := &platforms.Conn{ExternalID: conn.ExternalID, Credentials: creds}
	products, collections, err := w.readCatalog(ctx, lister, conn, pc)
	var rej *platforms.RejectedError
	switch {
	case errors.Is(err, platforms.ErrUnauthorized):
		return w.refused(ctx, conn, err)
	case errors.As(err, &rej):
		w.log.Warn("catalog not readable", "connection_id", conn.ID, "reason", rej.Reason)
		return w.store.NoteConnectionError(ctx, conn.ID, rej.Reason)
	case err != nil:
		return err
	}
	if err := w.store.SaveCatalog(ctx, conn.ID, products, collections, true); err != nil {
		return err
	}
	w.log.Info("catalog read", "connection_id", conn.ID, "products", len(products), "collections", len(collections))
	return nil
}

// readCatalog reads every page, waiting out rate limits.
func (w *Worker) readCatalog(ctx context.Context, lister platforms.ProductLister, conn *models.Connection, pc *platforms.Conn) ([]platforms.Product, []platforms.Collection, error) {
	var products []platforms.Product
	var collections []platforms.Collection
	for cursor := ""; ; {
		page, err := lister.ListProducts(ctx, pc, cursor)
		if saveErr := w.saveIfChanged(ctx, conn.ID, pc); saveErr != nil {
			return nil, nil, saveErr
		}
		var rl *platforms.RateLimitError
		if errors.As(err, &rl) {
			if err := waitRateLimit(ctx, rl); err != nil {
				return nil, nil, err
			}
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		products = append(products, page.Products...)
		collections = append(collections, page.Collections...)
		if page.Next == "" {
			return products, collections, nil
		}
		cursor = page.Next
	}
}

// sweepCatalogs queues, in the first sweep of each UTC day, a read of the
// catalog of every active connection whose platform has one, so a change
// whose delivery was lost is caught within a day. The task's id names the
// day and is kept a day, so sweeps of several workers queue it once.
func (w *Worker) sweepCatalogs(ctx context.Context) error {
	now := w.store.Now()
	if now.Sub(now.Truncate(24*time.Hour)) >= w.opts.SweepEvery {
		return nil
	}
	day := now.Format("2006-01-02")
	for name, p := range w.opts.Platforms {
		if _, ok := p.(platforms.ProductLister); !ok {
			continue
		}
		conns, err := w.store.ActiveConnections(ctx, name)
		if err != nil {
			return err
		}
		for _, c := range conns {
			if err := w.client.enqueueCatalogSync(ctx, c.ID, fmt.Sprintf("catalog:%d:%s", c.ID, day), 0, 25*time.Hour); err != nil {
				return err
			}
		}
	}
	return nil
}
