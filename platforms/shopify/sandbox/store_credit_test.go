package sandbox

import (
	"strings"
	"testing"
)

const storeCreditScopes = "read_customers,read_store_credit_accounts,write_store_credit_account_transactions"

// Every field of customers and the store credit under them is answered:
// a query selecting all of it, over a customer holding a credit, runs
// without an error and reads the credit back.
func TestEveryStoreCreditFieldIsAnswered(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.grantCode(t, storeCreditScopes, false).AccessToken
	id, err := e.sb.AddCustomer(testShop, "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	credit := e.gql(t, tok, `mutation($id: ID!) { storeCreditAccountCredit(id: $id, creditInput: {creditAmount: {amount: "12.50", currencyCode: USD}}) {
		storeCreditAccountTransaction { id } userErrors { code field message } } }`, map[string]any{"id": gid("Customer", id)})
	if len(credit.Errors) > 0 || dig(credit.Data, "storeCreditAccountCredit", "storeCreditAccountTransaction", "id") == nil {
		t.Fatalf("credit: %s", credit.Raw)
	}
	s, _ := Schema()
	customer := s.Types["Customer"]
	// Customer.subscriptionContracts is answered in contracts_test.go.
	q := `{ customers(first: 2, query: "email:ANN@example.com") { nodes { id email defaultEmailAddress { emailAddress } displayName
		storeCreditAccounts(first: 2) { nodes { ` + selectAll(s, s.Types["StoreCreditAccount"], 3) + ` } } } } }`
	r := e.gql(t, tok, q, nil)
	if len(r.Errors) > 0 || r.Data == nil || customer.Fields.ForName("storeCreditAccounts") == nil {
		t.Fatalf("%s\nquery: %s", r.Raw, q)
	}
	acct := dig(r.Data, "customers", "nodes", 0, "storeCreditAccounts", "nodes", 0)
	if dig(acct, "balance", "amount") != "12.5" || dig(acct, "transactions", "nodes", 0, "amount", "amount") != "12.5" {
		t.Errorf("the account reads %v", acct)
	}
}

// Each scope guards its part: customers needs read_customers, the
// accounts read_store_credit_accounts, the credit
// write_store_credit_account_transactions.
func TestStoreCreditScopes(t *testing.T) {
	e := newEnv(t, nil)
	id, _ := e.sb.AddCustomer(testShop, "bo@example.com")
	credit := `mutation { storeCreditAccountCredit(id: "` + gid("Customer", id) + `", creditInput: {creditAmount: {amount: "1.00", currencyCode: USD}}) { userErrors { code } } }`
	for _, tc := range []struct{ scope, query, needs string }{
		{"read_orders", `{ customers(first: 1) { nodes { id } } }`, "read_customers"},
		{"read_customers", `{ customers(first: 1) { nodes { storeCreditAccounts(first: 1) { nodes { id } } } } }`, "read_store_credit_accounts"},
		{"read_customers,read_store_credit_accounts", credit, "write_store_credit_account_transactions"},
	} {
		r := e.gql(t, e.grantCode(t, tc.scope, false).AccessToken, tc.query, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "ACCESS_DENIED" || !strings.Contains(r.Errors[0].Message, tc.needs) {
			t.Errorf("with %s: %s; want ACCESS_DENIED naming %s", tc.scope, r.Raw, tc.needs)
		}
	}
	if held, _ := e.sb.StoreCredit(testShop, "bo@example.com"); len(held) != 0 {
		t.Errorf("credited without the scope: %+v", held)
	}
}

// A credit of no amount, or of more decimals than the currency has, is a
// NEGATIVE_OR_ZERO_AMOUNT userError on the amount, and opens no account.
func TestStoreCreditAmountRefused(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.grantCode(t, storeCreditScopes, false).AccessToken
	id, _ := e.sb.AddCustomer(testShop, "cy@example.com")
	for _, amount := range []string{"0", "-5.00", "1.005"} {
		r := e.gql(t, tok, `mutation($id: ID!, $amt: Decimal!) { storeCreditAccountCredit(id: $id, creditInput: {creditAmount: {amount: $amt, currencyCode: USD}}) {
			storeCreditAccountTransaction { id } userErrors { code field } } }`, map[string]any{"id": gid("Customer", id), "amt": amount})
		if dig(r.Data, "storeCreditAccountCredit", "userErrors", 0, "code") != "NEGATIVE_OR_ZERO_AMOUNT" ||
			dig(r.Data, "storeCreditAccountCredit", "userErrors", 0, "field", 2) != "amount" {
			t.Errorf("amount %s: %s", amount, r.Raw)
		}
	}
	if held, _ := e.sb.StoreCredit(testShop, "cy@example.com"); len(held) != 0 {
		t.Errorf("after the refusals: %+v", held)
	}
}
