package shopify

import (
	"fmt"
	"strings"
	"time"

	"codecredit/platforms"
)

// Shopify Payments dispute topics
// (https://shopify.dev/changelog/new-webhook-topic-disputes); a shop
// delivers them only to an app granted ScopeDisputes.
const (
	TopicDisputesCreate = "disputes/create"
	TopicDisputesUpdate = "disputes/update"
	// ScopeDisputes is the access scope the dispute topics need.
	ScopeDisputes = "read_shopify_payments_disputes"
)

// disputeTopics are subscribed only where ScopeDisputes was granted.
var disputeTopics = map[string]bool{TopicDisputesCreate: true, TopicDisputesUpdate: true}

// DisputeRefundPrefix starts the refund id a dispute is booked under
// ("dispute:<id>"), keeping dispute ids apart from refund ids.
const DisputeRefundPrefix = "dispute:"

// dispute is the body of disputes/create and disputes/update: the Dispute
// resource of https://shopify.dev/docs/api/admin-rest/2023-07/resources/dispute
// (id, order_id, type inquiry|chargeback, amount as a decimal string,
// currency, reason, status, initiated_at, finalized_on, …). Only what the
// adapter uses is declared.
type dispute struct {
	ID          id      `json:"id"`
	OrderID     id      `json:"order_id"`
	Type        string  `json:"type"`
	Amount      decimal `json:"amount"`
	Currency    string  `json:"currency"`
	Status      string  `json:"status"`
	InitiatedAt string  `json:"initiated_at"`
	FinalizedOn string  `json:"finalized_on"`
}

// Dispute types and statuses (DisputeType and DisputeStatus of the Admin
// API, https://shopify.dev/docs/api/admin-graphql/latest/enums/DisputeStatus).
const (
	disputeChargeback     = "chargeback"
	disputeWon            = "won"
	disputePrevented      = "prevented"
	disputeChargeRefunded = "charge_refunded"
)

// undoReasons are the statuses that give a dispute's take-back back, with
// the reason noted on the ledger. charge_refunded (deprecated by Shopify)
// means the order was refunded instead: that refund arrives on
// refunds/create and takes its own share back, so the dispute's is given
// back rather than taken twice.
var undoReasons = map[string]string{
	disputeWon:            "dispute won",
	disputePrevented:      "dispute prevented",
	disputeChargeRefunded: "dispute closed: the order was refunded instead",
}

// parseDispute reads a Shopify Payments dispute. A chargeback takes the
// disputed amount's share of the commission back (a refund of money only,
// id "dispute:<id>", dated initiated_at), whatever its status while open
// and when lost or accepted: each delivery repeats the same refund, booked
// once. An inquiry takes nothing. Won, prevented and charge_refunded give
// back what the dispute took: a chargeback's take-back is repeated first
// (booked once), so the outcome is the same whichever delivery the worker
// books first. A dispute naming no order acts on nothing.
func parseDispute(body []byte) ([]platforms.Event, error) {
	var d dispute
	if err := decode(body, &d); err != nil {
		return nil, err
	}
	if d.ID == "" {
		return nil, fmt.Errorf("%w: dispute without an id", platforms.ErrPayload)
	}
	if d.OrderID == "" {
		return nil, nil
	}
	var out []platforms.Event
	if strings.EqualFold(d.Type, disputeChargeback) {
		taken, err := disputeTaken(&d)
		if err != nil {
			return nil, err
		}
		if taken != nil {
			out = append(out, platforms.Event{Kind: platforms.KindOrderRefunded, Refund: taken})
		}
	}
	if reason, ok := undoReasons[strings.ToLower(strings.TrimSpace(d.Status))]; ok {
		undo := &platforms.Refund{ExternalID: DisputeRefundPrefix + string(d.ID), OrderExternalID: string(d.OrderID),
			Reason: reason, CreatedAt: disputeTime(d.FinalizedOn, d.InitiatedAt)}
		out = append(out, platforms.Event{Kind: platforms.KindRefundUndone, Refund: undo})
	}
	return out, nil
}

// disputeTaken is the refund a chargeback books: its amount in its
// currency, dated initiated_at; nil for a zero amount.
func disputeTaken(d *dispute) (*platforms.Refund, error) {
	cur, err := currencyOf(d.Currency)
	if err != nil {
		return nil, err
	}
	v, err := amount(nil, d.Amount, cur)
	switch {
	case err != nil:
		return nil, err
	case v < 0:
		return nil, fmt.Errorf("%w: dispute %s has a negative amount", platforms.ErrPayload, d.ID)
	case v == 0:
		return nil, nil
	}
	r := &platforms.Refund{ExternalID: DisputeRefundPrefix + string(d.ID), OrderExternalID: string(d.OrderID),
		Currency: cur, Amount: v, CreatedAt: disputeTime(d.InitiatedAt)}
	if r.CreatedAt.IsZero() {
		return nil, fmt.Errorf("%w: dispute %s without initiated_at", platforms.ErrPayload, d.ID)
	}
	return r, nil
}

// disputeTime is the first of ts that reads as an ISO 8601 date and time
// or a bare date (the GraphQL API gives finalizedOn as a Date), in UTC.
func disputeTime(ts ...string) time.Time {
	for _, s := range ts {
		s = strings.TrimSpace(s)
		for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC()
			}
		}
	}
	return time.Time{}
}
