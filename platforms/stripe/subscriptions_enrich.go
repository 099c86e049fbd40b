package stripe

import (
	"context"
	"encoding/json"

	"github.com/stripe/stripe-go/v85"

	"codecredit/platforms"
)

// expandSubscriptionDiscounts replaces a subscription's discount ids by
// the discounts, their coupons expanded, as the subscription has them now.
// A deleted subscription keeps the discounts it ended with.
func (a *Adapter) expandSubscriptionDiscounts(ctx context.Context, c *platforms.Conn, object map[string]json.RawMessage) (bool, error) {
	var in struct {
		ID        string            `json:"id"`
		Discounts []json.RawMessage `json:"discounts"`
	}
	if json.Unmarshal(mustJSON(object), &in) != nil || in.ID == "" || !bareIDs(in.Discounts) {
		return false, nil
	}
	sc, account, err := a.client(c)
	if err != nil {
		return false, err
	}
	p := &stripe.SubscriptionRetrieveParams{}
	p.StripeAccount = account
	p.AddExpand("discounts.source.coupon")
	sub, err := sc.V1Subscriptions.Retrieve(ctx, in.ID, p)
	if err != nil {
		return false, callError("retrieve subscription discounts", err)
	}
	discounts, err := discountsOf(sub.LastResponse, "subscription", in.ID)
	if err != nil {
		return false, err
	}
	object["discounts"] = discounts
	return true, nil
}

// bareIDs reports whether any item of a list is an id, not an object.
func bareIDs(items []json.RawMessage) bool {
	for _, it := range items {
		if len(it) > 0 && it[0] == '"' {
			return true
		}
	}
	return false
}
