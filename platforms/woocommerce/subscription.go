package woocommerce

// Subscriptions come from WooCommerce Subscriptions, the WooCommerce.com
// extension; a store without it has neither the resource nor its topics.
// What it documents and does, by source:
//
//   - Topics (WCS_Webhooks::add_topics, woocommerce-subscriptions
//     includes/class-wcs-webhooks.php): subscription.created (checkout or
//     admin creation), subscription.updated (any save, dates included),
//     subscription.switched (after a switch completes: upgrade, downgrade,
//     quantity), subscription.deleted (trashed or deleted). The extension
//     also fires order.created for every order it creates (renewal,
//     switch, resubscribe orders).
//   - Payload (WCS_Webhooks::create_payload): for API version wp_api_v3,
//     GET /wc/v3/subscriptions/{id}; deleted resources carry {"id": N}
//     only (WC_Webhook::build_payload), so a deletion names no state.
//   - The subscription object (https://woocommerce.github.io/subscriptions-rest-api-docs/,
//     v3 from WCS 3.1): an order's fields (id, parent_id, status,
//     currency, date_created_gmt, date_modified_gmt, discount_total,
//     shipping_total, total, total_tax, customer_id, billing.email,
//     line_items, shipping_lines, fee_lines, coupon_lines, meta_data) and
//     billing_period (day, week, month, year), billing_interval (a number,
//     sent as a string by the extension), start_date_gmt,
//     trial_end_date_gmt, next_payment_date_gmt, last_payment_date_gmt,
//     cancelled_date_gmt, end_date_gmt, payment_retry_date_gmt; statuses
//     pending, active, on-hold, pending-cancel, cancelled, switched, expired.
//   - Renewal orders name their subscription in meta_data as
//     {"key": "_subscription_renewal", "value": "<subscription id>"}
//     (wcs_create_renewal_order; switch orders likewise _subscription_switch,
//     resubscribe orders _subscription_resubscribe). The first (parent)
//     order carries none: the subscription names it in parent_id instead.
//
// How they are mapped (parseSubscription):
//
//   - Amount is the sum of the line items' total: after the recurring
//     coupons, before tax, without shipping and fees, as an order's
//     Subtotal is (total − total_tax would count shipping as plan revenue).
//   - pending (created, its first payment not received) is trialing: not
//     paying yet, so no recurring revenue until it turns active; an active
//     subscription still in its free trial (trial_end_date_gmt after the
//     change) is trialing too.
//   - on-hold is past_due while a failed renewal will be retried
//     (payment_retry_date_gmt set), paused otherwise (suspended by the
//     customer or the merchant, or a manual renewal awaiting payment).
//   - pending-cancel (cancelled by the customer, paid up to the end of the
//     period) stays active with CanceledAt = end_date_gmt: it pays until
//     then; cancelled, expired and switched (replaced by another
//     subscription) are canceled at end_date_gmt (now for an immediate
//     cancellation, the end of the paid term after pending-cancel:
//     WC_Subscription::update_status), else cancelled_date_gmt (when it
//     was asked for), else date_modified_gmt.
//   - ChangedAt is date_modified_gmt: whole seconds, so of two changes
//     within one second only the first is kept.

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/woocommerce/internal/wcmoney"
)

// Topics of WooCommerce Subscriptions.
const (
	TopicSubscriptionCreated  = "subscription.created"
	TopicSubscriptionUpdated  = "subscription.updated"
	TopicSubscriptionSwitched = "subscription.switched"
	TopicSubscriptionDeleted  = "subscription.deleted"
)

// SubscriptionTopics are registered beside Topics where the store has
// WooCommerce Subscriptions (elsewhere the store refuses them and they are
// skipped). subscription.deleted is not among them: its body is the id alone.
var SubscriptionTopics = []string{TopicSubscriptionCreated, TopicSubscriptionUpdated, TopicSubscriptionSwitched}

// Subscription statuses of WooCommerce Subscriptions.
const (
	SubPending       = "pending"
	SubActive        = "active"
	SubOnHold        = "on-hold"
	SubPendingCancel = "pending-cancel"
	SubCancelled     = "cancelled"
	SubSwitched      = "switched"
	SubExpired       = "expired"
)

// Meta keys by which orders the extension creates name their subscription.
var subscriptionMetaKeys = []string{"_subscription_renewal", "_subscription_switch", "_subscription_resubscribe"}

// wcSubscription is the parts of the REST API v3 subscription we read.
type wcSubscription struct {
	ID              int64    `json:"id"`
	ParentID        int64    `json:"parent_id"`
	Status          string   `json:"status"`
	Currency        string   `json:"currency"`
	DateCreatedGMT  string   `json:"date_created_gmt"`
	DateModifiedGMT string   `json:"date_modified_gmt"`
	CustomerID      int64    `json:"customer_id"`
	LineItems       []wcLine `json:"line_items"`
	Billing         struct {
		Email string `json:"email"`
	} `json:"billing"`
	CouponLines         wcCouponLines   `json:"coupon_lines"`
	BillingPeriod       string          `json:"billing_period"`
	BillingInterval     json.RawMessage `json:"billing_interval"`
	StartDateGMT        string          `json:"start_date_gmt"`
	TrialEndDateGMT     string          `json:"trial_end_date_gmt"`
	CancelledDateGMT    string          `json:"cancelled_date_gmt"`
	EndDateGMT          string          `json:"end_date_gmt"`
	PaymentRetryDateGMT string          `json:"payment_retry_date_gmt"`
}

// parseSubscription is a subscription body as one KindSubscription event.
func parseSubscription(body []byte) ([]platforms.Event, error) {
	var s wcSubscription
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, fmt.Errorf("%w: subscription: %v", platforms.ErrPayload, err)
	}
	s.Currency = strings.ToUpper(strings.TrimSpace(s.Currency))
	if s.ID <= 0 || !validCurrency(s.Currency) {
		return nil, fmt.Errorf("%w: subscription needs an id and a 3-letter currency", platforms.ErrPayload)
	}
	amount, _, err := lineSums(s.LineItems, s.Currency)
	if err != nil {
		return nil, err
	}
	count, err := interval(s.BillingInterval)
	if err != nil {
		return nil, fmt.Errorf("%w: subscription %d: %v", platforms.ErrPayload, s.ID, err)
	}
	out := &platforms.Subscription{ExternalID: strconv.FormatInt(s.ID, 10), CustomerEmail: strings.TrimSpace(s.Billing.Email),
		Currency: s.Currency, Amount: amount, Interval: s.BillingPeriod, IntervalCount: count,
		Codes: s.CouponLines.codes(), StartedAt: gmt(s.StartDateGMT), ChangedAt: gmt(s.DateModifiedGMT)}
	if s.ParentID > 0 {
		out.FirstOrderID = strconv.FormatInt(s.ParentID, 10)
	}
	if out.MonthlyAmount, err = platforms.MonthlyAmount(amount, s.BillingPeriod, count); err != nil {
		return nil, err
	}
	if out.StartedAt.IsZero() {
		out.StartedAt = gmt(s.DateCreatedGMT)
	}
	if s.CustomerID > 0 {
		out.CustomerID = strconv.FormatInt(s.CustomerID, 10)
	}
	if out.Status, out.CanceledAt, err = subscriptionStatus(&s, out.ChangedAt); err != nil {
		return nil, err
	}
	if err := platforms.CheckSubscription(out); err != nil {
		return nil, err
	}
	return []platforms.Event{{Kind: platforms.KindSubscription, Subscription: out}}, nil
}

// subscriptionStatus maps a status as the file's comment says.
func subscriptionStatus(s *wcSubscription, changed time.Time) (string, time.Time, error) {
	switch s.Status {
	case SubPending:
		return platforms.SubscriptionTrialing, time.Time{}, nil
	case SubActive:
		if gmt(s.TrialEndDateGMT).After(changed) {
			return platforms.SubscriptionTrialing, time.Time{}, nil
		}
		return platforms.SubscriptionActive, time.Time{}, nil
	case SubOnHold:
		if s.PaymentRetryDateGMT != "" && !gmt(s.PaymentRetryDateGMT).IsZero() {
			return platforms.SubscriptionPastDue, time.Time{}, nil
		}
		return platforms.SubscriptionPaused, time.Time{}, nil
	case SubPendingCancel:
		return platforms.SubscriptionActive, firstTime(gmt(s.EndDateGMT), changed), nil
	case SubCancelled, SubExpired, SubSwitched:
		return platforms.SubscriptionCanceled, firstTime(gmt(s.EndDateGMT), gmt(s.CancelledDateGMT), changed), nil
	}
	return "", time.Time{}, fmt.Errorf("%w: subscription %d has status %q", platforms.ErrPayload, s.ID, s.Status)
}

// interval reads billing_interval, a string ("1") or a number.
func interval(raw json.RawMessage) (int64, error) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("billing_interval %s", raw)
	}
	return n, nil
}

// orderSubscription is the subscription an order was created for, from
// its meta_data ("" for an order of no subscription, or a parent order).
func orderSubscription(meta []wcMeta) string { return metaID(meta, subscriptionMetaKeys...) }

// subscriptionEventID names a subscription's state (see eventID).
func subscriptionEventID(id string, body []byte) string {
	var s wcSubscription
	_ = json.Unmarshal(body, &s)
	var totals []string
	for _, l := range s.LineItems {
		if v, err := wcmoney.ParseMinor(l.Total, strings.ToUpper(s.Currency)); err == nil {
			totals = append(totals, strconv.FormatInt(v, 10))
		}
	}
	return "subscription:" + id + ":" + s.DateModifiedGMT + ":" + fingerprint(s.Status, s.BillingPeriod,
		string(s.BillingInterval), s.EndDateGMT, s.PaymentRetryDateGMT, strings.Join(totals, ","))
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
