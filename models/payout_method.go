// Payout methods: how an affiliate is paid. The affiliate chooses in the
// portal, the merchant may set or override it; every change is audited
// by who made it, never by what the details are.

package models

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"codecredit/platforms"
)

// Ways an affiliate can be paid.
const (
	PayoutPayPal        = "paypal"         // a PayPal account's email address
	PayoutStripeConnect = "stripe_connect" // a Stripe Express account, onboarded through Stripe's link
	PayoutStoreCredit   = "store_credit"   // credit on the merchant's Shopify store, for the customer with the affiliate's email
	PayoutManual        = "manual"         // paid by hand: bank details as the affiliate writes them
	legacyPayoutBank    = "bank"           // what manual was called before methods were named
)

// Onboarding states of a Stripe Express account.
const (
	ConnectNotStarted = "not_started"
	ConnectOnboarding = "onboarding"
	ConnectEnabled    = "enabled"
)

// ActorAffiliate records a change the affiliate made in the portal.
const ActorAffiliate = "affiliate"

// Bounds on the bank reference an affiliate types.
const (
	minBankReference = 6
	maxBankReference = 200
)

var stripeAccountPattern = regexp.MustCompile(`^acct_[A-Za-z0-9]{1,64}$`)

// PayoutMethodInput is a chosen payout method and what it needs, as the
// portal form and the API name the fields.
type PayoutMethodInput struct {
	Method      string `json:"method"`
	PayPalEmail string `json:"paypal_email"`
	BankDetails string `json:"bank_details"`
}

// PayoutMethodChange records who set an affiliate's payout method and
// when; the details themselves are never copied here.
type PayoutMethodChange struct {
	ID          uint64    `gorm:"primaryKey" json:"id"`
	AccountID   uint64    `gorm:"not null;index" json:"-"`
	AffiliateID uint64    `gorm:"not null;index" json:"affiliate_id"`
	Method      string    `gorm:"size:16;not null" json:"method"`
	Actor       string    `gorm:"not null" json:"actor"`
	CreatedAt   time.Time `json:"created_at"`
}

// PayoutMethods lists the methods an account's affiliates can choose:
// PayPal and manual always, Stripe Connect with an active Stripe
// connection, store credit with an active Shopify connection.
func (s *Store) PayoutMethods(ctx context.Context, accountID uint64) ([]string, error) {
	return payoutMethods(s.db.WithContext(ctx), accountID)
}

func payoutMethods(tx *gorm.DB, accountID uint64) ([]string, error) {
	var platformsOn []string
	err := tx.Model(&Connection{}).Distinct("platform").
		Where("account_id = ? AND status = ?", accountID, ConnectionActive).Pluck("platform", &platformsOn).Error
	out := []string{PayoutPayPal}
	has := func(p string) bool {
		for _, q := range platformsOn {
			if q == p {
				return true
			}
		}
		return false
	}
	if has(platforms.Stripe) {
		out = append(out, PayoutStripeConnect)
	}
	if has(platforms.Shopify) {
		out = append(out, PayoutStoreCredit)
	}
	return append(out, PayoutManual), wrapErr("payout methods", err)
}

// cleanPayoutMethod checks a choice against what the account offers and
// returns what will be sealed. Errors are ErrInvalid naming the field
// (method, paypal_email or bank_details) with words for the affiliate.
func cleanPayoutMethod(in PayoutMethodInput, offered []string, aff *Affiliate) (payoutSecret, error) {
	method := strings.TrimSpace(in.Method)
	if method == legacyPayoutBank {
		method = PayoutManual
	}
	ok := false
	for _, m := range offered {
		ok = ok || m == method
	}
	if !ok {
		return payoutSecret{}, withField("method", invalidf("choose how you want to be paid"))
	}
	switch method {
	case PayoutPayPal:
		value := strings.TrimSpace(in.PayPalEmail)
		if value == "" {
			return payoutSecret{}, withField("paypal_email", invalidf("enter the email address of your PayPal account"))
		}
		v, err := cleanEmail(value)
		if err != nil {
			return payoutSecret{}, withField("paypal_email", invalidf("%q is not an email address; enter the one of your PayPal account", value))
		}
		return payoutSecret{Method: method, Value: v}, nil
	case PayoutManual:
		value := strings.TrimSpace(in.BankDetails)
		if err := CheckLine("bank details", value, maxBankReference); err != nil {
			return payoutSecret{}, withField("bank_details", err)
		}
		if utf8.RuneCountInString(value) < minBankReference {
			return payoutSecret{}, withField("bank_details", invalidf("enter your bank details: account holder and IBAN, or account number and sort code"))
		}
		return payoutSecret{Method: method, Value: value}, nil
	case PayoutStoreCredit:
		if aff.Email == "" {
			return payoutSecret{}, withField("method", invalidf("store credit goes to the customer with the affiliate's email, and there is none"))
		}
		return payoutSecret{Method: method, Value: aff.Email}, nil
	}
	return payoutSecret{Method: method}, nil // Stripe Connect: the account id comes with onboarding
}

// SavePayoutMethod validates and stores, sealed, an affiliate's payout
// method, replacing any saved before, and records actor (ActorAffiliate
// or the merchant's) as who changed it. Choosing Stripe Connect again
// keeps the Stripe account already onboarded. An affiliate of another
// account is ErrNotFound; nothing is saved on an error.
func (s *Store) SavePayoutMethod(ctx context.Context, accountID, affiliateID uint64, in PayoutMethodInput, actor string) (*PayoutDetailsView, error) {
	var view *PayoutDetailsView
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var aff Affiliate
		if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", affiliateID, accountID); err != nil {
			return err
		}
		offered, err := payoutMethods(tx, accountID)
		if err != nil {
			return err
		}
		sec, err := cleanPayoutMethod(in, offered, &aff)
		if err != nil {
			return err
		}
		state := ""
		if sec.Method == PayoutStripeConnect {
			sec.Value, state, err = s.keptConnect(tx, affiliateID)
			if err != nil {
				return err
			}
		}
		view, err = s.storePayout(tx, &aff, sec, state, actor)
		return err
	})
	return view, wrapErr("save payout method", err)
}

// keptConnect is the Stripe account and state an affiliate already has,
// or none and not started.
func (s *Store) keptConnect(tx *gorm.DB, affiliateID uint64) (string, string, error) {
	var rows []PayoutDetails
	if err := tx.Where("affiliate_id = ?", affiliateID).Limit(1).Find(&rows).Error; err != nil || len(rows) == 0 {
		return "", ConnectNotStarted, err
	}
	sec, err := s.openPayout(rows[0].Sealed)
	if err != nil || sec.Method != PayoutStripeConnect || rows[0].ConnectState == "" {
		return "", ConnectNotStarted, err
	}
	return sec.Value, rows[0].ConnectState, nil
}

// storePayout seals and upserts the details and audits the change.
func (s *Store) storePayout(tx *gorm.DB, aff *Affiliate, sec payoutSecret, state, actor string) (*PayoutDetailsView, error) {
	actor = strings.TrimSpace(actor)
	if actor == "" {
		return nil, invalidf("no one to record the change for")
	}
	plain, err := json.Marshal(sec)
	if err != nil {
		return nil, err
	}
	sealed, err := s.cipher.Encrypt(plain)
	if err != nil {
		return nil, err
	}
	row := PayoutDetails{AccountID: aff.AccountID, AffiliateID: aff.ID, Sealed: sealed, Method: sec.Method,
		ConnectState: state, UpdatedBy: actor, UpdatedAt: s.now()}
	err = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "affiliate_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"sealed", "method", "connect_state", "updated_by", "updated_at"})}).Create(&row).Error
	if err != nil {
		return nil, err
	}
	audit := PayoutMethodChange{AccountID: aff.AccountID, AffiliateID: aff.ID, Method: sec.Method, Actor: actor, CreatedAt: row.UpdatedAt}
	if err := tx.Create(&audit).Error; err != nil {
		return nil, err
	}
	return viewPayout(sec, row), nil
}

// SetConnectAccount records an affiliate's Stripe Express account and its
// onboarding state, as the Stripe layer learns them (an account created
// for onboarding, then enabled). It applies only while the affiliate's
// method is Stripe Connect, and an account id other than the one
// recorded is ErrConflict. actor names who reported it ("stripe").
func (s *Store) SetConnectAccount(ctx context.Context, accountID, affiliateID uint64, stripeAccountID, state, actor string) (*PayoutDetailsView, error) {
	if !stripeAccountPattern.MatchString(stripeAccountID) {
		return nil, wrapErr("set connect account", invalidf("%q is not a Stripe account id", stripeAccountID))
	}
	if state != ConnectOnboarding && state != ConnectEnabled && state != ConnectNotStarted {
		return nil, wrapErr("set connect account", invalidf("unknown onboarding state %q", state))
	}
	var view *PayoutDetailsView
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var aff Affiliate
		if err := first(tx, &aff, "affiliate", "id = ? AND account_id = ?", affiliateID, accountID); err != nil {
			return err
		}
		kept, _, err := s.keptConnect(tx, affiliateID)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&PayoutDetails{}).Where("affiliate_id = ? AND method = ?", affiliateID, PayoutStripeConnect).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return conflictf("%s is not paid through Stripe Connect", aff.Name)
		}
		if kept != "" && kept != stripeAccountID {
			return conflictf("%s is connected to another Stripe account", aff.Name)
		}
		view, err = s.storePayout(tx, &aff, payoutSecret{Method: PayoutStripeConnect, Value: stripeAccountID}, state, actor)
		return err
	})
	return view, wrapErr("set connect account", err)
}

// ListPayoutMethodChanges lists who changed an affiliate's payout method,
// newest first (at most 50).
func (s *Store) ListPayoutMethodChanges(ctx context.Context, accountID, affiliateID uint64) ([]PayoutMethodChange, error) {
	out := []PayoutMethodChange{}
	err := s.db.WithContext(ctx).Where("account_id = ? AND affiliate_id = ?", accountID, affiliateID).
		Order("id DESC").Limit(50).Find(&out).Error
	return out, wrapErr("list payout method changes", err)
}
