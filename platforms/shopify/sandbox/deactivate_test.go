package sandbox

import (
	"errors"
	"testing"
)

const deactivateMutation = `mutation DeactivateCode($id: ID!) {
  discountCodeDeactivate(id: $id) {
    codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic { status endsAt } } }
    userErrors { field code message } } }`

// discountCodeDeactivate ends the discount now: it reads EXPIRED, checkout
// refuses its code, the app hears discounts/update, and a second call
// changes nothing. An id naming no discount is a userError on "id"; one
// that is no global id is refused before anything runs.
func TestDiscountCodeDeactivate(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	rc := newReceiver(t, nil)
	e.subscribe(t, tok, rc, "discounts/update")
	r := e.gql(t, tok, createMutation, createInput("ANNA15", map[string]any{"percentage": 0.15}))
	id := dig(r.Data, "discountCodeBasicCreate", "codeDiscountNode", "id")
	if id == nil {
		t.Fatalf("create: %s", r.Raw)
	}
	e.clock.Advance(3600e9)
	r = e.gql(t, tok, deactivateMutation, map[string]any{"id": id})
	node := dig(r.Data, "discountCodeDeactivate", "codeDiscountNode", "codeDiscount")
	if dig(node, "status") != "EXPIRED" || dig(node, "endsAt") != "2026-11-02T11:00:00Z" ||
		len(dig(r.Data, "discountCodeDeactivate", "userErrors").([]any)) != 0 {
		t.Fatalf("deactivate: %s", r.Raw)
	}
	if r.Extensions.Cost.RequestedQueryCost != 10 {
		t.Errorf("a mutation costs 10, got %d", r.Extensions.Cost.RequestedQueryCost)
	}
	line := []Line{{Title: "Mug", Price: "20.00", Quantity: 1}}
	if _, err := e.sb.PlaceOrder(testShop, OrderSpec{Codes: []string{"ANNA15"}, Email: "a@example.com", Lines: line}); !errors.Is(err, ErrCodeRejected) {
		t.Errorf("an order with the deactivated code: %v; want it refused", err)
	}
	e.sb.Wait()
	if got := rc.topics(); len(got) != 1 || got[0] != "discounts/update" {
		t.Errorf("deliveries %v; want one discounts/update", got)
	}

	e.clock.Advance(3600e9)
	r = e.gql(t, tok, deactivateMutation, map[string]any{"id": id})
	if dig(r.Data, "discountCodeDeactivate", "codeDiscountNode", "codeDiscount", "endsAt") != "2026-11-02T11:00:00Z" {
		t.Errorf("deactivating again moved the end: %s", r.Raw)
	}
	if e.sb.Wait(); len(rc.topics()) != 1 {
		t.Errorf("deactivating again sent %v", rc.topics())
	}

	r = e.gql(t, tok, deactivateMutation, map[string]any{"id": "gid://shopify/DiscountCodeNode/404"})
	errs := dig(r.Data, "discountCodeDeactivate", "userErrors")
	if dig(errs, 0, "field", 0) != "id" || dig(errs, 0, "message") != "Discount does not exist" ||
		dig(r.Data, "discountCodeDeactivate", "codeDiscountNode") != nil {
		t.Errorf("unknown discount: %s", r.Raw)
	}
	r = e.gql(t, tok, deactivateMutation, map[string]any{"id": "ANNA15"})
	if len(r.Errors) != 1 || dig(r.Errors[0].Extensions, "code") != "INVALID_VARIABLE" || r.Data != nil {
		t.Errorf("an id that is no global id: %s", r.Raw)
	}
	readOnly := e.grantCode(t, "read_discounts", true).AccessToken
	r = e.gql(t, readOnly, deactivateMutation, map[string]any{"id": id})
	if len(r.Errors) != 1 || dig(r.Errors[0].Extensions, "code") != "ACCESS_DENIED" {
		t.Errorf("without write_discounts: %s", r.Raw)
	}
}
