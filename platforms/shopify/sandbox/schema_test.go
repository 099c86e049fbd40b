package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// The schema file parses, and carries Shopify's names and argument types
// for the fields the app relies on.
func TestSchemaCarriesShopifyNames(t *testing.T) {
	s, err := Schema()
	if err != nil {
		t.Fatalf("schema.graphql: %v", err)
	}
	args := []struct{ typ, field, arg, want string }{
		{"QueryRoot", "codeDiscountNodes", "first", "Int"},
		{"QueryRoot", "codeDiscountNodes", "after", "String"},
		{"QueryRoot", "codeDiscountNodes", "sortKey", "CodeDiscountSortKeys"},
		{"QueryRoot", "codeDiscountNode", "id", "ID!"},
		{"QueryRoot", "discountCodesCount", "limit", "Int"},
		{"QueryRoot", "webhookSubscriptions", "first", "Int"},
		{"DiscountCodeBasic", "codes", "first", "Int"},
		{"Mutation", "discountCodeBasicCreate", "basicCodeDiscount", "DiscountCodeBasicInput!"},
		{"Mutation", "discountCodeDeactivate", "id", "ID!"},
		{"Mutation", "webhookSubscriptionCreate", "topic", "WebhookSubscriptionTopic!"},
		{"Mutation", "webhookSubscriptionCreate", "webhookSubscription", "WebhookSubscriptionInput!"},
	}
	for _, a := range args {
		f := s.Types[a.typ].Fields.ForName(a.field)
		if f == nil || f.Arguments.ForName(a.arg) == nil {
			t.Errorf("%s.%s(%s) is missing", a.typ, a.field, a.arg)
			continue
		}
		if got := f.Arguments.ForName(a.arg).Type.String(); got != a.want {
			t.Errorf("%s.%s(%s: %s), want %s", a.typ, a.field, a.arg, got, a.want)
		}
	}
	fields := []struct{ typ, field, want string }{
		{"DiscountCodeDeactivatePayload", "codeDiscountNode", "DiscountCodeNode"},
		{"DiscountCodeDeactivatePayload", "userErrors", "[DiscountUserError!]!"},
		{"DiscountCodeBasicCreatePayload", "userErrors", "[DiscountUserError!]!"},
		{"WebhookSubscriptionCreatePayload", "userErrors", "[UserError!]!"},
		{"DiscountCodeNode", "codeDiscount", "DiscountCode!"},
		{"DiscountCodeBasic", "status", "DiscountStatus!"},
		{"PageInfo", "endCursor", "String"},
		{"PageInfo", "hasNextPage", "Boolean!"},
		{"Count", "precision", "CountPrecision!"},
	}
	for _, f := range fields {
		def := s.Types[f.typ]
		if def == nil || def.Fields.ForName(f.field) == nil {
			t.Errorf("%s.%s is missing", f.typ, f.field)
		} else if got := def.Fields.ForName(f.field).Type.String(); got != f.want {
			t.Errorf("%s.%s: %s, want %s", f.typ, f.field, got, f.want)
		}
	}
	var members []string
	for _, m := range s.GetPossibleTypes(s.Types["DiscountCode"]) {
		members = append(members, m.Name)
	}
	if got := strings.Join(members, " "); got != "DiscountCodeApp DiscountCodeBasic DiscountCodeBxgy DiscountCodeFreeShipping" {
		t.Errorf("DiscountCode = %s", got)
	}
}

// The recorded operations (the fuzz seeds) are ones Shopify would run.
func TestRecordedOperationsValidate(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "graphql", "*.graphql"))
	if len(files) == 0 {
		t.Fatal("no recorded operations")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckQuery(string(b)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// Queries Shopify would refuse are refused before they run: 200 with
// errors in Shopify's shape (message, locations, extensions.code), no
// data, and nothing charged to the bucket.
func TestRefusedAsShopifyWould(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	tests := []struct {
		name, query string
		vars        map[string]any
		code, msg   string
	}{
		{"unknown field", `{ shop { name nickname } }`, nil, "undefinedField", "Field 'nickname' doesn't exist on type 'Shop'"},
		{"unknown argument", `{ codeDiscountNodes(first: 1, limit: 5) { nodes { id } } }`, nil, "argumentNotAccepted", "Field 'codeDiscountNodes' doesn't accept argument 'limit'"},
		{"missing argument", `{ codeDiscountNode { id } }`, nil, "missingRequiredArguments", "Field 'codeDiscountNode' is missing required arguments: id"},
		{"wrong argument type", `{ codeDiscountNodes(first: "ten") { nodes { id } } }`, nil, "argumentLiteralsIncompatible", "Int"},
		{"unknown enum value", `{ codeDiscountNodes(first: 1, sortKey: NEWEST) { nodes { id } } }`, nil, "argumentLiteralsIncompatible", "NEWEST"},
		{"wrong input field", `mutation { discountCodeBasicCreate(basicCodeDiscount: {name: "x"}) { userErrors { message } } }`, nil, "argumentLiteralsIncompatible", "name"},
		{"not a global id", `{ codeDiscountNode(id: "42") { id } }`, nil, "argumentLiteralsIncompatible", "Invalid global id '42'"},
		{"no selection on an object", `{ shop }`, nil, "selectionMismatch", "shop"},
		{"selection on a scalar", `{ shop { name { first } } }`, nil, "selectionMismatch", "name"},
		{"unknown type condition", `{ codeDiscountNodes(first: 1) { nodes { codeDiscount { ... on DiscountCodeFancy { title } } } } }`, nil, "undefinedType", "DiscountCodeFancy"},
		{"impossible fragment", `{ shop { ... on DiscountCodeBasic { title } } }`, nil, "cannotSpreadFragment", "DiscountCodeBasic"},
		{"undeclared variable", `{ codeDiscountNodes(first: $n) { nodes { id } } }`, nil, "variableNotDefined", "$n"},
		{"unused variable", `query($n: Int) { shop { name } }`, nil, "variableNotUsed", "$n"},
		{"variable of the wrong type", `query($n: String) { codeDiscountNodes(first: $n) { nodes { id } } }`, nil, "variableMismatch", "$n"},
		{"subscription", `subscription { shop { name } }`, nil, "missingRootType", "subscription"},
		{"bad variable value", `query($n: Int!) { codeDiscountNodes(first: $n) { nodes { id } } }`, map[string]any{"n": "ten"}, "INVALID_VARIABLE", "Variable $n of type Int! was provided invalid value"},
		{"missing variable", `query($id: ID!) { codeDiscountNode(id: $id) { id } }`, nil, "INVALID_VARIABLE", "Variable $id of type ID! was provided invalid value"},
		{"variable not a global id", `query($id: ID!) { codeDiscountNode(id: $id) { id } }`, map[string]any{"id": "42"}, "INVALID_VARIABLE", "Variable $id of type ID! was provided invalid value"},
		{"bad enum variable", `mutation($t: WebhookSubscriptionTopic!) { webhookSubscriptionCreate(topic: $t, webhookSubscription: {uri: "https://a.example"}) { userErrors { message } } }`,
			map[string]any{"t": "CUSTOMERS_REDACT"}, "INVALID_VARIABLE", "Variable $t of type WebhookSubscriptionTopic! was provided invalid value"},
		{"bad input variable", `mutation($in: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $in) { userErrors { message } } }`,
			map[string]any{"in": map[string]any{"title": "x", "usageLimit": "many"}}, "INVALID_VARIABLE", "for usageLimit"},
		{"syntax", `{ shop { name }`, nil, "PARSE_ERROR", "syntax error"},
	}
	before := e.gql(t, tok, `{ shop { name } }`, nil).Extensions.Cost.ThrottleStatus.CurrentlyAvailable
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.gql(t, tok, tt.query, tt.vars)
			if r.Status != 200 || len(r.Errors) == 0 || r.Data != nil {
				t.Fatalf("%d %s: want 200 with errors and no data", r.Status, r.Raw)
			}
			got := r.Errors[0]
			if code, _ := dig(got.Extensions, "code").(string); code != tt.code {
				t.Errorf("extensions.code %q, want %q: %s", code, tt.code, r.Raw)
			}
			if !strings.Contains(got.Message, tt.msg) {
				t.Errorf("message %q, want it to contain %q", got.Message, tt.msg)
			}
			if len(got.Locations) == 0 || got.Locations[0].Line == 0 {
				t.Errorf("no location: %s", r.Raw)
			}
		})
	}
	after := e.gql(t, tok, `{ shop { name } }`, nil).Extensions.Cost.ThrottleStatus.CurrentlyAvailable
	if after != before-1 {
		t.Errorf("the bucket went from %v to %v over refused queries and one shop read; refusals must cost nothing", before, after)
	}
}

// selectAll selects every field of def that needs no argument, each
// connection's first two nodes, and every member of a union.
func selectAll(s *ast.Schema, def *ast.Definition, depth int) string {
	var b strings.Builder
	b.WriteString("__typename ")
	if def.Kind == ast.Union || def.Kind == ast.Interface {
		for _, m := range s.GetPossibleTypes(def) {
			b.WriteString("... on " + m.Name + " { " + selectAll(s, m, depth) + " } ")
		}
		return b.String()
	}
	for _, f := range def.Fields {
		required := false
		for _, a := range f.Arguments {
			required = required || (a.Type.NonNull && a.DefaultValue == nil)
		}
		if strings.HasPrefix(f.Name, "__") || required {
			continue
		}
		args := ""
		if f.Arguments.ForName("first") != nil {
			args = "(first: 2)"
		}
		switch t := s.Types[f.Type.Name()]; {
		case t.Kind == ast.Scalar || t.Kind == ast.Enum:
			b.WriteString(f.Name + args + " ")
		case depth > 0:
			b.WriteString(f.Name + args + " { " + selectAll(s, t, depth-1) + " } ")
		}
	}
	return b.String()
}

// Every field the schema declares is answered: a query selecting all of
// them, over discounts of every kind and a webhook subscription, runs
// without an error.
func TestEverySchemaFieldIsAnswered(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.grantCode(t, "read_discounts,write_discounts,read_orders,read_products", false).AccessToken
	for _, spec := range []DiscountSpec{
		{Title: "Pct", Codes: []string{"PCT10"}, Kind: KindPercentage, Value: 1000, UsageLimit: 5},
		{Title: "Ship", Codes: []string{"SHIP"}, Kind: KindFreeShipping},
		{Title: "Bogo", Codes: []string{"BOGO"}, Kind: KindBxgy},
		{Title: "Fixed", Codes: []string{"FIVE"}, Kind: KindFixedAmount, Value: 500},
	} {
		if _, err := e.sb.CreateDiscount(testShop, spec); err != nil {
			t.Fatal(err)
		}
	}
	sub := e.gql(t, tok, `mutation { webhookSubscriptionCreate(topic: ORDERS_PAID, webhookSubscription: {uri: "https://app.example/hooks", format: JSON}) { userErrors { message } } }`, nil)
	if len(sub.Errors) > 0 || len(dig(sub.Data, "webhookSubscriptionCreate", "userErrors").([]any)) > 0 {
		t.Fatalf("subscribe: %s", sub.Raw)
	}
	s, _ := Schema()
	// customers, and the store credit under it, needs scopes of its own:
	// store_credit_test.go selects all of it.
	root := *s.Query
	root.Fields = slices.DeleteFunc(slices.Clone(root.Fields), func(f *ast.FieldDefinition) bool { return f.Name == "customers" })
	q := "{ " + selectAll(s, &root, 12) + " }"
	r := e.gql(t, tok, q, nil)
	if len(r.Errors) > 0 || r.Data == nil {
		t.Fatalf("%s\nquery: %s", r.Raw, q)
	}
	kinds := map[any]bool{}
	for _, n := range dig(r.Data, "codeDiscountNodes", "nodes").([]any) {
		kinds[dig(n, "codeDiscount", "__typename")] = true
	}
	if len(kinds) != 2 {
		t.Errorf("the first page holds %v; want two kinds of discount", kinds)
	}
}

// A document that names no single operation to run, or whose fragments
// fan out into more selections than any real query has, is refused before
// anything runs.
func TestRefusedDocuments(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t)
	var fanOut strings.Builder
	fanOut.WriteString(`{ shop { ...F0 } } `)
	for i := range 16 {
		fmt.Fprintf(&fanOut, "fragment F%d on Shop { ...F%d ...F%d } ", i, i+1, i+1)
	}
	fanOut.WriteString("fragment F16 on Shop { name }")
	tests := []struct{ name, query, msg string }{
		{"two anonymous choices", `query A { shop { name } } query B { shop { email } }`, "An operation name is required"},
		{"fragments fanned out", fanOut.String(), "too many selections"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.gql(t, tok, tt.query, nil)
			if r.Status != 200 || len(r.Errors) != 1 || r.Data != nil || !strings.Contains(r.Errors[0].Message, tt.msg) {
				t.Fatalf("%d %s: want one error saying %q", r.Status, r.Raw, tt.msg)
			}
		})
	}
}
