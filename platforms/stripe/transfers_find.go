package stripe

import (
	"context"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// TransfersInGroup lists the payer's transfers in a transfer group, newest
// first, every page: how a transfer whose answer was lost is found once
// Stripe may have forgotten its Idempotency-Key (after 24 hours).
func (a *Adapter) TransfersInGroup(ctx context.Context, payer *platforms.Conn, group string) ([]Transfer, error) {
	sc, err := a.payer(payer)
	if err != nil {
		return nil, err
	}
	p := &stripe.TransferListParams{TransferGroup: stripe.String(group)}
	p.Limit = stripe.Int64(100)
	var out []Transfer
	for t, err := range sc.V1Transfers.List(ctx, p).All(ctx) {
		if err != nil {
			return nil, callError("list transfers", err)
		}
		out = append(out, transferOf(t))
	}
	return out, nil
}
