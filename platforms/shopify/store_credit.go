package shopify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"codecredit/platforms"
)

// Paying an affiliate as store credit on the merchant's shop: the
// affiliate is the shop's customer with their email (CustomerByEmail), and
// each payout is one storeCreditAccountCredit in the shop's currency
// (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/storeCreditAccountCredit),
// which opens the customer's store credit account in that currency on the
// first credit.
//
// Scopes. StoreCreditScopes are not in DefaultScopes: they are asked for
// only when the merchant turns store-credit payouts on. An embedded app
// installed by Shopify declares them under optional_scopes in
// shopify.app.toml and asks from the admin with App Bridge's
// shopify.scopes.request(StoreCreditScopes); the install flow of this
// adapter (authorization code grant) sends the merchant to
// StoreCreditAuthorizeURL, which asks for DefaultScopes plus these, and the
// callback is the usual one. HasStoreCreditScopes tells from a
// connection's granted scope whether it may pay.
//
// Exactly once. Shopify offers no idempotency key for this mutation (the
// @idempotent directive is documented for refund and inventory mutations
// only), so a credit whose answer was lost (a timeout, a crash) must not
// simply be sent again: StoreCreditCredits lists the customer's credits
// since a time, so the caller can look for the one it may have made
// (amount and time) before deciding to credit again.

// Store credit access scopes (https://shopify.dev/docs/api/usage/access-scopes).
const (
	ScopeStoreCredit         = "write_store_credit_account_transactions"
	ScopeStoreCreditAccounts = "read_store_credit_accounts"
)

// StoreCreditScopes are what store-credit payouts need: find the customer,
// credit them, and read their accounts back to reconcile.
var StoreCreditScopes = []string{ScopeCustomers, ScopeStoreCreditAccounts, ScopeStoreCredit}

// Errors of store-credit payouts.
var (
	// ErrStoreCreditScope: the shop has not granted StoreCreditScopes.
	ErrStoreCreditScope = errors.New("shopify: store-credit payouts need the merchant to grant " + strings.Join(StoreCreditScopes, ", "))
	// ErrCustomerNotFound: no customer of the shop has the email, or the
	// customer or account credited does not exist.
	ErrCustomerNotFound = errors.New("shopify: no such customer on the shop")
	// ErrCreditCurrency: the credit's currency is not the account's or not
	// one the shop supports.
	ErrCreditCurrency = errors.New("shopify: store credit in a currency the shop or account does not take")
)

// StoreCreditAuthorizeURL is AuthorizeURL asking for DefaultScopes (or the
// configured ones) plus StoreCreditScopes.
func (a *Adapter) StoreCreditAuthorizeURL(shop, state string) string {
	return a.authorizeURL(shop, state, append(slices.Clone(a.cfg.Scopes), StoreCreditScopes...))
}

// HasStoreCreditScopes reports whether a connection's granted scope covers
// StoreCreditScopes (a write scope covers its read).
func HasStoreCreditScopes(c *platforms.Conn) bool {
	granted := strings.Split(c.Credentials[CredScope], ",")
	for _, want := range StoreCreditScopes {
		write := "write_" + strings.TrimPrefix(want, "read_")
		if !slices.Contains(granted, want) && !slices.Contains(granted, write) {
			return false
		}
	}
	return true
}

// Customer is a customer of the shop.
type Customer struct {
	ID    string // gid://shopify/Customer/N
	Email string
}

var queryCustomerByEmail = `query CustomerByEmail($query: String!) {
  customers(first: 5, query: $query) { nodes { id defaultEmailAddress { emailAddress } } }
}`

// CustomerByEmail finds the shop's customer with this email (Shopify's
// email: search, then an exact match, in any case). None is
// ErrCustomerNotFound; a shop that has not granted read_customers is
// ErrStoreCreditScope.
func (a *Adapter) CustomerByEmail(ctx context.Context, c *platforms.Conn, email string) (Customer, error) {
	email = strings.TrimSpace(email)
	if email == "" || strings.ContainsAny(email, `"\ `) {
		return Customer{}, fmt.Errorf("%w: %q is not an email address", ErrCustomerNotFound, email)
	}
	var data struct {
		Customers struct {
			Nodes []struct {
				ID      string `json:"id"`
				Default *struct {
					Email string `json:"emailAddress"`
				} `json:"defaultEmailAddress"`
			} `json:"nodes"`
		} `json:"customers"`
	}
	if err := a.graphql(ctx, c, queryCustomerByEmail, map[string]any{"query": `email:"` + email + `"`}, &data); err != nil {
		return Customer{}, scopeError(err)
	}
	for _, n := range data.Customers.Nodes {
		if n.Default != nil && strings.EqualFold(n.Default.Email, email) {
			return Customer{ID: n.ID, Email: n.Default.Email}, nil
		}
	}
	return Customer{}, fmt.Errorf("%w: %s", ErrCustomerNotFound, email)
}

// scopeError turns a refusal for a missing scope into ErrStoreCreditScope.
func scopeError(err error) error {
	if errors.Is(err, errAccessDenied) {
		return fmt.Errorf("%w (%v)", ErrStoreCreditScope, err)
	}
	return err
}
