package shopify

import (
	"fmt"
	"strings"

	"codecredit/platforms"
)

// The discount shapes of the GraphQL Admin API (2026-10): a DiscountCodeNode
// holds a codeDiscount, a union of DiscountCodeBasic (percentage or fixed
// amount), DiscountCodeBxgy, DiscountCodeFreeShipping and DiscountCodeApp,
// each with a paged codes connection.
// https://shopify.dev/docs/api/admin-graphql/latest/objects/DiscountCodeNode

// discountSelection selects what the adapter reads of a code discount; the
// codes connection takes the given arguments (GraphQL variables).
func discountSelection(codesArgs string) string {
	return discountFields(`codes(` + codesArgs + `) { nodes { id code } pageInfo { hasNextPage endCursor } }`)
}

// discountFields selects a code discount's terms and, with codes, its
// codes connection.
func discountFields(codes string) string {
	common := `title status appliesOncePerCustomer
        ` + codes
	value := `customerGets { value { __typename
          ... on DiscountPercentage { percentage }
          ... on DiscountAmount { amount { amount currencyCode } appliesOnEachItem } } }`
	var b strings.Builder
	b.WriteString("id codeDiscount { __typename\n")
	for _, t := range []string{"DiscountCodeBasic", "DiscountCodeBxgy", "DiscountCodeFreeShipping", "DiscountCodeApp"} {
		b.WriteString("      ... on " + t + " { " + common)
		if t == "DiscountCodeBasic" {
			b.WriteString("\n        " + value)
		}
		b.WriteString(" }\n")
	}
	b.WriteString("    }")
	return b.String()
}

type pageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

type codeConn struct {
	Nodes []struct {
		ID   string `json:"id"`
		Code string `json:"code"`
	} `json:"nodes"`
	PageInfo pageInfo `json:"pageInfo"`
}

type codeDiscountNode struct {
	ID           string `json:"id"`
	CodeDiscount *struct {
		Typename               string   `json:"__typename"`
		Title                  string   `json:"title"`
		Status                 string   `json:"status"`
		AppliesOncePerCustomer bool     `json:"appliesOncePerCustomer"`
		Codes                  codeConn `json:"codes"`
		CustomerGets           *struct {
			Value *struct {
				Typename   string  `json:"__typename"`
				Percentage decimal `json:"percentage"`
				Amount     *struct {
					Amount       decimal `json:"amount"`
					CurrencyCode string  `json:"currencyCode"`
				} `json:"amount"`
			} `json:"value"`
		} `json:"customerGets"`
	} `json:"codeDiscount"`
}

// codes returns the node's codes of this page with the discount's terms.
func (n *codeDiscountNode) codes() ([]platforms.DiscountCode, error) {
	d := n.CodeDiscount
	if d == nil {
		return nil, nil
	}
	tmpl, err := n.terms()
	if err != nil {
		return nil, err
	}
	out := make([]platforms.DiscountCode, 0, len(d.Codes.Nodes))
	for _, c := range d.Codes.Nodes {
		dc := tmpl
		dc.PlatformCodeID, dc.Code = c.ID, c.Code
		out = append(out, dc)
	}
	return out, nil
}

// terms is what every code of the discount shares: the discount's id,
// kind, value, once-per-customer rule and whether it is active.
func (n *codeDiscountNode) terms() (platforms.DiscountCode, error) {
	d := n.CodeDiscount
	tmpl := platforms.DiscountCode{PlatformID: n.ID, DiscountType: "other"}
	if d == nil {
		return tmpl, nil
	}
	tmpl.OncePerCustomer, tmpl.Active = d.AppliesOncePerCustomer, d.Status == "ACTIVE"
	switch d.Typename {
	case "DiscountCodeFreeShipping":
		tmpl.DiscountType = "free_shipping"
	case "DiscountCodeBasic":
		if err := basicValue(&tmpl, n); err != nil {
			return tmpl, err
		}
	}
	return tmpl, nil
}

// basicValue reads a basic discount's value: a percentage (0.15) becomes
// basis points (1500), a fixed amount minor units of its currency.
func basicValue(dc *platforms.DiscountCode, n *codeDiscountNode) error {
	g := n.CodeDiscount.CustomerGets
	if g == nil || g.Value == nil {
		return nil
	}
	switch v := g.Value; v.Typename {
	case "DiscountPercentage":
		bps, err := scaleDecimal(string(v.Percentage), 4)
		if err != nil {
			return fmt.Errorf("shopify: discount %s percentage: %w", n.ID, err)
		}
		dc.DiscountType, dc.DiscountValue = "percentage", bps
	case "DiscountAmount":
		if v.Amount == nil {
			return nil
		}
		cur := strings.ToUpper(v.Amount.CurrencyCode)
		minor, err := toMinor(string(v.Amount.Amount), cur)
		if err != nil {
			return fmt.Errorf("shopify: discount %s amount: %w", n.ID, err)
		}
		dc.DiscountType, dc.DiscountValue, dc.Currency = "fixed_amount", minor, cur
	}
	return nil
}
