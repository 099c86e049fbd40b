package sandbox

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Customers and their store credit accounts. A shop's customers are those
// of its orders plus those added through the control API (AddCustomer);
// each email is one customer. A customer holds at most one store credit
// account per currency, opened by the first credit in that currency
// (https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/storeCreditAccountCredit).

var errBadCustomer = errors.New("sandbox: a customer needs an email address")

// storeCreditBook is a shop's added customers and store credit accounts;
// its zero value is empty and ready.
type storeCreditBook struct {
	customers []customerRec    // added through the control API, by id
	accounts  []*creditAccount // by id
	lose      int              // credits whose answer is lost next (faults.go)
}

// customerRec is one customer of a shop.
type customerRec struct {
	ID    int64
	Email string
}

// creditAccount is a StoreCreditAccount.
type creditAccount struct {
	ID, CustomerID int64
	Currency       string
	Balance        int64 // minor units
	credits        []*creditTxn
}

// creditTxn is a StoreCreditAccountCreditTransaction.
type creditTxn struct {
	ID, Amount, BalanceAfter int64
	CreatedAt, ExpiresAt     time.Time // ExpiresAt zero: never
}

// customers lists the shop's customers by id; call with mu held.
func (sh *Shop) customers() []customerRec {
	out := append([]customerRec(nil), sh.storeCredit.customers...)
	for _, o := range sh.orders {
		if !slices.ContainsFunc(out, func(c customerRec) bool { return c.ID == o.CustomerID }) {
			out = append(out, customerRec{ID: o.CustomerID, Email: o.Email})
		}
	}
	slices.SortFunc(out, func(a, b customerRec) int { return int(a.ID - b.ID) })
	return out
}

// customerByID finds a customer by id; call with mu held.
func (sh *Shop) customerByID(id int64) (customerRec, bool) {
	for _, c := range sh.customers() {
		if c.ID == id {
			return c, true
		}
	}
	return customerRec{}, false
}

// addedCustomerID is the id of an added customer with this email, or 0.
func (sh *Shop) addedCustomerID(email string) int64 {
	for _, c := range sh.storeCredit.customers {
		if strings.EqualFold(c.Email, email) {
			return c.ID
		}
	}
	return 0
}

// account is the customer's store credit account in currency, or nil.
func (b *storeCreditBook) account(customerID int64, currency string) *creditAccount {
	for _, a := range b.accounts {
		if a.CustomerID == customerID && a.Currency == currency {
			return a
		}
	}
	return nil
}

// AddCustomer adds a customer with this email to a shop (an existing one
// is found again) and returns its id.
func (s *Sandbox) AddCustomer(shop, email string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err != nil {
		return 0, err
	}
	id := s.customerID(sh, email)
	if sh.addedCustomerID(email) == 0 {
		sh.storeCredit.customers = append(sh.storeCredit.customers, customerRec{ID: id, Email: strings.TrimSpace(email)})
	}
	return id, nil
}

// StoreCreditAccount is a customer's store credit account as the sandbox
// holds it; Credits are the credit transactions' amounts, oldest first.
type StoreCreditAccount struct {
	ID       string // gid://shopify/StoreCreditAccount/N
	Currency string
	Balance  int64
	Credits  []int64
}

// StoreCredit lists the store credit accounts of the shop's customer with
// this email.
func (s *Sandbox) StoreCredit(shop, email string) ([]StoreCreditAccount, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, err := s.shop(shop)
	if err != nil {
		return nil, err
	}
	var out []StoreCreditAccount
	for _, c := range sh.customers() {
		if !strings.EqualFold(c.Email, email) {
			continue
		}
		for _, a := range sh.storeCredit.accounts {
			if a.CustomerID == c.ID {
				acct := StoreCreditAccount{ID: gid("StoreCreditAccount", a.ID), Currency: a.Currency, Balance: a.Balance}
				for _, t := range a.credits {
					acct.Credits = append(acct.Credits, t.Amount)
				}
				out = append(out, acct)
			}
		}
	}
	return out, nil
}

// storeCreditRoutes adds the control calls:
//
//	POST /_sandbox/shops/{shop}/customers     {"email"}  → {"id": "gid://shopify/Customer/N"}
//	GET  /_sandbox/shops/{shop}/store_credit?email=...   → [StoreCreditAccount]
func (s *Sandbox) storeCreditRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /_sandbox/shops/{shop}/customers", s.ctl(func(r *http.Request) (int, any, error) {
		var in struct {
			Email string `json:"email"`
		}
		if err := decode(r, &in); err != nil || !strings.Contains(in.Email, "@") {
			return 0, nil, errBadCustomer
		}
		id, err := s.AddCustomer(r.PathValue("shop"), in.Email)
		return http.StatusCreated, map[string]string{"id": gid("Customer", id)}, err
	}))
	mux.HandleFunc("GET /_sandbox/shops/{shop}/store_credit", s.ctl(func(r *http.Request) (int, any, error) {
		accts, err := s.StoreCredit(r.PathValue("shop"), r.URL.Query().Get("email"))
		if accts == nil {
			accts = []StoreCreditAccount{}
		}
		return http.StatusOK, accts, err
	}))
}
