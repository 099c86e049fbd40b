package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// The GraphQL side of customers and store credit: QueryRoot.customers,
// the store credit fields of Customer, and storeCreditAccountCredit.

// Scopes the store credit fields need (write implies read).
const (
	scopeCustomers      = "read_customers"
	scopeCreditAccounts = "read_store_credit_accounts"
	scopeCreditRead     = "read_store_credit_account_transactions"
	scopeCreditWrite    = "write_store_credit_account_transactions"
	creditLimit         = 100_000_000_000 // minor units an account may hold; beyond is CREDIT_LIMIT_EXCEEDED
)

// customersRoot is QueryRoot.customers(query): the shop's customers by id,
// filtered by "email:<address>" (quoted or not, any case) or, for other
// text, by the email containing it.
func (s *Sandbox) customersRoot(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "customers", scopeCustomers); err != nil {
			return nil, err
		}
		term := strings.TrimSpace(strArg(a, "query"))
		exact, isEmail := strings.CutPrefix(term, "email:")
		exact = strings.Trim(strings.TrimSpace(exact), `"'`)
		var found []customerRec
		for _, c := range sh.customers() {
			if term == "" || (isEmail && strings.EqualFold(c.Email, exact)) ||
				(!isEmail && strings.Contains(strings.ToLower(c.Email), strings.ToLower(term))) {
				found = append(found, c)
			}
		}
		ids := make([]int64, len(found))
		for i, c := range found {
			ids[i] = c.ID
		}
		return connection("Customer", ids, a, func(i int) *gobj { return s.customerObject(sh, scope, found[i].ID, found[i].Email) })
	}
}

// creditFields adds the store credit fields to a Customer's.
func (s *Sandbox) creditFields(sh *Shop, scope string, id int64, email string, fields map[string]any) {
	fields["displayName"] = email
	fields["defaultEmailAddress"] = &gobj{typ: "CustomerEmailAddress", fields: map[string]any{"emailAddress": email}}
	fields["storeCreditAccounts"] = resolver(func(a map[string]any) (any, error) {
		if err := needScope(scope, "storeCreditAccounts", scopeCreditAccounts); err != nil {
			return nil, err
		}
		var held []*creditAccount
		var ids []int64
		for _, acct := range sh.storeCredit.accounts {
			if acct.CustomerID == id {
				held, ids = append(held, acct), append(ids, acct.ID)
			}
		}
		return connection("StoreCreditAccount", ids, a, func(i int) *gobj { return s.creditAccountObject(scope, held[i]) })
	})
}

func (s *Sandbox) creditAccountObject(scope string, acct *creditAccount) *gobj {
	return &gobj{typ: "StoreCreditAccount", fields: map[string]any{
		"id": gid("StoreCreditAccount", acct.ID), "balance": moneyV2(acct.Balance, acct.Currency),
		"transactions": resolver(func(a map[string]any) (any, error) {
			if err := needScope(scope, "transactions", scopeCreditRead); err != nil {
				return nil, err
			}
			ids := make([]int64, len(acct.credits))
			for i, t := range acct.credits {
				ids[i] = t.ID
			}
			return connection("StoreCreditAccountTransaction", ids, a, func(i int) *gobj {
				return s.creditTxnObject(scope, acct, acct.credits[i])
			})
		}),
	}}
}

func (s *Sandbox) creditTxnObject(scope string, acct *creditAccount, t *creditTxn) *gobj {
	var expires any
	if !t.ExpiresAt.IsZero() {
		expires = gqlTime(t.ExpiresAt)
	}
	return &gobj{typ: "StoreCreditAccountCreditTransaction", fields: map[string]any{
		"id": gid("StoreCreditAccountCreditTransaction", t.ID), "amount": moneyV2(t.Amount, acct.Currency),
		"balanceAfterTransaction": moneyV2(t.BalanceAfter, acct.Currency), "createdAt": gqlTime(t.CreatedAt),
		"expiresAt": expires, "remainingAmount": moneyV2(t.Amount, acct.Currency),
		"account": resolver(func(map[string]any) (any, error) { return s.creditAccountObject(scope, acct), nil }),
	}}
}

// storeCreditAccountCredit credits a customer (opening their account in
// that currency when they have none) or a store credit account
// (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/storeCreditAccountCredit).
// Refusals are userErrors with StoreCreditAccountCreditUserErrorCode; the
// sandbox's shops sell in one currency, so a credit in another is
// UNSUPPORTED_CURRENCY.
func (s *Sandbox) storeCreditAccountCredit(sh *Shop, scope string) resolver {
	return func(a map[string]any) (any, error) {
		if err := needScope(scope, "storeCreditAccountCredit", scopeCreditWrite); err != nil {
			return nil, err
		}
		in, _ := a["creditInput"].(map[string]any)
		payload := map[string]any{"storeCreditAccountTransaction": nil, "userErrors": []*gobj{}}
		t, ue := s.readCredit(in)
		var acct *creditAccount
		if ue == nil {
			acct, ue = s.creditTarget(sh, strArg(a, "id"), in)
		}
		if ue == nil {
			ue = credit(acct, t)
		}
		if ue == nil {
			payload["storeCreditAccountTransaction"] = s.creditTxnObject(scope, acct, t)
			s.loseCredit(sh) // faults.go
		}
		if ue != nil {
			payload["userErrors"] = []*gobj{{typ: "StoreCreditAccountCreditUserError",
				fields: map[string]any{"code": ue.Code, "field": ue.Field, "message": ue.Message}}}
		}
		return &gobj{typ: "StoreCreditAccountCreditPayload", fields: payload}, nil
	}
}

// creditTarget is the account a credit goes to: the store credit account
// named, or the customer's account in the credit's currency, opened when
// the customer has none.
func (s *Sandbox) creditTarget(sh *Shop, id string, in map[string]any) (*creditAccount, *userError) {
	amount, _ := in["creditAmount"].(map[string]any)
	cur := strArg(amount, "currencyCode")
	if rest, ok := strings.CutPrefix(id, "gid://shopify/StoreCreditAccount/"); ok {
		for _, acct := range sh.storeCredit.accounts {
			if fmt.Sprint(acct.ID) == rest {
				if acct.Currency != cur {
					return nil, creditError("MISMATCHING_CURRENCY", "creditInput", "creditAmount", "currencyCode")(
						"The currency provided does not match the currency of the store credit account.")
				}
				return acct, nil
			}
		}
		return nil, creditError("ACCOUNT_NOT_FOUND", "id")("Store credit account does not exist.")
	}
	var cust customerRec
	var found bool
	if rest, ok := strings.CutPrefix(id, "gid://shopify/Customer/"); ok {
		var n int64
		if _, err := fmt.Sscan(rest, &n); err == nil {
			cust, found = sh.customerByID(n)
		}
	}
	if !found {
		return nil, creditError("OWNER_NOT_FOUND", "id")("Owner does not exist.")
	}
	if cur != sh.Currency {
		return nil, creditError("UNSUPPORTED_CURRENCY", "creditInput", "creditAmount", "currencyCode")(
			"The currency provided is not currently supported.")
	}
	if acct := sh.storeCredit.account(cust.ID, cur); acct != nil {
		return acct, nil
	}
	acct := &creditAccount{ID: s.id(), CustomerID: cust.ID, Currency: cur}
	sh.storeCredit.accounts = append(sh.storeCredit.accounts, acct)
	return acct, nil
}

// readCredit reads a credit's amount (minor units of its currency) and
// expiry.
func (s *Sandbox) readCredit(in map[string]any) (*creditTxn, *userError) {
	amount, _ := in["creditAmount"].(map[string]any)
	minor, err := parseMoney(fmt.Sprint(amount["amount"]), strArg(amount, "currencyCode"))
	if err != nil || minor <= 0 {
		return nil, creditError("NEGATIVE_OR_ZERO_AMOUNT", "creditInput", "creditAmount", "amount")(
			"A positive amount must be used to credit a store credit account.")
	}
	now := s.now()
	t := &creditTxn{ID: s.id(), Amount: minor, CreatedAt: now}
	if v := strArg(in, "expiresAt"); v != "" {
		at, err := time.Parse(time.RFC3339, v)
		if err != nil || !at.After(now) {
			return nil, creditError("EXPIRES_AT_IN_PAST", "creditInput", "expiresAt")("The expiry date must be in the future.")
		}
		t.ExpiresAt = at
	}
	return t, nil
}

// credit adds the credit to the account, within its limit.
func credit(acct *creditAccount, t *creditTxn) *userError {
	if acct.Balance+t.Amount > creditLimit {
		return creditError("CREDIT_LIMIT_EXCEEDED", "creditInput", "creditAmount", "amount")(
			"The operation would cause the account's credit limit to be exceeded.")
	}
	acct.Balance += t.Amount
	t.BalanceAfter = acct.Balance
	acct.credits = append(acct.credits, t)
	return nil
}

// creditError builds a userError of code on field.
func creditError(code string, field ...string) func(msg string) *userError {
	return func(msg string) *userError { return &userError{Field: field, Code: code, Message: msg} }
}
