package sandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// queryRoot is QueryRoot for one shop and token.
func (s *Sandbox) queryRoot(sh *Shop, scope string) *gobj {
	root := &gobj{typ: "QueryRoot", wrapper: true, fields: map[string]any{
		"shop":                   s.shopObject(sh),
		"codeDiscountNodes":      s.codeDiscountNodes(sh, scope),
		"codeDiscountNode":       s.codeDiscountNode(sh, scope),
		"codeDiscountNodeByCode": s.codeDiscountNodeByCode(sh, scope),
		"discountCodesCount":     s.discountCodesCount(sh, scope),
		"webhookSubscriptions":   resolver(func(a map[string]any) (any, error) { return s.webhookSubscriptions(sh, a) }),
		"webhookSubscription": resolver(func(a map[string]any) (any, error) {
			if sub := findSub(sh, strArg(a, "id")); sub != nil {
				return subscriptionObject(sub), nil
			}
			return nil, nil
		}),
		"currentAppInstallation": s.appInstallation(sh, scope),
	}}
	s.bulkQueries(sh, root.fields)
	s.catalogRoots(sh, scope, root.fields)
	root.fields["subscriptionContract"] = s.subscriptionContract(sh, scope)
	root.fields["customer"] = s.customerRoot(sh, scope)
	root.fields["customers"] = s.customersRoot(sh, scope)
	return root
}

// mutationRoot is Mutation for one shop and token.
func (s *Sandbox) mutationRoot(sh *Shop, scope string) *gobj {
	return &gobj{typ: "Mutation", wrapper: true, fields: map[string]any{
		"discountCodeBasicCreate": s.discountCodeBasicCreate(sh, scope),
		"discountCodeDelete":      s.discountCodeDelete(sh, scope),
		"discountCodeDeactivate":  s.discountCodeDeactivate(sh, scope),
		"webhookSubscriptionCreate": resolver(func(a map[string]any) (any, error) {
			topic := topicName(strArg(a, "topic"))
			if slices.Contains(disputeTopics, topic) {
				if err := needScope(scope, "webhookSubscriptionCreate", DisputeScope); err != nil {
					return nil, err
				}
			}
			if slices.Contains(contractTopics, topic) {
				if err := needScope(scope, "webhookSubscriptionCreate", ContractScope); err != nil {
					return nil, err
				}
			}
			return s.webhookSubscriptionCreate(sh, a)
		}),
		"webhookSubscriptionDelete": resolver(func(a map[string]any) (any, error) { return s.webhookSubscriptionDelete(sh, a) }),
		"bulkOperationRunQuery":     s.bulkOperationRunQuery(sh, scope),
		"storeCreditAccountCredit":  s.storeCreditAccountCredit(sh, scope),
	}}
}

func (s *Sandbox) shopObject(sh *Shop) *gobj {
	url := "https://" + sh.Domain
	return &gobj{typ: "Shop", fields: map[string]any{
		"id": gid("Shop", sh.ID), "name": sh.Name, "email": sh.Email, "contactEmail": sh.Email,
		"currencyCode": sh.Currency, "myshopifyDomain": sh.Domain, "url": url,
		"ianaTimezone": "Etc/UTC", "timezoneAbbreviation": "UTC",
		"primaryDomain": &gobj{typ: "Domain", fields: map[string]any{
			"id": gid("Domain", sh.ID), "host": sh.Domain, "url": url, "sslEnabled": true}},
		"plan": &gobj{typ: "ShopPlan", fields: map[string]any{
			"displayName": sh.Plan, "publicDisplayName": sh.Plan, "partnerDevelopment": false, "shopifyPlus": false}},
		"currencyFormats": &gobj{typ: "CurrencyFormats", fields: map[string]any{
			"moneyFormat": "{{amount}} " + sh.Currency, "moneyWithCurrencyFormat": "{{amount}} " + sh.Currency}},
	}}
}

func (s *Sandbox) appInstallation(sh *Shop, scope string) *gobj {
	var handles []*gobj
	for _, h := range splitScopes(scope) {
		handles = append(handles, &gobj{typ: "AccessScope", fields: map[string]any{"handle": h, "description": h}})
	}
	return &gobj{typ: "AppInstallation", fields: map[string]any{
		"id": gid("AppInstallation", sh.ID), "accessScopes": handles, "launchUrl": s.appURL,
	}}
}

// topicName turns the WebhookSubscriptionTopic enum (ORDERS_PAID) into the
// topic of the deliveries (orders/paid).
func topicName(enum string) string {
	lower := strings.ToLower(enum)
	if rest, ok := strings.CutPrefix(lower, "subscription_contracts_"); ok {
		return "subscription_contracts/" + rest
	}
	return strings.Replace(lower, "_", "/", 1)
}

// topicEnum is the inverse of topicName.
func topicEnum(topic string) string {
	return strings.ToUpper(strings.Replace(topic, "/", "_", 1))
}

func subscriptionObject(sub *subscription) *gobj {
	endpoint := &gobj{typ: "WebhookHttpEndpoint",
		fields: map[string]any{"callbackUrl": sub.URI}}
	return &gobj{typ: "WebhookSubscription", fields: map[string]any{
		"id": gid("WebhookSubscription", sub.ID), "legacyResourceId": strconv.FormatInt(sub.ID, 10),
		"topic": topicEnum(sub.Topic), "uri": sub.URI, "callbackUrl": sub.URI, "endpoint": endpoint,
		"format": sub.Format, "includeFields": []string{}, "metafieldNamespaces": []string{},
		"filter": "", "createdAt": sub.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"updatedAt": sub.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"apiVersion": &gobj{typ: "ApiVersion", fields: map[string]any{
			"handle": APIVersion, "displayName": APIVersion, "supported": true}},
	}}
}

func findSub(sh *Shop, id string) *subscription {
	for _, sub := range sh.subs {
		if gid("WebhookSubscription", sub.ID) == id {
			return sub
		}
	}
	return nil
}

func (s *Sandbox) webhookSubscriptions(sh *Shop, a map[string]any) (any, error) {
	var subs []*subscription
	topics := listArg(a, "topics")
	for _, sub := range sh.subs {
		if len(topics) == 0 || slices.Contains(topics, topicEnum(sub.Topic)) {
			subs = append(subs, sub)
		}
	}
	ids := make([]int64, len(subs))
	for i, sub := range subs {
		ids[i] = sub.ID
	}
	return connection("WebhookSubscription", ids, a, func(i int) *gobj { return subscriptionObject(subs[i]) })
}

// listArg reads a list argument as strings.
func listArg(args map[string]any, k string) []string {
	switch v := args[k].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			out[i] = fmt.Sprint(e)
		}
		return out
	}
	return nil
}

// webhookSubscriptionCreate subscribes an address to a topic; the input's
// uri (or the older callbackUrl) is where deliveries go.
func (s *Sandbox) webhookSubscriptionCreate(sh *Shop, a map[string]any) (any, error) {
	in, _ := a["webhookSubscription"].(map[string]any)
	topic := strArg(a, "topic")
	uri, field := strArg(in, "uri"), "uri"
	if uri == "" {
		uri, field = strArg(in, "callbackUrl"), "callbackUrl"
	}
	sub, badField, msg := s.subscribe(sh, topicName(topic), uri)
	payload := map[string]any{"webhookSubscription": nil, "userErrors": []*gobj{}}
	if sub == nil {
		if badField == "address" {
			badField, msg = field, "Address "+msg
		}
		payload["userErrors"] = []*gobj{plainUserError([]string{"webhookSubscription", badField}, msg)}
	} else {
		payload["webhookSubscription"] = subscriptionObject(sub)
	}
	return &gobj{typ: "WebhookSubscriptionCreatePayload", fields: payload}, nil
}

func (s *Sandbox) webhookSubscriptionDelete(sh *Shop, a map[string]any) (any, error) {
	id := strArg(a, "id")
	payload := map[string]any{"deletedWebhookSubscriptionId": nil, "userErrors": []*gobj{}}
	if sub := findSub(sh, id); sub != nil && s.unsubscribe(sh, sub.ID) {
		payload["deletedWebhookSubscriptionId"] = id
	} else {
		payload["userErrors"] = []*gobj{plainUserError([]string{"id"}, "Webhook subscription does not exist")}
	}
	return &gobj{typ: "WebhookSubscriptionDeletePayload", fields: payload}, nil
}

func plainUserError(field []string, msg string) *gobj {
	return &gobj{typ: "UserError", fields: map[string]any{"field": field, "message": msg}}
}
