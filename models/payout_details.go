package models

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Ways an affiliate can be paid.
const (
	PayoutPayPal = "paypal" // a PayPal account's email address
	PayoutBank   = "bank"   // free text: IBAN, account and sort code, as the affiliate writes it
)

// Bounds on the bank reference an affiliate types.
const (
	minBankReference = 6
	maxBankReference = 200
)

// PayoutDetails is where an affiliate wants to be paid, entered in the
// portal. The details are sealed with the store's cipher (AES-GCM, the
// key of platform credentials): the table holds no readable address or
// account number. One row per affiliate; saving again replaces it.
type PayoutDetails struct {
	ID          uint64    `gorm:"primaryKey"`
	AccountID   uint64    `gorm:"not null;index"`
	AffiliateID uint64    `gorm:"not null;uniqueIndex"`
	Sealed      []byte    `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

// payoutSecret is what PayoutDetails.Sealed holds once opened.
type payoutSecret struct {
	Method string `json:"method"`
	Value  string `json:"value"`
}

// PayoutDetailsView is an affiliate's payout details, opened: the merchant
// reads Value, the affiliate's portal shows Masked only.
type PayoutDetailsView struct {
	Method    string    `json:"method"`
	Value     string    `json:"value"`
	Masked    string    `json:"masked"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CleanPayoutDetails checks what an affiliate typed: a PayPal email
// address, or a bank reference of 6 to 200 printable characters on one
// line. It returns the value as it will be stored, or ErrInvalid with
// words for the affiliate.
func CleanPayoutDetails(method, value string) (string, error) {
	value = strings.TrimSpace(value)
	switch method {
	case PayoutPayPal:
		if value == "" {
			return "", invalidf("enter the email address of your PayPal account")
		}
		v, err := cleanEmail(value)
		if err != nil {
			return "", invalidf("%q is not an email address; enter the one of your PayPal account", value)
		}
		return v, nil
	case PayoutBank:
		if err := CheckLine("bank details", value, maxBankReference); err != nil {
			return "", err
		}
		if utf8.RuneCountInString(value) < minBankReference {
			return "", invalidf("enter your bank details: account holder and IBAN, or account number and sort code")
		}
		return value, nil
	}
	return "", invalidf("choose PayPal or bank transfer")
}

// SavePayoutDetails validates and stores, sealed, an affiliate's payout
// details, replacing any saved before. An affiliate of another account is
// ErrNotFound.
func (s *Store) SavePayoutDetails(ctx context.Context, accountID, affiliateID uint64, method, value string) (*PayoutDetailsView, error) {
	value, err := CleanPayoutDetails(method, value)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(payoutSecret{Method: method, Value: value})
	if err != nil {
		return nil, err
	}
	sealed, err := s.cipher.Encrypt(plain)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var aff Affiliate
		if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", affiliateID, accountID); err != nil {
			return err
		}
		row := PayoutDetails{AccountID: accountID, AffiliateID: affiliateID, Sealed: sealed, UpdatedAt: now}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "affiliate_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"sealed", "updated_at"})}).Create(&row).Error
	})
	if err != nil {
		return nil, err
	}
	return &PayoutDetailsView{Method: method, Value: value, Masked: maskPayout(method, value), UpdatedAt: now}, nil
}

// GetPayoutDetails opens an affiliate's payout details; nil when the
// affiliate has not entered any. An affiliate of another account has none.
func (s *Store) GetPayoutDetails(ctx context.Context, accountID, affiliateID uint64) (*PayoutDetailsView, error) {
	var rows []PayoutDetails
	err := s.db.WithContext(ctx).Where("account_id = ? AND affiliate_id = ?", accountID, affiliateID).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, wrapErr("get payout details", err)
	}
	plain, err := s.cipher.Decrypt(rows[0].Sealed)
	if err != nil {
		return nil, wrapErr("get payout details", err)
	}
	var sec payoutSecret
	if err := json.Unmarshal(plain, &sec); err != nil {
		return nil, wrapErr("get payout details", err)
	}
	return &PayoutDetailsView{Method: sec.Method, Value: sec.Value, Masked: maskPayout(sec.Method, sec.Value),
		UpdatedAt: rows[0].UpdatedAt}, nil
}

// maskPayout shows enough of the details to recognise them: "PayPal
// j•••@example.com", "Bank account ending 4321".
func maskPayout(method, value string) string {
	if method == PayoutPayPal {
		at := strings.LastIndexByte(value, '@')
		if at < 1 {
			return "PayPal •••"
		}
		first, _ := utf8.DecodeRuneInString(value)
		return "PayPal " + string(first) + "•••" + value[at:]
	}
	r := []rune(strings.ReplaceAll(value, " ", ""))
	if len(r) > 4 {
		r = r[len(r)-4:]
	}
	return "Bank account ending " + string(r)
}
