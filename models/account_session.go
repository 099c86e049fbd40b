package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"codecredit/models/emailtmpl"
)

// KindMerchantLogin is the outbox kind of a merchant's sign-in link.
const KindMerchantLogin = "merchant_login"

// MerchantSession is a merchant signed in to the standalone admin by an
// emailed link; only the hash of the cookie's secret is kept. Deleting the
// row ends the session: the cookie is refused from then on.
type MerchantSession struct {
	ID        uint64    `gorm:"primaryKey"`
	AccountID uint64    `gorm:"not null;index"`
	Hash      string    `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt time.Time `gorm:"not null;index"`
	CreatedAt time.Time `gorm:"not null"`
}

// CreateMerchantSession opens a session on the account for ttl and returns
// its secret (the cookie value). The account's expired sessions go.
func (s *Store) CreateMerchantSession(ctx context.Context, accountID uint64, ttl time.Duration) (string, error) {
	raw, hash, err := secret()
	if err != nil {
		return "", wrapErr("create merchant session", err)
	}
	now := s.now()
	db := s.db.WithContext(ctx)
	if err := db.Where("account_id = ? AND expires_at <= ?", accountID, now).Delete(&MerchantSession{}).Error; err != nil {
		return "", wrapErr("create merchant session", err)
	}
	row := MerchantSession{AccountID: accountID, Hash: hash, ExpiresAt: now.Add(ttl), CreatedAt: now}
	if err := db.Create(&row).Error; err != nil {
		return "", wrapErr("create merchant session", err)
	}
	return raw, nil
}

// MerchantSessionAccount returns the account of a live session; an
// unknown, ended or expired session is ErrNotFound.
func (s *Store) MerchantSessionAccount(ctx context.Context, session string) (uint64, error) {
	if session == "" || len(session) > 100 {
		return 0, wrapErr("merchant session account", notFound("merchant session"))
	}
	var ms MerchantSession
	err := first(s.db.WithContext(ctx), &ms, "merchant session", "hash = ? AND expires_at > ?", hashSecret(session), s.now())
	if err != nil {
		return 0, wrapErr("merchant session account", err)
	}
	return ms.AccountID, nil
}

// EndMerchantSession signs a session out; an unknown one is not an error.
func (s *Store) EndMerchantSession(ctx context.Context, session string) error {
	if session == "" || len(session) > 100 {
		return nil
	}
	return wrapErr("end merchant session", s.db.WithContext(ctx).Where("hash = ?", hashSecret(session)).Delete(&MerchantSession{}).Error)
}

// WriteMerchantEmail writes an email to the merchant account's own
// address into the outbox, queued for the send job, and returns its id;
// 0 when dedupKey was already used.
func (s *Store) WriteMerchantEmail(ctx context.Context, acct *Account, kind, dedupKey string, msg emailtmpl.Message) (uint64, error) {
	row := OutboxEmail{AccountID: acct.ID, Kind: kind, To: acct.Email, ToName: acct.Name, FromName: "Codecredit",
		Subject: msg.Subject, HTML: msg.HTML, Text: msg.Text, Status: EmailQueued, DedupKey: dedupKey}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil || res.RowsAffected == 0 {
		return 0, wrapErr("write merchant email", res.Error)
	}
	return row.ID, nil
}
