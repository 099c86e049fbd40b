package sandbox

import "strconv"

// subscriptionContract is QueryRoot.subscriptionContract(id): the shop's
// contract of that id, or null; refused without ContractScope.
func (s *Sandbox) subscriptionContract(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "subscriptionContract", ContractScope); err != nil {
			return nil, err
		}
		for _, c := range sh.contracts {
			if gid("SubscriptionContract", c.ID) == strArg(a, "id") {
				return contractObject(sh, c), nil
			}
		}
		return nil, nil
	}
}

func contractObject(sh *Shop, c *contract) *gobj {
	ids := make([]int64, len(c.Lines))
	for i, l := range c.Lines {
		ids[i] = l.ID
	}
	next := c.UpdatedAt.AddDate(0, 1, 0)
	return &gobj{typ: "SubscriptionContract", fields: map[string]any{
		"id": gid("SubscriptionContract", c.ID), "status": c.Status, "currencyCode": c.Currency,
		"createdAt": gqlTime(c.CreatedAt), "updatedAt": gqlTime(c.UpdatedAt), "revisionId": strconv.FormatInt(c.Revision, 10),
		"nextBillingDate": gqlTime(next),
		"billingPolicy": &gobj{typ: "SubscriptionBillingPolicy", fields: map[string]any{
			"interval": c.Interval, "intervalCount": c.IntervalCount, "minCycles": 1, "maxCycles": nil}},
		"customer": &gobj{typ: "Customer", fields: map[string]any{"id": gid("Customer", c.CustomerID), "email": c.Email}},
		"lines": resolver(func(a map[string]any) (any, error) {
			return connection("SubscriptionLine", ids, a, func(i int) *gobj { return contractLineObject(c, c.Lines[i]) })
		}),
		"orders": resolver(func(a map[string]any) (any, error) {
			return connection("Order", c.Orders, a, func(i int) *gobj {
				o := sh.orders[c.Orders[i]]
				return &gobj{typ: "Order", fields: map[string]any{"id": gid("Order", o.ID), "name": "#" + strconv.Itoa(o.Number)}}
			})
		}),
	}}
}

func contractLineObject(c *contract, l *contractLine) *gobj {
	m := func(v int64) *gobj {
		return &gobj{typ: "MoneyV2", fields: map[string]any{"amount": money(v, c.Currency), "currencyCode": c.Currency}}
	}
	return &gobj{typ: "SubscriptionLine", fields: map[string]any{
		"id": gid("SubscriptionLine", l.ID), "title": l.Title, "quantity": l.Qty,
		"currentPrice": m(l.Price), "lineDiscountedPrice": m(l.Price*int64(l.Qty) - l.Discount)}}
}

// customerRoot is QueryRoot.customer(id): a customer of the shop's orders
// (read_customers), with the subscription contracts it holds (those need
// ContractScope too).
func (s *Sandbox) customerRoot(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "customer", "read_customers"); err != nil {
			return nil, err
		}
		for _, c := range sh.customers() {
			if gid("Customer", c.ID) == strArg(a, "id") {
				return s.customerObject(sh, scope, c.ID, c.Email), nil
			}
		}
		return nil, nil
	}
}

func (s *Sandbox) customerObject(sh *Shop, scope string, id int64, email string) *gobj {
	c := &gobj{typ: "Customer", fields: map[string]any{"id": gid("Customer", id), "email": email,
		"subscriptionContracts": resolver(func(a map[string]any) (any, error) {
			if err := needScope(scope, "subscriptionContracts", ContractScope); err != nil {
				return nil, err
			}
			var held []*contract
			var ids []int64
			for _, c := range sh.contracts {
				if c.CustomerID == id {
					held, ids = append(held, c), append(ids, c.ID)
				}
			}
			return connection("SubscriptionContract", ids, a, func(i int) *gobj { return contractObject(sh, held[i]) })
		}),
	}}
	s.creditFields(sh, scope, id, email, c.fields)
	return c
}
