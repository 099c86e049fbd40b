// The email outbox: every email is a row written in the transaction of
// what caused it, then sent by the send job; the admin lists, reads and
// resends them. writeEmail is the one place a row is written.

package models

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/models/emailtmpl"
)

// EmailStatus is where an outbox email stands (OutboxEmail.Status).
type EmailStatus string

// Outbox email statuses. An email is written as queued, then the send job
// moves it to sent, or back to queued after a failed try, or to failed
// once it gives up. With no SMTP server configured it is held: kept for
// the admin to read and resend.
const (
	EmailQueued  EmailStatus = "queued"  // waiting for the send job
	EmailSending EmailStatus = "sending" // a worker is sending it (until its lease ends)
	EmailSent    EmailStatus = "sent"    // the mail server took it
	EmailFailed  EmailStatus = "failed"  // the send job gave up; LastError says why
	EmailHeld    EmailStatus = "held"    // no mail server configured: kept for the admin
)

// OutboxEmail is one email to an affiliate, written before it is sent.
// DedupKey makes each email happen at most once per account: one per
// affiliate per assignment call, per refund, per summary period.
type OutboxEmail struct {
	ID          uint64      `gorm:"primaryKey" json:"id"`
	AccountID   uint64      `gorm:"not null;uniqueIndex:idx_outbox_dedup;index:idx_outbox_account" json:"account_id"`
	AffiliateID *uint64     `gorm:"index" json:"affiliate_id,omitempty"`
	Kind        string      `gorm:"size:32;not null" json:"kind"`
	To          string      `gorm:"column:to_address;not null" json:"to"`
	ToName      string      `json:"to_name,omitempty"`
	FromName    string      `json:"from_name,omitempty"`
	ReplyTo     string      `json:"reply_to,omitempty"`
	Subject     string      `gorm:"not null" json:"subject"`
	HTML        string      `gorm:"not null" json:"html"`
	Text        string      `gorm:"not null" json:"text"`
	Status      EmailStatus `gorm:"size:16;not null;index:idx_outbox_status" json:"status"`
	Attempts    int         `gorm:"not null;default:0" json:"attempts"`
	LastError   string      `json:"last_error,omitempty"`
	// Commission is the commission a code-assignment email stated, in
	// words, when its template showed it; empty otherwise.
	Commission  string     `json:"commission,omitempty"`
	DedupKey    string     `gorm:"size:200;not null;uniqueIndex:idx_outbox_dedup" json:"-"`
	LockedUntil *time.Time `json:"-"`
	SentAt      *time.Time `json:"sent_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `gorm:"index:idx_outbox_status" json:"updated_at"`
}

// EmailTemplate is a merchant's own template for one kind of email; a
// kind without a row uses the built-in one. Body holds a template with
// merge tags (subject and body); a row saved before merge tags existed
// has an empty Body and Go templates in Subject, HTML and Text, which
// still render as they did until the merchant saves a new one.
type EmailTemplate struct {
	ID        uint64    `gorm:"primaryKey" json:"-"`
	AccountID uint64    `gorm:"not null;uniqueIndex:idx_email_template" json:"-"`
	Kind      string    `gorm:"size:32;not null;uniqueIndex:idx_email_template" json:"kind"`
	Subject   string    `gorm:"not null" json:"subject"`
	Body      string    `gorm:"not null;default:''" json:"body"`
	HTML      string    `gorm:"not null" json:"-"`
	Text      string    `gorm:"not null" json:"-"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EmailModels lists the tables of the outbox and of signing in by email:
// the affiliate portal's links and sessions, the merchants' sessions.
func EmailModels() []any {
	return []any{&OutboxEmail{}, &EmailTemplate{}, &EmailSettings{}, &PortalToken{}, &PortalSession{}, &MerchantSession{}}
}

// newEmail is an email about to be written to the outbox.
type newEmail struct {
	account  *Account
	to       *Affiliate
	kind     string
	dedupKey string
	data     any
}

// writeEmail renders e with the account's template and writes it as
// queued. It returns the new id, or 0 when its dedup key was already used.
// A merchant's template that fails on this data falls back to the
// built-in one, and the email says so in LastError.
func writeEmail(tx *gorm.DB, e newEmail) (uint64, error) {
	tpl, err := templateSource(tx, e.account.ID, e.kind)
	if err != nil {
		return 0, err
	}
	set, err := emailSettings(tx, e.account.ID)
	if err != nil {
		return 0, err
	}
	msg, err := tpl.render(e.kind, e.data)
	note := ""
	if err != nil && tpl.custom {
		note = "the shop's template failed (" + err.Error() + "); sent with the built-in one"
		msg, err = builtIn(e.kind).render(e.kind, e.data)
	}
	if err != nil {
		return 0, fmt.Errorf("models: render %s email: %w", e.kind, err)
	}
	row := OutboxEmail{AccountID: e.account.ID, AffiliateID: &e.to.ID, Kind: e.kind, To: e.to.Email,
		ToName: e.to.Name, FromName: programName(e.account, set), ReplyTo: replyTo(e.account, set), Subject: msg.Subject,
		HTML: msg.HTML, Text: msg.Text, Status: EmailQueued, LastError: note, DedupKey: e.dedupKey}
	if a, ok := e.data.(emailtmpl.Assignment); ok && a.Commission != "" && strings.Contains(msg.Text, a.Commission) {
		row.Commission = a.Commission
	}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil || res.RowsAffected == 0 {
		return 0, res.Error
	}
	return row.ID, nil
}

// replyTo is the branding's reply-to address, or the merchant's
// address, so affiliates' replies reach them.
func replyTo(a *Account, set *EmailSettings) string {
	if set.ReplyTo != "" {
		return set.ReplyTo
	}
	if addr, err := mail.ParseAddress(a.Email); err == nil {
		return addr.Address
	}
	return ""
}

// EmailFilter narrows ListEmails.
type EmailFilter struct {
	Status      EmailStatus
	Kind        string
	AffiliateID uint64
	Page        int // 1-based
	PerPage     int
}

// ListEmails lists an account's outbox, newest first, with the total count
// of those matching.
func (s *Store) ListEmails(ctx context.Context, accountID uint64, f EmailFilter) ([]OutboxEmail, int64, error) {
	q := s.db.WithContext(ctx).Model(&OutboxEmail{}).Where("account_id = ?", accountID)
	if f.Status != "" {
		if !slices.Contains([]EmailStatus{EmailQueued, EmailSending, EmailSent, EmailFailed, EmailHeld}, f.Status) {
			return nil, 0, wrapErr("list emails", invalidf("status must be one of queued, sending, sent, failed, held"))
		}
		q = q.Where("status = ?", f.Status)
	}
	if f.Kind != "" {
		if !emailtmpl.Valid(f.Kind) {
			return nil, 0, wrapErr("list emails", invalidf("kind must be one of %s", strings.Join(emailtmpl.Kinds, ", ")))
		}
		q = q.Where("kind = ?", f.Kind)
	}
	if f.AffiliateID != 0 {
		q = q.Where("affiliate_id = ?", f.AffiliateID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, wrapErr("list emails", err)
	}
	_, per, offset := listWindow(f.Page, f.PerPage)
	out := []OutboxEmail{}
	err := q.Order("id DESC").Offset(offset).Limit(per).Find(&out).Error
	return out, total, wrapErr("list emails", err)
}

// GetEmail loads one email of the account's outbox.
func (s *Store) GetEmail(ctx context.Context, accountID, id uint64) (*OutboxEmail, error) {
	var e OutboxEmail
	if err := first(s.db.WithContext(ctx), &e, "email", "id = ? AND account_id = ?", id, accountID); err != nil {
		return nil, wrapErr("get email", err)
	}
	return &e, nil
}

// ResendEmail queues an email again, with a fresh count of attempts: a
// failed or held one, or a sent one the merchant wants sent again. An
// email being sent right now is ErrConflict. The caller enqueues it.
func (s *Store) ResendEmail(ctx context.Context, accountID, id uint64) (*OutboxEmail, error) {
	var e OutboxEmail
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx), &e, "email", "id = ? AND account_id = ?", id, accountID); err != nil {
			return err
		}
		if e.Status == EmailSending && e.LockedUntil != nil && e.LockedUntil.After(s.now()) {
			return conflictf("email %d is being sent right now", e.ID)
		}
		return tx.Model(&e).Updates(map[string]any{"status": EmailQueued, "attempts": 0, "last_error": "",
			"locked_until": nil, "updated_at": s.now()}).Error
	})
	if err != nil {
		return nil, wrapErr("resend email", err)
	}
	return &e, nil
}

// ClaimEmail takes a queued email (or one whose sender's lease ran out)
// for sending: it becomes sending for lease and counts one more attempt.
// It returns nil when there is nothing to send: sent, failed, held, gone,
// or held by another worker.
func (s *Store) ClaimEmail(ctx context.Context, id uint64, lease time.Duration) (*OutboxEmail, error) {
	now := s.now()
	res := s.db.WithContext(ctx).Model(&OutboxEmail{}).
		Where("id = ? AND (status = ? OR (status = ? AND locked_until < ?))", id, EmailQueued, EmailSending, now).
		Updates(map[string]any{"status": EmailSending, "attempts": gorm.Expr("attempts + 1"),
			"locked_until": now.Add(lease), "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, wrapErr("claim email", res.Error)
	}
	var e OutboxEmail
	if err := first(s.db.WithContext(ctx), &e, "email", id); err != nil {
		return nil, wrapErr("claim email", err)
	}
	return &e, nil
}

// HoldEmail keeps a queued email in the outbox, unsent: there is no SMTP
// server to send it with.
func (s *Store) HoldEmail(ctx context.Context, id uint64) error {
	return wrapErr("hold email", s.db.WithContext(ctx).Model(&OutboxEmail{}).Where("id = ? AND status = ?", id, EmailQueued).
		Updates(map[string]any{"status": EmailHeld, "updated_at": s.now()}).Error)
}

// MarkEmailSent records a delivery to the SMTP server.
func (s *Store) MarkEmailSent(ctx context.Context, id uint64) error {
	now := s.now()
	return wrapErr("mark email sent", s.db.WithContext(ctx).Model(&OutboxEmail{}).Where("id = ?", id).
		Updates(map[string]any{"status": EmailSent, "sent_at": now, "locked_until": nil, "updated_at": now}).Error)
}

// MarkEmailFailed records a failed attempt: the email is queued again for
// a retry, or failed when final.
func (s *Store) MarkEmailFailed(ctx context.Context, id uint64, cause string, final bool) error {
	status := EmailQueued
	if final {
		status = EmailFailed
	}
	return wrapErr("mark email failed", s.db.WithContext(ctx).Model(&OutboxEmail{}).Where("id = ?", id).
		Updates(map[string]any{"status": status, "last_error": truncateText(cause), "locked_until": nil, "updated_at": s.now()}).Error)
}

// StaleEmails lists emails whose send job seems lost: queued and untouched
// since cutoff, or sending past their lease. The sweeper queues them again.
func (s *Store) StaleEmails(ctx context.Context, cutoff time.Time, limit int) ([]uint64, error) {
	var ids []uint64
	err := s.db.WithContext(ctx).Model(&OutboxEmail{}).
		Where("(status = ? AND updated_at < ?) OR (status = ? AND locked_until < ?)", EmailQueued, cutoff, EmailSending, s.now()).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, wrapErr("stale emails", err)
}
