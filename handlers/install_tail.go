package handlers

import (
	"context"
	"log/slog"

	"codecredit/models"
	"codecredit/platforms"
)

// installer ends every install and connect flow the same way: install
// the connection, register its webhooks, save the credentials that
// registering changed, and queue the import of its discount codes.
type installer struct {
	store *models.Store
	jobs  JobQueue
	log   *slog.Logger
}

// newInstaller finishes installs on store and queues their imports on
// jobs (nil: imports are then started from the admin); log nil means
// slog.Default().
func newInstaller(store *models.Store, jobs JobQueue, log *slog.Logger) installer {
	if log == nil {
		log = slog.Default()
	}
	return installer{store: store, jobs: jobs, log: log}
}

// installation is one install to finish.
type installation struct {
	models.Install
	// webhooks registers the connection's webhooks with pc's credentials;
	// nil when the flow had them registered before.
	webhooks func(ctx context.Context, pc *platforms.Conn) error
	// pc is the platform's view of the connection: the credentials webhooks
	// renews (setting pc.Changed) are saved.
	pc *platforms.Conn
}

// finish installs the connection (installing again reuses it and
// replaces its credentials), registers the webhooks, saves credentials
// they renewed (even when registering then failed) and queues the
// import. A failed enqueue is only logged: the admin starts it again.
func (h installer) finish(ctx context.Context, in installation) (*models.Connection, error) {
	conn, err := h.store.InstallConnection(ctx, in.Install)
	if err != nil {
		return nil, err
	}
	if in.webhooks != nil {
		in.pc.Changed = false
		err := in.webhooks(ctx, in.pc)
		if in.pc.Changed {
			if serr := h.store.SaveCredentials(ctx, conn.ID, in.pc.Credentials); serr != nil {
				return nil, serr
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if h.jobs != nil {
		if err := h.jobs.EnqueueImport(ctx, conn.ID); err != nil {
			h.log.WarnContext(ctx, "enqueue code import; start it again from the admin", "connection_id", conn.ID, "error", err)
		}
		if err := h.jobs.EnqueueCatalogSync(ctx, conn.ID); err != nil {
			h.log.WarnContext(ctx, "enqueue catalog read; the daily read will catch up", "connection_id", conn.ID, "error", err)
		}
	}
	return conn, nil
}
