package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"codecredit/models/emailtmpl"
)

// The affiliate portal: an affiliate asks for a sign-in link by email, the
// link (single use, PortalLinkTTL) opens a session (PortalSessionTTL), and
// the session shows, read-only, that affiliate's codes, conversions and
// balances in that one merchant's program. An email address used by
// affiliates of several merchants gets one email per merchant, each link
// opening that merchant's program only. Only hashes of links and sessions
// are stored.
const (
	PortalLinkTTL      = 15 * time.Minute
	PortalSessionTTL   = 7 * 24 * time.Hour
	portalLinksPerHour = 5
)

// Sign-in link errors, for the page that explains them.
var (
	ErrLinkExpired = errors.New("models: sign-in link expired")
	ErrLinkUsed    = errors.New("models: sign-in link already used")
)

// PortalToken is a sign-in link sent to an affiliate; only its hash is kept.
type PortalToken struct {
	ID          uint64     `gorm:"primaryKey"`
	AccountID   uint64     `gorm:"not null;index"`
	AffiliateID uint64     `gorm:"not null;index"`
	Hash        string     `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt   time.Time  `gorm:"not null"`
	UsedAt      *time.Time ``
	CreatedAt   time.Time  `gorm:"not null"`
	// ByMerchant marks a link the merchant made for the affiliate
	// (IssuePortalLink), which the affiliate's hourly limit does not count.
	ByMerchant bool `gorm:"not null;default:false"`
}

// PortalSession is a signed-in affiliate; only the cookie's hash is kept.
type PortalSession struct {
	ID          uint64    `gorm:"primaryKey"`
	AccountID   uint64    `gorm:"not null;index"`
	AffiliateID uint64    `gorm:"not null;index"`
	Hash        string    `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt   time.Time `gorm:"not null"`
	CreatedAt   time.Time `gorm:"not null"`
}

// secret returns a random URL-safe secret and its stored hash.
func secret() (raw, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, hashSecret(raw), nil
}

func hashSecret(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// RequestPortalLinks writes a sign-in email to every affiliate with this
// address, one per merchant, and returns the outbox ids to send. An
// unknown address, a disabled affiliate or too many requests in the last
// hour (portalLinksPerHour) write nothing and are not errors, so the
// answer never tells whether an address is known. Only a malformed
// address is ErrInvalid.
func (s *Store) RequestPortalLinks(ctx context.Context, email, appURL string) ([]uint64, error) {
	email, err := cleanEmail(email)
	if err != nil {
		return nil, wrapErr("request portal links", err)
	}
	var affs []Affiliate
	err = s.db.WithContext(ctx).Where("email = ? AND status = ?", email, AffiliateActive).Order("id").Find(&affs).Error
	if err != nil {
		return nil, wrapErr("request portal links", err)
	}
	return writeEach(len(affs), func(i int) (uint64, error) { return s.writeLoginEmail(ctx, &affs[i], appURL) })
}

// writeLoginEmail makes a sign-in link for one affiliate and writes its email.
func (s *Store) writeLoginEmail(ctx context.Context, aff *Affiliate, appURL string) (uint64, error) {
	now := s.now()
	var id uint64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockKey(tx, "portal-login", strconv.FormatUint(aff.ID, 10)); err != nil {
			return err
		}
		var recent int64
		if err := tx.Model(&PortalToken{}).Where("affiliate_id = ? AND created_at > ? AND by_merchant = ?", aff.ID, now.Add(-time.Hour), false).
			Count(&recent).Error; err != nil || recent >= portalLinksPerHour {
			return err
		}
		raw, hash, err := secret()
		if err != nil {
			return err
		}
		tok := PortalToken{AccountID: aff.AccountID, AffiliateID: aff.ID, Hash: hash, ExpiresAt: now.Add(PortalLinkTTL), CreatedAt: now}
		if err := tx.Create(&tok).Error; err != nil {
			return err
		}
		var acct Account
		if err := first(tx, &acct, "account", aff.AccountID); err != nil {
			return err
		}
		set, err := emailSettings(tx, acct.ID)
		if err != nil {
			return err
		}
		data := emailtmpl.Login{Program: program(&acct, set), Affiliate: person(aff), Expires: "15 minutes",
			LinkURL: strings.TrimRight(appURL, "/") + "/portal/auth?token=" + raw}
		id, err = writeEmail(tx, newEmail{account: &acct, to: aff, kind: emailtmpl.KindPortalLogin,
			dedupKey: "login:" + strconv.FormatUint(tok.ID, 10), data: data})
		return err
	})
	return id, err
}

// ConsumePortalLink signs in with a link: it works once, before it
// expires, and returns the new session's secret (the cookie value). An
// unknown link is ErrNotFound; a used one ErrLinkUsed; a late one
// ErrLinkExpired.
func (s *Store) ConsumePortalLink(ctx context.Context, token string) (string, error) {
	if token == "" || len(token) > 100 {
		return "", wrapErr("consume portal link", notFound("sign-in link"))
	}
	raw, hash, err := secret()
	if err != nil {
		return "", wrapErr("consume portal link", err)
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var tok PortalToken
		if err := first(s.forUpdate(tx), &tok, "sign-in link", "hash = ?", hashSecret(token)); err != nil {
			return err
		}
		now := s.now()
		switch {
		case tok.UsedAt != nil:
			return ErrLinkUsed
		case !now.Before(tok.ExpiresAt):
			return ErrLinkExpired
		}
		res := tx.Model(&PortalToken{}).Where("id = ? AND used_at IS NULL", tok.ID).Update("used_at", now)
		if res.Error != nil || res.RowsAffected == 0 {
			return errors.Join(res.Error, ErrLinkUsed)
		}
		var aff Affiliate
		if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", tok.AffiliateID, tok.AccountID); err != nil {
			return err
		}
		return tx.Create(&PortalSession{AccountID: aff.AccountID, AffiliateID: aff.ID, Hash: hash,
			ExpiresAt: now.Add(PortalSessionTTL), CreatedAt: now}).Error
	})
	if err != nil {
		return "", wrapErr("consume portal link", err)
	}
	return raw, nil
}

// PeekPortalLink checks a sign-in link without using it up and returns
// the account (the merchant's program) it signs in to, so a page can ask
// the person to confirm before ConsumePortalLink uses it: mail scanners
// open every link in an email, and that must not use one up. It fails as
// ConsumePortalLink would: ErrNotFound, ErrLinkUsed or ErrLinkExpired.
func (s *Store) PeekPortalLink(ctx context.Context, token string) (*Account, error) {
	if token == "" || len(token) > 100 {
		return nil, wrapErr("peek portal link", notFound("sign-in link"))
	}
	db := s.db.WithContext(ctx)
	var tok PortalToken
	if err := first(db, &tok, "sign-in link", "hash = ?", hashSecret(token)); err != nil {
		return nil, wrapErr("peek portal link", err)
	}
	switch {
	case tok.UsedAt != nil:
		return nil, wrapErr("peek portal link", ErrLinkUsed)
	case !s.now().Before(tok.ExpiresAt):
		return nil, wrapErr("peek portal link", ErrLinkExpired)
	}
	var aff Affiliate
	if err := first(db, &aff, "affiliate", "id = ? AND account_id = ?", tok.AffiliateID, tok.AccountID); err != nil {
		return nil, wrapErr("peek portal link", err)
	}
	return s.GetAccount(ctx, tok.AccountID)
}

// PortalAffiliate returns the affiliate and account of a live session;
// an unknown or expired session, or one of an affiliate since deleted or
// disabled, is ErrNotFound: the portal is for active affiliates only.
func (s *Store) PortalAffiliate(ctx context.Context, session string) (*Affiliate, *Account, error) {
	if session == "" || len(session) > 100 {
		return nil, nil, wrapErr("portal affiliate", notFound("portal session"))
	}
	db := s.db.WithContext(ctx)
	var ps PortalSession
	if err := first(db, &ps, "portal session", "hash = ? AND expires_at > ?", hashSecret(session), s.now()); err != nil {
		return nil, nil, wrapErr("portal affiliate", err)
	}
	var aff Affiliate
	if err := first(db, &aff, "portal session", "id = ? AND account_id = ? AND status = ?", ps.AffiliateID, ps.AccountID,
		AffiliateActive); err != nil {
		return nil, nil, wrapErr("portal affiliate", err)
	}
	acct, err := s.GetAccount(ctx, aff.AccountID)
	if err != nil {
		return nil, nil, wrapErr("portal affiliate", err)
	}
	return &aff, acct, nil
}

// EndPortalSession signs a session out.
func (s *Store) EndPortalSession(ctx context.Context, session string) error {
	return wrapErr("end portal session", s.db.WithContext(ctx).Where("hash = ?", hashSecret(session)).Delete(&PortalSession{}).Error)
}
