package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"codecredit/platforms"
)

// Subscription contracts: what a customer agreed to buy again and again
// through a selling plan, billed by a subscription app. Their webhooks
// (https://shopify.dev/docs/api/webhooks?reference=toml, topics
// subscription_contracts/*) carry the contract's id, status, currency,
// customer and billing policy, but no lines and no amount: EnrichWebhook
// reads the contract as it stands now from the GraphQL Admin API
// (subscriptionContract, which needs ScopeSubscriptionContracts) and adds
// it to the body under contractKey, and the parser turns that into one
// KindSubscription event. A body without it gives no event.
//
// Reading the present state, rather than the state the delivery was sent
// for, is what keeps a late or repeated delivery from winning: whatever
// delivery is processed, the state it yields carries the contract's
// updatedAt as ChangedAt, and the engine keeps only a state newer than the
// one it holds.

// Subscription contract topics. activate, pause, cancel, expire and fail
// (API 2024-01 on) name the status the contract turned to; update any
// other change.
const (
	TopicSubscriptionContractsCreate   = "subscription_contracts/create"
	TopicSubscriptionContractsUpdate   = "subscription_contracts/update"
	TopicSubscriptionContractsActivate = "subscription_contracts/activate"
	TopicSubscriptionContractsPause    = "subscription_contracts/pause"
	TopicSubscriptionContractsCancel   = "subscription_contracts/cancel"
	TopicSubscriptionContractsExpire   = "subscription_contracts/expire"
	TopicSubscriptionContractsFail     = "subscription_contracts/fail"
	// ScopeSubscriptionContracts is the access scope the topics and the
	// subscriptionContract query need.
	ScopeSubscriptionContracts = "read_own_subscription_contracts"
)

// ContractTopics are the subscription contract topics, in the order a
// contract usually meets them.
var ContractTopics = []string{
	TopicSubscriptionContractsCreate, TopicSubscriptionContractsUpdate,
	TopicSubscriptionContractsActivate, TopicSubscriptionContractsPause,
	TopicSubscriptionContractsCancel, TopicSubscriptionContractsExpire,
	TopicSubscriptionContractsFail,
}

func isContractTopic(topic string) bool {
	for _, t := range ContractTopics {
		if t == topic {
			return true
		}
	}
	return false
}

// contractKey is where EnrichWebhook puts the contract in the body; no
// Shopify payload has a field of that name.
const contractKey = "codecredit_subscription_contract"

// contractHook is the body of subscription_contracts/* (admin_graphql_api_id,
// id, status, currency_code, customer_id, billing_policy, delivery_policy,
// origin_order_id, revision_id, …) with the contract EnrichWebhook adds.
// Only what the adapter uses is declared.
type contractHook struct {
	GID        string        `json:"admin_graphql_api_id"`
	ID         id            `json:"id"`
	CustomerID id            `json:"customer_id"`
	OriginID   id            `json:"origin_order_id"` // the order that started it
	Contract   *contractNode `json:"codecredit_subscription_contract"`
}

// contractNode is the SubscriptionContract as queryContract reads it
// (https://shopify.dev/docs/api/admin-graphql/latest/objects/SubscriptionContract).
type contractNode struct {
	ID            string    `json:"id"`
	Status        string    `json:"status"`
	CurrencyCode  string    `json:"currencyCode"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
	RevisionID    id        `json:"revisionId"`
	BillingPolicy struct {
		Interval      string `json:"interval"`
		IntervalCount int64  `json:"intervalCount"`
	} `json:"billingPolicy"`
	Customer *struct {
		Email string `json:"email"`
	} `json:"customer"`
	Lines struct {
		Nodes    []contractLine `json:"nodes"`
		PageInfo struct {
			HasNextPage bool   `json:"hasNextPage"`
			EndCursor   string `json:"endCursor"`
		} `json:"pageInfo"`
	} `json:"lines"`
}

// contractLine is a SubscriptionLine: currentPrice is one unit's price,
// lineDiscountedPrice the whole line's after its discounts.
type contractLine struct {
	Quantity            int64    `json:"quantity"`
	CurrentPrice        moneyV2  `json:"currentPrice"`
	LineDiscountedPrice *moneyV2 `json:"lineDiscountedPrice"`
}

type moneyV2 struct {
	Amount       decimal `json:"amount"`
	CurrencyCode string  `json:"currencyCode"`
}

// contractStatuses maps SubscriptionContractSubscriptionStatus. A failed
// contract's billing failed and it may yet be billed again; a stale one
// has not been billed when due (Shopify stops billing it but does not end
// it): both are past due. Cancelled and expired contracts have ended.
var contractStatuses = map[string]string{
	"ACTIVE":    platforms.SubscriptionActive,
	"PAUSED":    platforms.SubscriptionPaused,
	"FAILED":    platforms.SubscriptionPastDue,
	"STALE":     platforms.SubscriptionPastDue,
	"CANCELLED": platforms.SubscriptionCanceled,
	"EXPIRED":   platforms.SubscriptionCanceled,
}

// contractIntervals maps SellingPlanInterval.
var contractIntervals = map[string]string{
	"DAY": platforms.IntervalDay, "WEEK": platforms.IntervalWeek,
	"MONTH": platforms.IntervalMonth, "YEAR": platforms.IntervalYear,
}

// parseContract reads a subscription_contracts/* body. Without the
// contract EnrichWebhook adds (the scope not granted, the contract gone)
// it gives no event: the webhook alone has no amount to state.
func parseContract(body []byte) ([]platforms.Event, error) {
	var h contractHook
	if err := decode(body, &h); err != nil {
		return nil, err
	}
	if h.ID == "" && h.GID == "" {
		return nil, fmt.Errorf("%w: subscription contract without an id", platforms.ErrPayload)
	}
	if h.Contract == nil {
		return nil, nil
	}
	sub, err := contractState(&h)
	if err != nil {
		return nil, err
	}
	return []platforms.Event{{Kind: platforms.KindSubscription, Subscription: sub}}, nil
}

// contractState is the normalised state of an enriched contract.
func contractState(h *contractHook) (*platforms.Subscription, error) {
	c := h.Contract
	status, ok := contractStatuses[strings.ToUpper(c.Status)]
	if !ok {
		return nil, fmt.Errorf("%w: subscription contract status %q", platforms.ErrPayload, c.Status)
	}
	interval, ok := contractIntervals[strings.ToUpper(c.BillingPolicy.Interval)]
	if !ok {
		return nil, fmt.Errorf("%w: billing interval %q", platforms.ErrPayload, c.BillingPolicy.Interval)
	}
	cur, err := currencyOf(c.CurrencyCode)
	if err != nil {
		return nil, err
	}
	amt, err := contractAmount(c.Lines.Nodes, cur)
	if err != nil {
		return nil, err
	}
	monthly, err := platforms.MonthlyAmount(amt, interval, c.BillingPolicy.IntervalCount)
	if err != nil {
		return nil, err
	}
	s := &platforms.Subscription{ExternalID: contractID(h), CustomerID: string(h.CustomerID), Status: status,
		Currency: cur, Amount: amt, Interval: interval, IntervalCount: c.BillingPolicy.IntervalCount,
		MonthlyAmount: monthly, StartedAt: c.CreatedAt.UTC(), ChangedAt: c.UpdatedAt.UTC(), FirstOrderID: string(h.OriginID)}
	if c.Customer != nil {
		s.CustomerEmail = c.Customer.Email
	}
	if status == platforms.SubscriptionCanceled {
		s.CanceledAt = s.ChangedAt
	}
	return s, platforms.CheckSubscription(s)
}

// contractAmount is what one billing costs: the sum of the lines after
// their discounts (lineDiscountedPrice), or currentPrice × quantity where
// the discounted price is absent. Every amount must be in the contract's
// currency.
func contractAmount(lines []contractLine, cur string) (int64, error) {
	var total int64
	for _, l := range lines {
		m, mult := l.CurrentPrice, l.Quantity
		if l.LineDiscountedPrice != nil && l.LineDiscountedPrice.Amount != "" {
			m, mult = *l.LineDiscountedPrice, 1
		}
		if !strings.EqualFold(m.CurrencyCode, cur) || mult < 0 {
			return 0, fmt.Errorf("%w: subscription line of %d in %s, contract in %s", platforms.ErrPayload, l.Quantity, m.CurrencyCode, cur)
		}
		v, err := toMinor(string(m.Amount), cur)
		if err != nil {
			return 0, fmt.Errorf("%w: subscription line amount: %v", platforms.ErrPayload, err)
		}
		total += v * mult
	}
	return total, nil
}

// contractID is the contract's numeric id, as renewal orders name it.
func contractID(h *contractHook) string {
	if h.ID != "" {
		return string(h.ID)
	}
	return h.GID[strings.LastIndex(h.GID, "/")+1:]
}

// contractGID is the contract's GraphQL id.
func contractGID(h *contractHook) string {
	if h.GID != "" {
		return h.GID
	}
	return "gid://shopify/SubscriptionContract/" + string(h.ID)
}

// EnrichWebhook adds the subscription contract, as it stands now, to a
// subscription_contracts/* body, and the contract a renewal order bills to
// its orders/paid body (renewals.go); other bodies come back unchanged. A shop
// that did not grant ScopeSubscriptionContracts, or whose API refuses the
// query for want of it (ACCESS_DENIED), gets its body back unchanged: the
// event then books nothing, rather than failing again and again, and the
// refusal is logged once per shop while the process runs.
func (a *Adapter) EnrichWebhook(ctx context.Context, c *platforms.Conn, topic string, body []byte) ([]byte, error) {
	if topic == TopicOrdersPaid {
		return a.enrichRenewal(ctx, c, body)
	}
	if !isContractTopic(topic) {
		return body, nil
	}
	var h contractHook
	if err := decode(body, &h); err != nil || (h.ID == "" && h.GID == "") {
		return body, nil // the parser says what is wrong
	}
	if !granted(c, ScopeSubscriptionContracts) {
		a.noteNoContracts(c.ExternalID, "scope not granted")
		return body, nil
	}
	node, err := a.readContract(ctx, c, contractGID(&h))
	if errors.Is(err, errAccessDenied) {
		a.noteNoContracts(c.ExternalID, "access denied")
		return body, nil
	}
	if err != nil || node == nil {
		return body, err
	}
	return withField(body, contractKey, node)
}

// noteNoContracts logs, once per shop, that its contracts cannot be read.
func (a *Adapter) noteNoContracts(shop, why string) {
	if _, seen := a.noContracts.LoadOrStore(shop, true); !seen {
		slog.Warn("shopify: subscription contracts not readable; their events book nothing",
			"shop", shop, "reason", why, "scope", ScopeSubscriptionContracts)
	}
}

// withField adds key: v to a JSON object.
func withField(body []byte, key string, v any) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, fmt.Errorf("%w: %v", platforms.ErrPayload, err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	obj[key] = raw
	return json.Marshal(obj)
}

var _ platforms.SelectiveEnricher = (*Adapter)(nil)

// Enriches reports whether EnrichWebhook reads anything for a delivery:
// the subscription contract topics, and the paid orders of billing
// attempts; every other body is parsed as it came (a paid order from the
// checkout can be booked without a call to Shopify).
func (a *Adapter) Enriches(topic string, body []byte) bool {
	if topic == TopicOrdersPaid {
		_, ok := isRenewal(body)
		return ok
	}
	return isContractTopic(topic)
}
