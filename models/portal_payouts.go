package models

import (
	"context"
	"strings"
	"time"
)

// PortalPayout is one payout as the affiliate sees it in the portal.
type PortalPayout struct {
	Date      time.Time
	Amount    int64
	Currency  string
	Method    string // in words: PayPal, Stripe, store credit, the shop's own words
	Status    string // queued, sending, unclaimed, paid, failed, returned
	Reference string // the platform's id of the payment, or the shop's reference
	Note      string // why it did not reach the affiliate
}

// PortalNext is what the affiliate is paid next, in the program's currency.
type PortalNext struct {
	Currency  string
	Approved  int64 // payable now, less clawbacks
	MinPayout int64
	Needs     int64 // how much more reaches the minimum; 0 when payable
}

// maxPortalPayouts is how many payouts the portal lists.
const maxPortalPayouts = 50

// PortalPayouts lists an affiliate's payouts, newest first, each with its
// status: a payout sent through a platform says where it stands and why
// it did not reach them.
func (s *Store) PortalPayouts(ctx context.Context, accountID, affiliateID uint64) ([]PortalPayout, error) {
	var rows []struct {
		PaidAt                time.Time
		Amount                int64
		Currency, Method, Ref string
		State, PlatformState  string
		PlatformID, Reason    string
		RetriedBy             *uint64
	}
	err := s.db.WithContext(ctx).Table("payouts AS p").
		Select("p.paid_at, p.amount, p.currency, p.method, p.reference AS ref, COALESCE(i.state, '') AS state, "+
			"COALESCE(i.platform_state, '') AS platform_state, COALESCE(i.platform_id, '') AS platform_id, "+
			"COALESCE(i.reason, '') AS reason, r.payout_id AS retried_by").
		Joins("LEFT JOIN payout_send_items AS i ON i.payout_id = p.id AND i.account_id = p.account_id").
		Joins("LEFT JOIN payout_retries AS r ON r.failed_payout_id = p.id AND r.account_id = p.account_id").
		Where("p.account_id = ? AND p.affiliate_id = ?", accountID, affiliateID).
		Order("p.id DESC").Limit(maxPortalPayouts).Scan(&rows).Error
	if err != nil {
		return nil, wrapErr("portal payouts", err)
	}
	out := make([]PortalPayout, 0, len(rows))
	for _, r := range rows {
		p := PortalPayout{Date: r.PaidAt, Amount: r.Amount, Currency: r.Currency, Method: r.Method,
			Status: ItemStatus(r.State, r.PlatformState), Reference: firstNonEmpty(r.PlatformID, r.Ref)}
		if r.State != "" && (r.Method == MethodPayPal || r.Method == "") {
			p.Method = "PayPal"
		}
		switch p.Status {
		case ItemFailed, ItemReturned, ItemUnclaimed:
			why, action := payoutProblem(r.PlatformState, r.Reason, "")
			p.Note = why + " " + strings.TrimSuffix(action, "; the money stays in your balance.")
			switch {
			case r.RetriedBy != nil:
				p.Note = why + " It was sent again (see the payout above)."
			case p.Status != ItemUnclaimed:
				p.Note = why + " The money is back in your balance: update your payout details under “How you get paid” so that the next payment reaches you."
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// NextPayout says what the affiliate is paid next: their approved
// balance in the program's currency against the minimum payout.
func NextPayout(acct *Account, balances []Balance) PortalNext {
	n := PortalNext{Currency: acct.Currency, MinPayout: acct.MinPayout}
	for _, b := range balances {
		if b.Currency == acct.Currency {
			n.Approved = b.Approved
		}
	}
	if floor := max(acct.MinPayout, 1); n.Approved < floor {
		n.Needs = floor - max(n.Approved, 0)
	}
	return n
}
