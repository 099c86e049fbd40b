package shopify

import (
	"context"
	"strings"

	"codecredit/platforms"
)

// mutationDeactivateCode is discountCodeDeactivate
// (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/discountCodeDeactivate):
// it ends the code discount now, after which Shopify reports it EXPIRED and
// checkout refuses its codes.
var mutationDeactivateCode = `mutation DeactivateCode($id: ID!) {
  discountCodeDeactivate(id: $id) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}`

// DeactivateCode stops a code from applying at checkout by deactivating
// its discount (the DiscountCodeNode in code.PlatformID; a discount that
// holds several codes stops for all of them). A discount already expired,
// or deleted from the shop, is not an error. An id that cannot name a code
// discount is a *platforms.RejectedError; other refusals come back as
// Shopify's userErrors in a *platforms.RejectedError.
func (a *Adapter) DeactivateCode(ctx context.Context, c *platforms.Conn, code platforms.DiscountCode) error {
	id := code.PlatformID
	if !strings.HasPrefix(id, gidCodeDiscount) || len(id) == len(gidCodeDiscount) {
		return &platforms.RejectedError{Reason: "the code " + code.Code + " has no Shopify code discount to deactivate"}
	}
	var data struct {
		Deactivate struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"discountCodeDeactivate"`
	}
	if err := a.graphql(ctx, c, mutationDeactivateCode, map[string]any{"id": id}, &data); err != nil {
		return err
	}
	var errs []userError
	for _, e := range data.Deactivate.UserErrors {
		if len(e.Field) == 1 && e.Field[0] == "id" {
			continue // no such discount any more: nothing left to stop
		}
		errs = append(errs, e)
	}
	return rejected(errs)
}

var _ platforms.CodeDeactivator = (*Adapter)(nil)
