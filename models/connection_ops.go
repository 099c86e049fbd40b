package models

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Install describes a platform connection being installed or connected.
// AccountID 0 makes the merchant account from ShopName, Email and Currency
// (a Shopify install: the shop is the merchant), or reuses the account the
// connection already belongs to. ShopName also names the connection.
type Install struct {
	AccountID   uint64
	Platform    string
	ExternalID  string
	Credentials Credentials
	Currency    string
	ShopName    string
	Email       string
}

// InstallConnection creates the connection or reactivates it with new
// credentials, so installing again is safe. A connection belongs to one
// account for good: connecting it from another account is ErrConflict.
func (s *Store) InstallConnection(ctx context.Context, in Install) (*Connection, error) {
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	if in.Platform == "" || in.ExternalID == "" {
		return nil, wrapErr("install connection", invalidf("a connection needs a platform and an id on it"))
	}
	var conn Connection
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockKey(tx, "connection", in.Platform, in.ExternalID); err != nil {
			return err
		}
		err := tx.Where("platform = ? AND external_id = ?", in.Platform, in.ExternalID).Take(&conn).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			return s.createConnection(tx, &conn, in)
		case err != nil:
			return err
		case in.AccountID != 0 && conn.AccountID != in.AccountID:
			return conflictf("this %s store is already connected to another Codecredit account", in.Platform)
		}
		return s.reactivate(tx, &conn, in)
	})
	if err != nil {
		return nil, wrapErr("install connection", err)
	}
	return &conn, nil
}

func (s *Store) createConnection(tx *gorm.DB, conn *Connection, in Install) error {
	accountID := in.AccountID
	currency := strings.ToUpper(in.Currency)
	if accountID == 0 {
		name := in.ShopName
		if name == "" {
			name = in.ExternalID
		}
		if currency == "" {
			currency = "USD"
		}
		a := Account{Name: name, Email: in.Email, Currency: currency, NamingRule: DefaultNamingRule}
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		rule := DefaultCommissionRule(a.ID, currency)
		if err := tx.Create(&rule).Error; err != nil {
			return err
		}
		accountID = a.ID
	}
	*conn = Connection{AccountID: accountID, Platform: in.Platform, ExternalID: in.ExternalID, Name: in.ShopName,
		Status: ConnectionActive, Currency: currency, InstalledAt: s.now()}
	if err := s.SetCredentials(conn, in.Credentials); err != nil {
		return err
	}
	return tx.Create(conn).Error
}

func (s *Store) reactivate(tx *gorm.DB, conn *Connection, in Install) error {
	if err := s.SetCredentials(conn, in.Credentials); err != nil {
		return err
	}
	updates := map[string]any{"status": ConnectionActive, "credentials": conn.Credentials,
		"uninstalled_at": nil, "installed_at": s.now()}
	if in.Currency != "" {
		updates["currency"] = strings.ToUpper(in.Currency)
	}
	if in.ShopName != "" {
		updates["name"] = in.ShopName
	}
	if err := tx.Model(&Connection{}).Where("id = ?", conn.ID).Updates(updates).Error; err != nil {
		return err
	}
	return tx.Take(conn, conn.ID).Error
}

// ConnectionBySource finds a connection by its platform and id there.
func (s *Store) ConnectionBySource(ctx context.Context, platform, externalID string) (*Connection, error) {
	var c Connection
	err := first(s.db.WithContext(ctx), &c, platform+" connection", "platform = ? AND external_id = ?", platform, externalID)
	if err != nil {
		return nil, wrapErr("connection by source", err)
	}
	return &c, nil
}

// ListConnections lists an account's connections.
func (s *Store) ListConnections(ctx context.Context, accountID uint64) ([]Connection, error) {
	var out []Connection
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("id").Find(&out).Error
	return out, wrapErr("list connections", err)
}

// ActiveConnections lists every active connection of a platform.
func (s *Store) ActiveConnections(ctx context.Context, platform string) ([]Connection, error) {
	var out []Connection
	err := s.db.WithContext(ctx).Where("platform = ? AND status = ?", platform, ConnectionActive).Order("id").Find(&out).Error
	return out, wrapErr("active connections", err)
}

// SaveCredentials replaces a connection's credentials (e.g. a refreshed token).
func (s *Store) SaveCredentials(ctx context.Context, connID uint64, creds Credentials) error {
	var c Connection
	if err := s.SetCredentials(&c, creds); err != nil {
		return wrapErr("save credentials", err)
	}
	return wrapErr("save credentials", s.db.WithContext(ctx).Model(&Connection{}).Where("id = ?", connID).Update("credentials", c.Credentials).Error)
}

// UninstallConnection deletes a connection's credentials and marks it
// uninstalled: its jobs stop, its history stays.
func (s *Store) UninstallConnection(ctx context.Context, connID uint64) error {
	return wrapErr("uninstall connection", s.db.WithContext(ctx).Model(&Connection{}).Where("id = ?", connID).Updates(map[string]any{
		"status": ConnectionUninstalled, "credentials": nil, "uninstalled_at": s.now()}).Error)
}

// MarkNeedsReinstall records that the platform refused the connection's
// credentials, with the reason, so the admin can ask for a new install.
func (s *Store) MarkNeedsReinstall(ctx context.Context, connID uint64, reason string) error {
	return wrapErr("mark needs reinstall", s.db.WithContext(ctx).Model(&Connection{}).Where("id = ? AND status = ?", connID, ConnectionActive).
		Updates(map[string]any{"status": ConnectionNeedsReinstall, "last_error": reason}).Error)
}

// Import states shown as the admin's progress bar.
const (
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// SetImportProgress checkpoints a code import: the cursor to resume from,
// how far it got (done of total; total -1 when the platform does not say)
// and its state. Progress made (a state other than failed) clears the
// error of an earlier failed attempt. The first checkpoint of a fresh
// import (after none, or after a finished one) times its start, the last
// one its end.
func (s *Store) SetImportProgress(ctx context.Context, connID uint64, cursor string, done, total int, state string) error {
	now := s.now()
	updates := map[string]any{"import_cursor": cursor, "import_done": done, "import_total": total, "import_state": state,
		"import_started_at": gorm.Expr("CASE WHEN import_state IN (?, ?) OR import_started_at IS NULL THEN ? ELSE import_started_at END",
			"", ImportDone, now)}
	if state != ImportFailed {
		updates["last_error"] = ""
	}
	if state == ImportDone {
		updates["import_finished_at"] = now
	}
	return wrapErr("set import progress", s.db.WithContext(ctx).Model(&Connection{}).Where("id = ?", connID).Updates(updates).Error)
}

// MarkImportFailed records a failed import attempt and its error on an
// active connection (import_state failed, last_error), keeping the
// checkpoint the retry resumes from; the next page imported clears it.
func (s *Store) MarkImportFailed(ctx context.Context, connID uint64, cause error) error {
	return wrapErr("mark import failed", s.db.WithContext(ctx).Model(&Connection{}).Where("id = ? AND status = ?", connID, ConnectionActive).
		Updates(map[string]any{"import_state": ImportFailed, "last_error": truncateError(cause)}).Error)
}

// maxErrorLen is how much of an error's text a row keeps (last_error of
// connections, webhook events and emails): enough for a platform's or a
// mail server's whole answer, short enough to list.
const maxErrorLen = 2000

// truncateError is an error's text, cut to maxErrorLen bytes on a
// character boundary.
func truncateError(err error) string { return truncateText(err.Error()) }

// truncateText cuts s to maxErrorLen bytes without splitting a character.
func truncateText(s string) string {
	if len(s) <= maxErrorLen {
		return s
	}
	cut := maxErrorLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
