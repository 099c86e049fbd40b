package models

import (
	"context"

	"gorm.io/gorm"
)

// StartStripeRun pays, by Stripe Connect transfers, every affiliate whose
// payout method is Stripe Connect, whose Express account Stripe reported
// able to receive transfers (account.updated: enabled), and whose approved
// balance in the account's currency reaches the minimum. In one
// transaction it makes the run and its payouts, moves their entries to
// "sending" and gives each payout the Idempotency-Key every transfer call
// for it will carry; the send job calls Stripe later. Affiliates paid by
// Stripe whose account cannot receive yet are listed as skipped with the
// reason. The same key returns the run already made (created false).
// Nobody to pay is ErrInvalid.
func (s *Store) StartStripeRun(ctx context.Context, accountID uint64, key string) (*PlatformRun, bool, error) {
	return s.startPlatformRun(ctx, "start stripe run", accountID, key, PayoutStripeConnect, MethodStripeConnect, s.stripePayees)
}

// stripePayees opens the account's Stripe Connect payout details:
// affiliate → Express account, or why it cannot be paid yet.
func (s *Store) stripePayees(tx *gorm.DB, accountID uint64) (map[uint64]payee, error) {
	var rows []PayoutDetails
	if err := tx.Where("account_id = ? AND method = ?", accountID, PayoutStripeConnect).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uint64]payee, len(rows))
	for _, r := range rows {
		sec, err := s.openPayout(r.Sealed)
		if err != nil {
			return nil, err
		}
		switch {
		case sec.Method != PayoutStripeConnect:
			continue
		case sec.Value == "":
			out[r.AffiliateID] = payee{Skip: "has not connected a Stripe account yet"}
		case r.ConnectState != ConnectEnabled:
			out[r.AffiliateID] = payee{Skip: "Stripe cannot pay this account yet: onboarding is not finished or the account is restricted"}
		default:
			out[r.AffiliateID] = payee{Dest: sec.Value}
		}
	}
	return out, nil
}
