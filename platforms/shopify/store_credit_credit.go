package shopify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"codecredit/platforms"
)

// StoreCredit is one credit transaction on a customer's store credit account.
type StoreCredit struct {
	TransactionID string // gid://shopify/StoreCreditAccountCreditTransaction/N
	AccountID     string // gid://shopify/StoreCreditAccount/N
	Amount        int64  // minor units of Currency
	Currency      string
	BalanceAfter  int64 // the account's balance after this credit
	CreatedAt     time.Time
	ExpiresAt     time.Time // zero: never
}

// StoreCreditRefusal is a credit Shopify refused (userErrors): Code is its
// StoreCreditAccountCreditUserErrorCode. It unwraps to a
// *platforms.RejectedError with Shopify's message and matches
// ErrCustomerNotFound or ErrCreditCurrency where the code says so.
type StoreCreditRefusal struct {
	Code   string
	Reason string
}

func (e *StoreCreditRefusal) Error() string {
	return fmt.Sprintf("shopify: store credit refused (%s): %s", e.Code, e.Reason)
}

// Unwrap is the refusal as a platforms.RejectedError.
func (e *StoreCreditRefusal) Unwrap() error { return &platforms.RejectedError{Reason: e.Reason} }

// Is matches ErrCustomerNotFound and ErrCreditCurrency.
func (e *StoreCreditRefusal) Is(target error) bool {
	switch target {
	case ErrCustomerNotFound:
		return e.Code == "OWNER_NOT_FOUND" || e.Code == "ACCOUNT_NOT_FOUND"
	case ErrCreditCurrency:
		return e.Code == "MISMATCHING_CURRENCY" || e.Code == "UNSUPPORTED_CURRENCY"
	}
	return false
}

var mutationStoreCredit = `mutation StoreCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
  storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
    storeCreditAccountTransaction { ` + creditFields + ` account { id } }
    userErrors { field code message }
  }
}`

// creditFields are a credit transaction's fields the adapter reads; the
// mutation adds its account's id (the history has it from the account).
const creditFields = `id amount { amount currencyCode } balanceAfterTransaction { amount currencyCode } createdAt expiresAt`

// creditNode is a StoreCreditAccountCreditTransaction as selected.
type creditNode struct {
	ID           string  `json:"id"`
	Amount       moneyV2 `json:"amount"`
	BalanceAfter moneyV2 `json:"balanceAfterTransaction"`
	CreatedAt    string  `json:"createdAt"`
	ExpiresAt    *string `json:"expiresAt"`
	Account      *struct {
		ID string `json:"id"`
	} `json:"account"`
}

// CreditStoreCredit credits amount (minor units of currency, the shop's)
// to a customer (their account in that currency is opened if they have
// none) or to a store credit account; a zero expiresAt never expires.
// Refusals are *StoreCreditRefusal; a shop without the scope is
// ErrStoreCreditScope. Not idempotent: see StoreCreditCredits before
// sending a credit again whose answer was lost.
func (a *Adapter) CreditStoreCredit(ctx context.Context, c *platforms.Conn, ownerID string, amount int64, currency string, expiresAt time.Time) (StoreCredit, error) {
	currency = strings.ToUpper(currency)
	if amount <= 0 || len(currency) != 3 || ownerID == "" {
		return StoreCredit{}, &platforms.RejectedError{Reason: "a store credit needs a customer, a positive amount and a currency"}
	}
	input := map[string]any{"creditAmount": map[string]any{
		"amount": formatScaled(amount, currencyExponent(currency), true), "currencyCode": currency}}
	if !expiresAt.IsZero() {
		input["expiresAt"] = expiresAt.UTC().Format(time.RFC3339)
	}
	var data struct {
		Credit struct {
			Txn        *creditNode `json:"storeCreditAccountTransaction"`
			UserErrors []userError `json:"userErrors"`
		} `json:"storeCreditAccountCredit"`
	}
	if err := a.graphql(ctx, c, mutationStoreCredit, map[string]any{"id": ownerID, "creditInput": input}, &data); err != nil {
		return StoreCredit{}, scopeError(err)
	}
	if ue := data.Credit.UserErrors; len(ue) > 0 {
		msgs := make([]string, len(ue))
		for i, e := range ue {
			msgs[i] = e.Message
		}
		return StoreCredit{}, &StoreCreditRefusal{Code: ue[0].Code, Reason: strings.Join(msgs, "; ")}
	}
	if data.Credit.Txn == nil {
		return StoreCredit{}, fmt.Errorf("shopify: storeCreditAccountCredit returned no transaction")
	}
	return data.Credit.Txn.credit("")
}

// credit reads a transaction; accountID stands in when none was selected.
func (n *creditNode) credit(accountID string) (StoreCredit, error) {
	out := StoreCredit{TransactionID: n.ID, AccountID: accountID, Currency: n.Amount.CurrencyCode}
	if n.Account != nil {
		out.AccountID = n.Account.ID
	}
	var err1, err2, err3 error
	out.Amount, err1 = toMinor(string(n.Amount.Amount), n.Amount.CurrencyCode)
	out.BalanceAfter, err2 = toMinor(string(n.BalanceAfter.Amount), n.BalanceAfter.CurrencyCode)
	out.CreatedAt, err3 = time.Parse(time.RFC3339, n.CreatedAt)
	if n.ExpiresAt != nil {
		exp, err := time.Parse(time.RFC3339, *n.ExpiresAt)
		out.ExpiresAt, err3 = exp, errors.Join(err3, err)
	}
	if err := errors.Join(err1, err2, err3); err != nil {
		return StoreCredit{}, fmt.Errorf("shopify: unreadable store credit transaction %s: %w", n.ID, err)
	}
	return out, nil
}

var queryStoreCredits = `query StoreCredits($id: ID!) {
  customer(id: $id) {
    storeCreditAccounts(first: 5) {
      nodes { id balance { amount currencyCode }
        transactions(first: 50, reverse: true, sortKey: CREATED_AT) {
          nodes { ... on StoreCreditAccountCreditTransaction { ` + creditFields + ` } }
        }
      }
    }
  }
}`

// StoreCreditCredits lists a customer's store credits in currency created
// at or after since, newest first (the last 50 transactions of the
// account are looked at). It is how a credit whose answer was lost is
// found: one of the amount sent, made after the attempt began, is it.
func (a *Adapter) StoreCreditCredits(ctx context.Context, c *platforms.Conn, customerID, currency string, since time.Time) ([]StoreCredit, error) {
	var data struct {
		Customer *struct {
			Accounts struct {
				Nodes []struct {
					ID      string  `json:"id"`
					Balance moneyV2 `json:"balance"`
					Txns    struct {
						Nodes []creditNode `json:"nodes"`
					} `json:"transactions"`
				} `json:"nodes"`
			} `json:"storeCreditAccounts"`
		} `json:"customer"`
	}
	if err := a.graphql(ctx, c, queryStoreCredits, map[string]any{"id": customerID}, &data); err != nil {
		return nil, scopeError(err)
	}
	if data.Customer == nil {
		return nil, fmt.Errorf("%w: %s", ErrCustomerNotFound, customerID)
	}
	var out []StoreCredit
	for _, acct := range data.Customer.Accounts.Nodes {
		if !strings.EqualFold(acct.Balance.CurrencyCode, currency) {
			continue
		}
		for _, n := range acct.Txns.Nodes {
			if n.ID == "" {
				continue // a debit, an expiry: not a credit
			}
			cr, err := n.credit(acct.ID)
			if err != nil {
				return nil, err
			}
			if !cr.CreatedAt.Before(since.Truncate(time.Second)) {
				out = append(out, cr)
			}
		}
	}
	return out, nil
}
