package models

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// PayoutDetails is where an affiliate wants to be paid: the method, in
// clear so that payouts can be grouped by it, and what the method needs
// (an email, a bank reference, a Stripe account id), sealed with the
// store's cipher (AES-GCM, the key of platform credentials): the table
// holds no readable address or account number. One row per affiliate;
// saving again replaces it.
type PayoutDetails struct {
	ID          uint64 `gorm:"primaryKey"`
	AccountID   uint64 `gorm:"not null;index"`
	AffiliateID uint64 `gorm:"not null;uniqueIndex"`
	Sealed      []byte `gorm:"not null"`
	// Method is one of PayoutPayPal, PayoutStripeConnect,
	// PayoutStoreCredit, PayoutManual ('' on rows not yet migrated).
	Method string `gorm:"size:16;not null;default:''"`
	// ConnectState is the Stripe Express account's onboarding state.
	ConnectState string `gorm:"size:16;not null;default:''"`
	// UpdatedBy is who saved the details last: "affiliate" or the
	// merchant's actor.
	UpdatedBy string    `gorm:"not null;default:''"`
	UpdatedAt time.Time `gorm:"not null"`
}

// payoutSecret is what PayoutDetails.Sealed holds once opened. Value is
// the PayPal email, the bank reference, the Stripe account id or the
// store-credit customer's email, by Method.
type payoutSecret struct {
	Method string `json:"method"`
	Value  string `json:"value"`
}

// PayoutDetailsView is an affiliate's payout details, opened: the merchant
// reads Value, the affiliate's portal shows Masked only.
type PayoutDetailsView struct {
	Method string `json:"method"`
	Value  string `json:"value"`
	Masked string `json:"masked"`
	// ConnectState is set for stripe_connect: not_started, onboarding or
	// enabled.
	ConnectState string    `json:"connect_state,omitempty"`
	UpdatedBy    string    `json:"updated_by,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// GetPayoutDetails opens an affiliate's payout details; nil when the
// affiliate has not entered any. An affiliate of another account has none.
func (s *Store) GetPayoutDetails(ctx context.Context, accountID, affiliateID uint64) (*PayoutDetailsView, error) {
	var rows []PayoutDetails
	err := s.db.WithContext(ctx).Where("account_id = ? AND affiliate_id = ?", accountID, affiliateID).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, wrapErr("get payout details", err)
	}
	sec, err := s.openPayout(rows[0].Sealed)
	if err != nil {
		return nil, wrapErr("get payout details", err)
	}
	return viewPayout(sec, rows[0]), nil
}

// openPayout opens sealed payout details; the "bank" method of details
// saved before methods were named reads as manual.
func (s *Store) openPayout(sealed []byte) (payoutSecret, error) {
	var sec payoutSecret
	plain, err := s.cipher.Decrypt(sealed)
	if err != nil {
		return sec, err
	}
	if err := json.Unmarshal(plain, &sec); err != nil {
		return sec, err
	}
	if sec.Method == legacyPayoutBank {
		sec.Method = PayoutManual
	}
	return sec, nil
}

// viewPayout is the opened view of a row.
func viewPayout(sec payoutSecret, row PayoutDetails) *PayoutDetailsView {
	v := &PayoutDetailsView{Method: sec.Method, Value: sec.Value, Masked: maskPayout(sec.Method, sec.Value),
		UpdatedBy: row.UpdatedBy, UpdatedAt: row.UpdatedAt}
	if sec.Method == PayoutStripeConnect {
		v.ConnectState = row.ConnectState
		if v.ConnectState == "" {
			v.ConnectState = ConnectNotStarted
		}
	}
	return v
}

// maskPayout shows enough of the details to recognise them: "PayPal
// j•••@example.com", "Bank account ending 4321", "Stripe account
// •••WXYZ", "Store credit for j•••@example.com".
func maskPayout(method, value string) string {
	switch method {
	case PayoutPayPal:
		return "PayPal " + maskEmail(value)
	case PayoutStoreCredit:
		return "Store credit for " + maskEmail(value)
	case PayoutStripeConnect:
		if value == "" {
			return "Stripe (not connected yet)"
		}
		return "Stripe account •••" + lastRunes(value, 4)
	}
	return "Bank account ending " + lastRunes(strings.ReplaceAll(value, " ", ""), 4)
}

// maskEmail keeps an address's first letter and its domain.
func maskEmail(value string) string {
	at := strings.LastIndexByte(value, '@')
	if at < 1 {
		return "•••"
	}
	first, _ := utf8.DecodeRuneInString(value)
	return string(first) + "•••" + value[at:]
}

// lastRunes is the last n runes of s.
func lastRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[len(r)-n:]
	}
	return string(r)
}
