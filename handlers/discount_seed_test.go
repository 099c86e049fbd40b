package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"codecredit/models"
	"codecredit/platforms"
)

// discountCode is a code the discount tests give Jane (0) or Bob (1).
type discountCode struct {
	code, kind string
	value      int64
	owner      int
}

// discountOrder is an order placed with a code through the account's API
// connection; an empty currency is USD.
type discountOrder struct {
	code, email, currency string
	subtotal              int64
}

// seedDiscounts creates Jane and Bob in shop with the codes, then books
// the orders, placed an hour ago, numbered from 100. It returns when they
// were placed.
func (v *env) seedDiscounts(shop tenant, codes []discountCode, orders []discountOrder) time.Time {
	v.t.Helper()
	ctx := context.Background()
	var owners [2]models.Affiliate
	for i, name := range []string{"Jane", "Bob"} {
		v.must(http.StatusCreated, "POST", "/api/v1/affiliates", shop.key,
			map[string]string{"name": name, "email": strings.ToLower(name) + "@example.com"}, &owners[i])
	}
	for _, c := range codes {
		body := map[string]any{"code": c.code, "discount_type": c.kind, "discount_value": c.value, "affiliate_id": owners[c.owner].ID}
		if c.kind == "fixed_amount" {
			body["currency"] = "USD"
		}
		v.must(http.StatusCreated, "POST", "/api/v1/codes", shop.key, body, nil)
	}
	conn, err := v.store.APIConnection(ctx, shop.acct.ID)
	if err != nil {
		v.t.Fatal(err)
	}
	placed := v.store.Now().Add(-time.Hour)
	for i, o := range orders {
		cur := o.currency
		if cur == "" {
			cur = "USD"
		}
		_, err := v.store.AttributeOrder(ctx, conn.ID, platforms.Order{ExternalID: fmt.Sprint(100 + i), Codes: []string{o.code},
			CustomerEmail: o.email, Currency: cur, Subtotal: o.subtotal, Total: o.subtotal, PlacedAt: placed})
		if err != nil {
			v.t.Fatal(err)
		}
	}
	return placed
}
