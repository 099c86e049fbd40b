package shopify

import (
	"context"

	"codecredit/platforms"
)

// queryContract reads what a subscription contract's state needs: its
// status, billing policy, times and customer, and its lines a page at a
// time.
const queryContract = `query SubscriptionContract($id: ID!, $after: String) {
  subscriptionContract(id: $id) {
    id status currencyCode createdAt updatedAt revisionId
    billingPolicy { interval intervalCount }
    customer { email }
    lines(first: 100, after: $after) {
      nodes {
        quantity
        currentPrice { amount currencyCode }
        lineDiscountedPrice { amount currencyCode }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`

// readContract reads a subscription contract with all its lines; nil when
// the shop has no such contract.
func (a *Adapter) readContract(ctx context.Context, c *platforms.Conn, gid string) (*contractNode, error) {
	var out *contractNode
	after := ""
	for {
		var data struct {
			Contract *contractNode `json:"subscriptionContract"`
		}
		vars := map[string]any{"id": gid}
		if after != "" {
			vars["after"] = after
		}
		if err := a.graphql(ctx, c, queryContract, vars, &data); err != nil {
			return nil, err
		}
		if data.Contract == nil {
			return out, nil
		}
		if out == nil {
			out = data.Contract
		} else {
			out.Lines.Nodes = append(out.Lines.Nodes, data.Contract.Lines.Nodes...)
		}
		page := data.Contract.Lines.PageInfo
		if !page.HasNextPage || page.EndCursor == "" {
			out.Lines.PageInfo = page
			return out, nil
		}
		after = page.EndCursor
	}
}
