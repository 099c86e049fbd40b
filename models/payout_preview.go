package models

import (
	"context"

	"gorm.io/gorm"
)

// RunPreviewLine is one affiliate a run would pay or leave out.
type RunPreviewLine struct {
	AffiliateID   uint64 `json:"affiliate_id"`
	AffiliateName string `json:"affiliate_name"`
	Amount        int64  `json:"amount"`
	Reason        string `json:"reason,omitempty"` // why left out
}

// RunPreview is what starting a run paid by one payout method would do
// now: who is paid, how much in all, and who is left out and why.
type RunPreview struct {
	Method   string           `json:"method"`
	Currency string           `json:"currency"`
	Total    int64            `json:"total"`
	Payable  []RunPreviewLine `json:"payable"`
	Skipped  []RunPreviewLine `json:"skipped"`
}

// PreviewRun shows what a run paid by method (PayoutPayPal,
// PayoutStripeConnect or PayoutStoreCredit) would pay now, changing
// nothing. Affiliates below the minimum payout are in neither list.
func (s *Store) PreviewRun(ctx context.Context, accountID uint64, method string) (*RunPreview, error) {
	payees := map[string]func(*gorm.DB, uint64) (map[uint64]payee, error){
		PayoutPayPal: s.payPalPayees, PayoutStripeConnect: s.stripePayees, PayoutStoreCredit: s.storeCreditPayees,
	}[method]
	if payees == nil {
		return nil, wrapErr("preview run", withField("method", invalidf("payout method %q has no run: use paypal, stripe_connect or store_credit", method)))
	}
	acct, err := s.GetAccount(ctx, accountID)
	if err != nil {
		return nil, wrapErr("preview run", err)
	}
	db := s.db.WithContext(ctx)
	ps, err := payees(db, accountID)
	if err != nil {
		return nil, wrapErr("preview run", err)
	}
	sums, err := approvedSums(db, accountID, acct.Currency)
	if err != nil {
		return nil, wrapErr("preview run", err)
	}
	names, err := s.affiliateNames(db, accountID)
	if err != nil {
		return nil, wrapErr("preview run", err)
	}
	out := &RunPreview{Method: method, Currency: acct.Currency, Payable: []RunPreviewLine{}, Skipped: []RunPreviewLine{}}
	floor := max(acct.MinPayout, 1)
	for _, affID := range sortedKeys(sums) {
		p, ok := ps[affID]
		if !ok || sums[affID] < floor {
			continue
		}
		l := RunPreviewLine{AffiliateID: affID, AffiliateName: names[affID], Amount: sums[affID], Reason: p.Skip}
		if p.Skip != "" {
			out.Skipped = append(out.Skipped, l)
			continue
		}
		out.Payable = append(out.Payable, l)
		out.Total += l.Amount
	}
	return out, nil
}

// payPalPayees is affiliate → PayPal email, as the run pays them.
func (s *Store) payPalPayees(tx *gorm.DB, accountID uint64) (map[uint64]payee, error) {
	emails, err := s.payPalEmails(tx, accountID)
	if err != nil {
		return nil, err
	}
	out := make(map[uint64]payee, len(emails))
	for id, e := range emails {
		out[id] = payee{Dest: e}
	}
	return out, nil
}

// affiliateNames is affiliate id → name for the account.
func (s *Store) affiliateNames(tx *gorm.DB, accountID uint64) (map[uint64]string, error) {
	var rows []Affiliate
	if err := tx.Select("id", "name").Where("account_id = ?", accountID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uint64]string, len(rows))
	for _, a := range rows {
		out[a.ID] = a.Name
	}
	return out, nil
}
