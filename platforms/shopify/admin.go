package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"codecredit/platforms"
)

// mutationCreateCode is discountCodeBasicCreate
// (https://shopify.dev/docs/api/admin-graphql/latest/mutations/discountCodeBasicCreate).
var mutationCreateCode = `mutation CreateCode($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { ` + discountSelection("first: 1") + ` }
    userErrors { field code message }
  }
}`

// CreateCode creates a basic code discount for all customers and all
// products: a percentage (basis points) or a fixed amount (minor units of
// the shop's currency, read from the shop when the code does not say) off.
// Shopify's refusals (a code already taken, an
// invalid value) come back as a *platforms.RejectedError with its message.
func (a *Adapter) CreateCode(ctx context.Context, c *platforms.Conn, code platforms.NewCode) (platforms.DiscountCode, error) {
	input, err := a.createInput(ctx, c, code)
	if err != nil {
		return platforms.DiscountCode{}, err
	}
	var data struct {
		Create struct {
			Node       *codeDiscountNode `json:"codeDiscountNode"`
			UserErrors []userError       `json:"userErrors"`
		} `json:"discountCodeBasicCreate"`
	}
	if err := a.graphql(ctx, c, mutationCreateCode, map[string]any{"basicCodeDiscount": input}, &data); err != nil {
		return platforms.DiscountCode{}, err
	}
	if err := rejected(data.Create.UserErrors); err != nil {
		return platforms.DiscountCode{}, err
	}
	if data.Create.Node == nil {
		return platforms.DiscountCode{}, fmt.Errorf("shopify: discountCodeBasicCreate returned no discount")
	}
	codes, err := data.Create.Node.codes()
	if err != nil {
		return platforms.DiscountCode{}, err
	}
	for _, dc := range codes {
		if strings.EqualFold(dc.Code, code.Code) {
			return dc, nil
		}
	}
	return platforms.DiscountCode{PlatformID: data.Create.Node.ID, Code: code.Code, DiscountType: code.DiscountType,
		DiscountValue: code.DiscountValue, Currency: code.Currency, OncePerCustomer: code.OncePerCustomer, Active: true}, nil
}

// createInput checks the code and builds its input; a fixed amount without
// a currency is in the shop's currency, read from the shop.
func (a *Adapter) createInput(ctx context.Context, c *platforms.Conn, code platforms.NewCode) (map[string]any, error) {
	input, err := a.basicInput(code)
	if err != nil || code.DiscountType != "fixed_amount" || code.Currency != "" {
		return input, err
	}
	_, _, cur, err := a.ShopInfo(ctx, c)
	if err != nil {
		return nil, err
	}
	code.Currency = cur
	return a.basicInput(code)
}

// basicInput is the DiscountCodeBasicInput for a new code.
func (a *Adapter) basicInput(code platforms.NewCode) (map[string]any, error) {
	name := strings.TrimSpace(code.Code)
	if name == "" || len(name) > 255 {
		return nil, &platforms.RejectedError{Reason: "a code of 1 to 255 characters is required"}
	}
	var value map[string]any
	switch code.DiscountType {
	case "percentage":
		if code.DiscountValue < 1 || code.DiscountValue > 10000 {
			return nil, &platforms.RejectedError{Reason: "a percentage must be between 0.01% and 100%"}
		}
		value = map[string]any{"percentage": json.Number(formatScaled(code.DiscountValue, 4, false))}
	case "fixed_amount":
		if code.DiscountValue < 1 {
			return nil, &platforms.RejectedError{Reason: "a fixed amount must be positive"}
		}
		amt := formatScaled(code.DiscountValue, currencyExponent(code.Currency), true)
		value = map[string]any{"discountAmount": map[string]any{"amount": amt, "appliesOnEachItem": false}}
	default:
		return nil, &platforms.RejectedError{Reason: fmt.Sprintf("discount type %q cannot be created on Shopify", code.DiscountType)}
	}
	title := strings.TrimSpace(code.Title)
	if title == "" {
		title = name
	}
	return map[string]any{
		"title": title, "code": name, "startsAt": a.now().UTC().Format("2006-01-02T15:04:05Z"),
		"context":                map[string]any{"all": "ALL"},
		"customerGets":           map[string]any{"value": value, "items": map[string]any{"all": true}},
		"appliesOncePerCustomer": code.OncePerCustomer,
	}, nil
}

var (
	queryWebhooks = `query Webhooks($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}`
	mutationSubscribe = `mutation Subscribe($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`
	queryShop = `query Shop { shop { name email currencyCode myshopifyDomain } }`
)

// complianceTopics are subscribed in shopify.app.toml only; the API refuses them.
var complianceTopics = map[string]bool{
	TopicCustomersDataRequest: true, TopicCustomersRedact: true, TopicShopRedact: true,
}

// topicEnum is the GraphQL WebhookSubscriptionTopic of a topic:
// "orders/paid" → "ORDERS_PAID".
func topicEnum(topic string) string {
	return strings.ToUpper(strings.NewReplacer("/", "_", "-", "_").Replace(topic))
}

// EnsureWebhooks subscribes the shop to every topic not yet delivered to
// callbackURL and returns how many subscriptions it created; running it
// again creates none. Compliance topics are skipped (they come from
// shopify.app.toml). The dispute and subscription contract topics are
// optional: skipped where the merchant did not grant their scope
// (ScopeDisputes, ScopeSubscriptionContracts), and a refusal to subscribe
// them (the scope missing, no Shopify Payments) leaves the install working
// without them.
func (a *Adapter) EnsureWebhooks(ctx context.Context, c *platforms.Conn, topics []string, callbackURL string) (int, error) {
	have, err := a.subscribedTopics(ctx, c, callbackURL)
	if err != nil {
		return 0, err
	}
	created := 0
	for _, t := range topics {
		enum := topicEnum(t)
		scope := optionalScope(t)
		if complianceTopics[t] || have[enum] || (scope != "" && !granted(c, scope)) {
			continue
		}
		err := a.subscribe(ctx, c, enum, callbackURL)
		if scope != "" && refused(err) {
			continue
		}
		if err != nil {
			return created, fmt.Errorf("shopify: subscribe %s: %w", t, err)
		}
		have[enum] = true
		created++
	}
	return created, nil
}

// optionalScope is the access scope an optional topic needs (the dispute
// and subscription contract topics), "" for the others.
func optionalScope(topic string) string {
	switch {
	case disputeTopics[topic]:
		return ScopeDisputes
	case isContractTopic(topic):
		return ScopeSubscriptionContracts
	}
	return ""
}

// granted reports whether the connection's granted scopes (as the token
// response listed them) include scope, its write_ scope implying read_.
// Scopes not recorded count as granted: Shopify then decides.
func granted(c *platforms.Conn, scope string) bool {
	list := c.Credentials[CredScope]
	if strings.TrimSpace(list) == "" {
		return true
	}
	write := "write_" + strings.TrimPrefix(scope, "read_")
	for _, g := range strings.Split(list, ",") {
		if g = strings.TrimSpace(g); g == scope || g == write {
			return true
		}
	}
	return false
}

// refused reports a subscription Shopify declined (userErrors or a
// missing scope), as opposed to an outage or throttling.
func refused(err error) bool {
	var rej *platforms.RejectedError
	return errors.As(err, &rej) || errors.Is(err, errAccessDenied)
}

func (a *Adapter) subscribedTopics(ctx context.Context, c *platforms.Conn, callbackURL string) (map[string]bool, error) {
	have := map[string]bool{}
	after := ""
	for {
		var data struct {
			Subs struct {
				Nodes []struct {
					Topic string `json:"topic"`
					URI   string `json:"uri"`
				} `json:"nodes"`
				PageInfo pageInfo `json:"pageInfo"`
			} `json:"webhookSubscriptions"`
		}
		if err := a.graphql(ctx, c, queryWebhooks, map[string]any{"first": 100, "after": nullable(after)}, &data); err != nil {
			return nil, err
		}
		for _, n := range data.Subs.Nodes {
			if n.URI == callbackURL {
				have[n.Topic] = true
			}
		}
		if !data.Subs.PageInfo.HasNextPage || data.Subs.PageInfo.EndCursor == "" {
			return have, nil
		}
		after = data.Subs.PageInfo.EndCursor
	}
}

func (a *Adapter) subscribe(ctx context.Context, c *platforms.Conn, topic, callbackURL string) error {
	var data struct {
		Create struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"webhookSubscriptionCreate"`
	}
	vars := map[string]any{"topic": topic, "webhookSubscription": map[string]any{"uri": callbackURL, "format": "JSON"}}
	if err := a.graphql(ctx, c, mutationSubscribe, vars, &data); err != nil {
		return err
	}
	return rejected(data.Create.UserErrors)
}

// ShopInfo reads the shop's name, contact email and currency.
func (a *Adapter) ShopInfo(ctx context.Context, c *platforms.Conn) (name, email, currency string, err error) {
	var data struct {
		Shop struct {
			Name         string `json:"name"`
			Email        string `json:"email"`
			CurrencyCode string `json:"currencyCode"`
		} `json:"shop"`
	}
	if err := a.graphql(ctx, c, queryShop, nil, &data); err != nil {
		return "", "", "", err
	}
	return data.Shop.Name, data.Shop.Email, strings.ToUpper(data.Shop.CurrencyCode), nil
}
