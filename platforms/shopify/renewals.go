package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"codecredit/platforms"
)

// Renewal orders. An order a subscription app's billing attempt placed has
// source_name "subscription_contract", but the REST order of orders/paid
// names no contract. EnrichWebhook finds it through the GraphQL Admin API,
// with documented fields only: the customer's subscription contracts
// (Customer.subscriptionContracts) and each one's latest orders
// (SubscriptionContract.orders); the contract whose orders hold this one
// is the one it renews. Its numeric id goes in the body under renewalKey,
// and becomes Order.SubscriptionID, so the renewal is credited to whoever
// brought the subscription. The customer needs ScopeCustomers, the
// contracts ScopeSubscriptionContracts; without them the order is booked
// as it came.

// ScopeCustomers is the access scope the customer query needs.
const ScopeCustomers = "read_customers"

// sourceRenewal is the source_name of an order placed by a billing attempt.
const sourceRenewal = "subscription_contract"

// renewalKey is where EnrichWebhook puts the contract a renewal bills; no
// Shopify payload has a field of that name.
const renewalKey = "codecredit_subscription_contract_id"

// queryRenewedContract lists a customer's contracts with their five
// latest orders (a renewal is read seconds after it is placed, long
// before the next).
const queryRenewedContract = `query RenewedContract($id: ID!, $after: String) {
  customer(id: $id) {
    subscriptionContracts(first: 50, after: $after) {
      nodes { id orders(first: 5, reverse: true) { nodes { id } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`

// renewal is what Enriches and enrichRenewal read of an orders/paid body.
type renewal struct {
	ID         id     `json:"id"`
	SourceName string `json:"source_name"`
	Customer   *struct {
		ID id `json:"id"`
	} `json:"customer"`
}

// isRenewal reports whether an orders/paid body is a billing attempt's
// order with a customer to look its contract up by.
func isRenewal(body []byte) (renewal, bool) {
	var r renewal
	if json.Unmarshal(body, &r) != nil || r.SourceName != sourceRenewal || r.ID == "" || r.Customer == nil || r.Customer.ID == "" {
		return r, false
	}
	return r, true
}

// enrichRenewal adds the contract a renewal order bills to its body.
func (a *Adapter) enrichRenewal(ctx context.Context, c *platforms.Conn, body []byte) ([]byte, error) {
	r, ok := isRenewal(body)
	if !ok {
		return body, nil
	}
	if !granted(c, ScopeSubscriptionContracts) || !granted(c, ScopeCustomers) {
		a.noteNoContracts(c.ExternalID, "scope not granted")
		return body, nil
	}
	contract, err := a.renewedContract(ctx, c, "gid://shopify/Customer/"+string(r.Customer.ID), "gid://shopify/Order/"+string(r.ID))
	if errors.Is(err, errAccessDenied) {
		a.noteNoContracts(c.ExternalID, "access denied")
		return body, nil
	}
	if err != nil || contract == "" {
		return body, err
	}
	return withField(body, renewalKey, contract[strings.LastIndex(contract, "/")+1:])
}

// renewedContract is the GraphQL id of the customer's contract among
// whose latest orders order is, "" when none.
func (a *Adapter) renewedContract(ctx context.Context, c *platforms.Conn, customer, order string) (string, error) {
	after := ""
	for {
		var data struct {
			Customer *struct {
				Contracts struct {
					Nodes []struct {
						ID     string `json:"id"`
						Orders struct {
							Nodes []struct {
								ID string `json:"id"`
							} `json:"nodes"`
						} `json:"orders"`
					} `json:"nodes"`
					PageInfo struct {
						HasNextPage bool   `json:"hasNextPage"`
						EndCursor   string `json:"endCursor"`
					} `json:"pageInfo"`
				} `json:"subscriptionContracts"`
			} `json:"customer"`
		}
		vars := map[string]any{"id": customer}
		if after != "" {
			vars["after"] = after
		}
		if err := a.graphql(ctx, c, queryRenewedContract, vars, &data); err != nil || data.Customer == nil {
			return "", err
		}
		for _, k := range data.Customer.Contracts.Nodes {
			for _, o := range k.Orders.Nodes {
				if o.ID == order {
					return k.ID, nil
				}
			}
		}
		page := data.Customer.Contracts.PageInfo
		if !page.HasNextPage || page.EndCursor == "" {
			return "", nil
		}
		after = page.EndCursor
	}
}
