package sandbox

import (
	"context"
	"errors"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	goshopify "github.com/bold-commerce/go-shopify/v4"
)

// The adapter's import queries: 25 discounts with their first 20 codes,
// then one discount's further codes 250 at a time.
const (
	importSelection = `id codeDiscount { __typename
	  ... on DiscountCodeBasic { title status appliesOncePerCustomer
	    codes(first: $codesFirst, after: $codesAfter) { nodes { id code } pageInfo { hasNextPage endCursor } }
	    customerGets { value { __typename ... on DiscountPercentage { percentage }
	      ... on DiscountAmount { amount { amount currencyCode } appliesOnEachItem } } } }
	  ... on DiscountCodeBxgy { title status codes(first: $codesFirst, after: $codesAfter) { nodes { id code } pageInfo { hasNextPage endCursor } } }
	  ... on DiscountCodeFreeShipping { title status codes(first: $codesFirst, after: $codesAfter) { nodes { id code } pageInfo { hasNextPage endCursor } } }
	  ... on DiscountCodeApp { title status codes(first: $codesFirst, after: $codesAfter) { nodes { id code } pageInfo { hasNextPage endCursor } } } }`
	listQuery = `query CodeDiscounts($first: Int!, $after: String, $codesFirst: Int!, $codesAfter: String) {
	  codeDiscountNodes(first: $first, after: $after, sortKey: ID) {
	    edges { cursor node { ` + importSelection + ` } } pageInfo { hasNextPage endCursor } } }`
	drainQuery = `query DiscountCodes($id: ID!, $codesFirst: Int!, $codesAfter: String) {
	  codeDiscountNode(id: $id) { ` + importSelection + ` } }`
)

// gqlRetry runs a query, moving the clock on when throttled for as long as
// the cost extension says the bucket needs; it counts the throttles.
func (e *env) gqlRetry(t *testing.T, tok, q string, vars map[string]any, throttles *int) gqlResult {
	t.Helper()
	for range 100 {
		r := e.gql(t, tok, q, vars)
		if len(r.Errors) == 0 || dig(r.Errors[0].Extensions, "code") != "THROTTLED" {
			return r
		}
		*throttles++
		c := r.Extensions.Cost
		if r.Data != nil || c.ActualQueryCost != nil {
			t.Fatalf("throttled answer carries data or an actual cost: %s", r.Raw)
		}
		wait := (float64(c.RequestedQueryCost) - c.ThrottleStatus.CurrentlyAvailable) / c.ThrottleStatus.RestoreRate
		e.clock.Advance(time.Duration(math.Ceil(wait*1000)) * time.Millisecond)
	}
	t.Fatal("still throttled after 100 tries")
	return gqlResult{}
}

// Paging through 5,000 seeded codes the way the adapter does finds every
// code exactly once, with the discounts of more than 20 codes drained
// through their nested codes connection, and the bucket throttles the
// import along the way.
func TestImportPagingOverFiveThousandCodes(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	if err := e.sb.SeedDiscounts(testShop, 5000); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	discounts, _ := e.sb.Discounts(testShop)
	for _, d := range discounts {
		for _, c := range d.Codes {
			want[c.Code] = true
		}
	}
	if len(want) != 5000 {
		t.Fatalf("seeded %d codes, want 5000", len(want))
	}
	if n := dig(e.gql(t, tok, `{ discountCodesCount(limit: null) { count precision } }`, nil).Data, "discountCodesCount", "count"); n != float64(5000) {
		t.Errorf("discountCodesCount = %v, want 5000", n)
	}
	got, throttles, drained := map[string]int{}, 0, 0
	addCodes := func(codeDiscount any) (string, bool) {
		for _, n := range dig(codeDiscount, "codes", "nodes").([]any) {
			got[dig(n, "code").(string)]++
		}
		more, _ := dig(codeDiscount, "codes", "pageInfo", "hasNextPage").(bool)
		end, _ := dig(codeDiscount, "codes", "pageInfo", "endCursor").(string)
		return end, more
	}
	var after any
	for page := 0; ; page++ {
		r := e.gqlRetry(t, tok, listQuery, map[string]any{"first": 25, "after": after, "codesFirst": 20}, &throttles)
		if len(r.Errors) > 0 {
			t.Fatalf("page %d: %s", page, r.Raw)
		}
		for _, edge := range dig(r.Data, "codeDiscountNodes", "edges").([]any) {
			end, more := addCodes(dig(edge, "node", "codeDiscount"))
			for more {
				drained++
				d := e.gqlRetry(t, tok, drainQuery, map[string]any{"id": dig(edge, "node", "id"), "codesFirst": 250, "codesAfter": end}, &throttles)
				end, more = addCodes(dig(d.Data, "codeDiscountNode", "codeDiscount"))
			}
		}
		if dig(r.Data, "codeDiscountNodes", "pageInfo", "hasNextPage") != true {
			break
		}
		after = dig(r.Data, "codeDiscountNodes", "pageInfo", "endCursor")
	}
	var missing, twice []string
	for c := range want {
		switch got[c] {
		case 0:
			missing = append(missing, c)
		case 1:
		default:
			twice = append(twice, c)
		}
	}
	if len(got) != len(want) || len(missing) > 0 || len(twice) > 0 {
		sort.Strings(missing)
		t.Errorf("imported %d codes; %d missing (%v...), %d seen twice", len(got), len(missing), head(missing), len(twice))
	}
	if drained == 0 || throttles == 0 {
		t.Errorf("drained %d nested pages and was throttled %d times; the seed should need both", drained, throttles)
	}
}

func head(s []string) []string { return s[:min(len(s), 5)] }

// The bucket: a query is refused with THROTTLED (and no data) when its
// requested cost is not available, the bucket refills at the restore rate,
// and go-shopify reads the answer as its RateLimitError.
func TestThrottleKicksInAndRestores(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.GraphQLBucket, o.GraphQLRestoreRate = 30, 10 })
	tok := e.token(t)
	if err := e.sb.SeedDiscounts(testShop, 400); err != nil {
		t.Fatal(err)
	}
	q := `{ codeDiscountNodes(first: 10) { nodes { id } } }` // 2 + 10 × 1 = 12 points, all used
	for i, want := range []float64{18, 6} {
		r := e.gql(t, tok, q, nil)
		c := r.Extensions.Cost
		if len(r.Errors) > 0 || c.RequestedQueryCost != 12 || c.ActualQueryCost == nil || *c.ActualQueryCost != 12 || c.ThrottleStatus.CurrentlyAvailable != want {
			t.Fatalf("call %d: %s; want cost 12 and %v left", i, r.Raw, want)
		}
	}
	r := e.gql(t, tok, q, nil)
	if r.Status != 200 || len(r.Errors) != 1 || r.Errors[0].Message != "Throttled" || dig(r.Errors[0].Extensions, "code") != "THROTTLED" || r.Data != nil {
		t.Fatalf("third call: %d %s, want 200 with a THROTTLED error and no data", r.Status, r.Raw)
	}
	if r.Extensions.Cost.ThrottleStatus.CurrentlyAvailable != 6 || r.Extensions.Cost.ActualQueryCost != nil {
		t.Errorf("throttled cost %s: a refused call must not be charged", r.Raw)
	}

	app := goshopify.App{ApiKey: testKey, ApiSecret: testSecret}
	client := goshopify.MustNewClient(app, testShop, tok, goshopify.WithHTTPClient(e.client), goshopify.WithVersion(APIVersion), goshopify.WithRetry(1))
	var out any
	err := client.GraphQL.Query(context.Background(), q, nil, &out)
	var rl goshopify.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 1 {
		t.Errorf("go-shopify: %v; want a RateLimitError asking for 1s (6 of 12 points, 10 a second)", err)
	}

	e.clock.Advance(600 * time.Millisecond)
	if r := e.gql(t, tok, q, nil); len(r.Errors) > 0 || r.Extensions.Cost.ThrottleStatus.CurrentlyAvailable != 0 {
		t.Errorf("after the bucket refilled: %s", r.Raw)
	}
	e.clock.Advance(time.Hour)
	if r := e.gql(t, tok, `{ shop { name } }`, nil); r.Extensions.Cost.ThrottleStatus.CurrentlyAvailable != 29 {
		t.Errorf("the bucket must refill to its size and no more: %s", r.Raw)
	}
}

// Shopify's cost rules: scalars 0, objects 1, a connection 2 plus its page
// size times a node, nested connections multiplied, a union its most
// expensive fragment; one query may not ask for more than 1,000 points.
func TestRequestedCost(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  int
	}{
		{"object", `{ shop { name email } }`, nil, 1},
		{"connection", `{ codeDiscountNodes(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage } } }`, nil, 12},
		{"variable page size", `query($n: Int!) { codeDiscountNodes(first: $n) { nodes { id } } }`, map[string]any{"n": 5}, 7},
		{"nested", `{ codeDiscountNodes(first: 10) { nodes { codeDiscount { ... on DiscountCodeBasic { codes(first: 5) { nodes { code } } } } } } }`, nil, 2 + 10*(1+1+7)},
		{"union takes the dearest", `{ codeDiscountNodes(first: 2) { nodes { codeDiscount { ... on DiscountCodeBasic { customerGets { value { __typename } } } ... on DiscountCodeFreeShipping { title } } } } }`, nil, 2 + 2*(1+1+2)},
		{"adapter list page", listQuery, map[string]any{"first": 25, "codesFirst": 20}, 677},
		{"mutation", `mutation { webhookSubscriptionDelete(id: "gid://shopify/WebhookSubscription/1") { userErrors { message } } }`, nil, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.gql(t, tok, tt.query, tt.vars)
			if got := r.Extensions.Cost.RequestedQueryCost; got != tt.want || len(r.Errors) > 0 {
				t.Errorf("requested cost %d, want %d (%s)", got, tt.want, r.Raw)
			}
		})
	}
	before := e.gql(t, tok, `{ shop { name } }`, nil).Extensions.Cost.ThrottleStatus.CurrentlyAvailable
	r := e.gql(t, tok, `{ codeDiscountNodes(first: 100) { nodes { codeDiscount { ... on DiscountCodeBasic { codes(first: 250) { nodes { code } } } } } } }`, nil)
	if len(r.Errors) != 1 || dig(r.Errors[0].Extensions, "code") != "MAX_COST_EXCEEDED" || r.Data != nil {
		t.Errorf("a 25,000-point query: %s, want MAX_COST_EXCEEDED", r.Raw)
	}
	if r.Extensions.Cost.ThrottleStatus.CurrentlyAvailable != before {
		t.Errorf("a refused query was charged: %v before, %s", before, r.Raw)
	}
}

func TestGraphQLErrors(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	readOrders := e.grantCode(t, "read_orders", true).AccessToken
	tests := []struct {
		name, token, query, code string
		noData                   bool
	}{
		{"unknown field", tok, `{ shop { name nickname } }`, "undefinedField", true},
		{"unknown root", tok, `{ giftCards(first: 1) { nodes { id } } }`, "undefinedField", true},
		{"syntax", tok, `{ shop { name }`, "PARSE_ERROR", true},
		{"missing scope", readOrders, `{ codeDiscountNodes(first: 1) { nodes { id } } }`, "ACCESS_DENIED", false},
		{"missing write scope", readOrders, `mutation { discountCodeBasicCreate(basicCodeDiscount: {title: "x", code: "X"}) { userErrors { message } } }`, "ACCESS_DENIED", false},
		{"missing argument", tok, `mutation { discountCodeBasicCreate { userErrors { message } } }`, "missingRequiredArguments", true},
		{"no page size", tok, `{ codeDiscountNodes { nodes { id } } }`, "", false},
		{"bad cursor", tok, `{ codeDiscountNodes(first: 1, after: "nope") { nodes { id } } }`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.gql(t, tt.token, tt.query, nil)
			if r.Status != 200 || len(r.Errors) == 0 {
				t.Fatalf("%d %s: want 200 with errors", r.Status, r.Raw)
			}
			if code, _ := dig(r.Errors[0].Extensions, "code").(string); code != tt.code {
				t.Errorf("error code %q, want %q: %s", code, tt.code, r.Raw)
			}
			if (r.Data == nil) != tt.noData {
				t.Errorf("data present = %v, want %v: %s", r.Data != nil, !tt.noData, r.Raw)
			}
		})
	}
}

const createMutation = `mutation CreateCode($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { id codeDiscount { __typename ... on DiscountCodeBasic { title status appliesOncePerCustomer
      codes(first: 1) { nodes { id code } }
      customerGets { value { ... on DiscountPercentage { percentage } ... on DiscountAmount { amount { amount currencyCode } } } } } } }
    userErrors { field code message } } }`

func createInput(code string, value map[string]any) map[string]any {
	return map[string]any{"basicCodeDiscount": map[string]any{"title": "Affiliate " + code, "code": code,
		"startsAt": "2026-11-02T10:00:00Z", "context": map[string]any{"all": "ALL"}, "appliesOncePerCustomer": true,
		"customerGets": map[string]any{"value": value, "items": map[string]any{"all": true}}}}
}

// Creating a code: the new discount comes back with its code and value, a
// taken code (in any case) is refused with Shopify's userError, and the
// merchant's shop now holds it.
func TestDiscountCodeBasicCreate(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	r := e.gql(t, tok, createMutation, createInput("ANNA15", map[string]any{"percentage": 0.15}))
	node := dig(r.Data, "discountCodeBasicCreate", "codeDiscountNode")
	if dig(node, "codeDiscount", "codes", "nodes", 0, "code") != "ANNA15" || dig(node, "codeDiscount", "customerGets", "value", "percentage") != 0.15 {
		t.Fatalf("create: %s", r.Raw)
	}
	if r.Extensions.Cost.RequestedQueryCost != 10 {
		t.Errorf("a mutation costs 10, got %d", r.Extensions.Cost.RequestedQueryCost)
	}
	r = e.gql(t, tok, createMutation, createInput("anna15", map[string]any{"discountAmount": map[string]any{"amount": "5.00"}}))
	errs := dig(r.Data, "discountCodeBasicCreate", "userErrors")
	if dig(errs, 0, "message") != "Code must be unique. Please try a different code." || dig(errs, 0, "code") != "TAKEN" ||
		dig(errs, 0, "field", 1) != "code" || dig(r.Data, "discountCodeBasicCreate", "codeDiscountNode") != nil {
		t.Errorf("taken code: %s", r.Raw)
	}
	r = e.gql(t, tok, createMutation, createInput("TENOFF", map[string]any{"discountAmount": map[string]any{"amount": "10.00", "appliesOnEachItem": false}}))
	if dig(r.Data, "discountCodeBasicCreate", "codeDiscountNode", "codeDiscount", "customerGets", "value", "amount", "amount") != "10.0" {
		t.Errorf("fixed amount: %s", r.Raw)
	}
	list, _ := e.sb.Discounts(testShop)
	if len(list) != 2 || list[0].Value != 1500 || list[1].Kind != KindFixedAmount || list[1].Value != 1000 || !list[0].OncePerCustomer {
		t.Errorf("shop discounts after two creates: %+v", list)
	}
	for _, bad := range []map[string]any{{"percentage": 1.5}, {}} {
		r := e.gql(t, tok, createMutation, createInput("BAD"+strings.Repeat("X", len(bad)), bad))
		if dig(r.Data, "discountCodeBasicCreate", "userErrors", 0, "message") == nil {
			t.Errorf("invalid value %v accepted: %s", bad, r.Raw)
		}
	}
}
