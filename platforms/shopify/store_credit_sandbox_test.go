package shopify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// installWithStoreCredit installs through StoreCreditAuthorizeURL, as a
// merchant turning store-credit payouts on does.
func installWithStoreCredit(t *testing.T, r *rig) *platforms.Conn {
	t.Helper()
	conn := r.installAt(t, r.a.StoreCreditAuthorizeURL(shopName, "state-1"))
	if !shopify.HasStoreCreditScopes(conn) {
		t.Fatalf("granted %q: want the store credit scopes", conn.Credentials[shopify.CredScope])
	}
	return conn
}

// An affiliate who is a customer of the shop is found by email in any case
// and paid store credit in the shop's currency: the first credit opens
// their account, the next adds to it, and both read back as credits.
func TestStoreCreditPayout(t *testing.T) {
	r := newRig(t, "USD")
	ctx := context.Background()
	conn := installWithStoreCredit(t, r)
	if _, err := r.sb.AddCustomer(shopName, "Ann@Example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.sb.AddCustomer(shopName, "annie@example.com"); err != nil {
		t.Fatal(err)
	}
	cust, err := r.a.CustomerByEmail(ctx, conn, "ann@example.COM")
	if err != nil || !strings.HasPrefix(cust.ID, "gid://shopify/Customer/") || !strings.EqualFold(cust.Email, "ann@example.com") {
		t.Fatalf("CustomerByEmail = %+v, %v", cust, err)
	}
	start := r.clock.Now()
	first, err := r.a.CreditStoreCredit(ctx, conn, cust.ID, 2550, "usd", time.Time{})
	if err != nil || first.Amount != 2550 || first.BalanceAfter != 2550 || first.Currency != "USD" ||
		!strings.HasPrefix(first.AccountID, "gid://shopify/StoreCreditAccount/") || !first.ExpiresAt.IsZero() {
		t.Fatalf("first credit = %+v, %v", first, err)
	}
	r.clock.Advance(time.Minute)
	second, err := r.a.CreditStoreCredit(ctx, conn, cust.ID, 1000, "USD", r.clock.Now().AddDate(1, 0, 0))
	if err != nil || second.BalanceAfter != 3550 || second.AccountID != first.AccountID || second.ExpiresAt.IsZero() {
		t.Fatalf("second credit = %+v, %v; want it on the same account", second, err)
	}
	held, err := r.sb.StoreCredit(shopName, "ann@example.com")
	if err != nil || len(held) != 1 || held[0].Balance != 3550 || !slices.Equal(held[0].Credits, []int64{2550, 1000}) {
		t.Fatalf("the shop holds %+v, %v", held, err)
	}
	if other, _ := r.sb.StoreCredit(shopName, "annie@example.com"); len(other) != 0 {
		t.Errorf("another customer got credit: %+v", other)
	}
	all, err := r.a.StoreCreditCredits(ctx, conn, cust.ID, "USD", start)
	if err != nil || len(all) != 2 || all[0].TransactionID != second.TransactionID || all[1].Amount != 2550 {
		t.Fatalf("StoreCreditCredits since the start = %+v, %v; want both, newest first", all, err)
	}
	recent, err := r.a.StoreCreditCredits(ctx, conn, cust.ID, "USD", start.Add(30*time.Second))
	if err != nil || len(recent) != 1 || recent[0].Amount != 1000 {
		t.Errorf("StoreCreditCredits since the second began = %+v, %v; want only it", recent, err)
	}
}

// A customer of an order is a customer too, and a zero-decimal currency
// is credited in whole units.
func TestStoreCreditToAnOrderCustomerInYen(t *testing.T) {
	r := newRig(t, "JPY")
	ctx := context.Background()
	conn := installWithStoreCredit(t, r)
	line := []sandbox.Line{{Title: "Tea", Price: "1200", Quantity: 1}}
	if _, err := r.sb.PlaceOrder(shopName, sandbox.OrderSpec{Email: "ken@example.com", Lines: line}); err != nil {
		t.Fatal(err)
	}
	cust, err := r.a.CustomerByEmail(ctx, conn, "ken@example.com")
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.a.CreditStoreCredit(ctx, conn, cust.ID, 500, "JPY", time.Time{})
	if err != nil || got.Amount != 500 || got.BalanceAfter != 500 {
		t.Fatalf("credit of 500 yen = %+v, %v", got, err)
	}
	if held, _ := r.sb.StoreCredit(shopName, "ken@example.com"); len(held) != 1 || held[0].Balance != 500 || held[0].Currency != "JPY" {
		t.Errorf("the shop holds %+v", held)
	}
}

// What Shopify refuses is refused with its reason and credits nothing: an
// unknown email or customer, another currency, an account of another
// currency, an expiry in the past.
func TestStoreCreditRefusals(t *testing.T) {
	r := newRig(t, "USD")
	ctx := context.Background()
	conn := installWithStoreCredit(t, r)
	if _, err := r.sb.AddCustomer(shopName, "bo@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.a.CustomerByEmail(ctx, conn, "nobody@example.com"); !errors.Is(err, shopify.ErrCustomerNotFound) {
		t.Errorf("an unknown email: %v, want ErrCustomerNotFound", err)
	}
	if _, err := r.a.CustomerByEmail(ctx, conn, `x" OR email:*`); !errors.Is(err, shopify.ErrCustomerNotFound) {
		t.Errorf("a search in place of an email: %v, want ErrCustomerNotFound", err)
	}
	cust, err := r.a.CustomerByEmail(ctx, conn, "bo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	paid, err := r.a.CreditStoreCredit(ctx, conn, cust.ID, 100, "USD", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, owner, currency string
		expires               time.Time
		code                  string
		is                    error
	}{
		{"unknown customer", "gid://shopify/Customer/999999", "USD", time.Time{}, "OWNER_NOT_FOUND", shopify.ErrCustomerNotFound},
		{"unknown account", "gid://shopify/StoreCreditAccount/999999", "USD", time.Time{}, "ACCOUNT_NOT_FOUND", shopify.ErrCustomerNotFound},
		{"another currency", cust.ID, "EUR", time.Time{}, "UNSUPPORTED_CURRENCY", shopify.ErrCreditCurrency},
		{"account of another currency", paid.AccountID, "EUR", time.Time{}, "MISMATCHING_CURRENCY", shopify.ErrCreditCurrency},
		{"expiry in the past", cust.ID, "USD", r.clock.Now().Add(-time.Hour), "EXPIRES_AT_IN_PAST", nil},
	}
	for _, tc := range cases {
		_, err := r.a.CreditStoreCredit(ctx, conn, tc.owner, 700, tc.currency, tc.expires)
		var refusal *shopify.StoreCreditRefusal
		var rejected *platforms.RejectedError
		if !errors.As(err, &refusal) || refusal.Code != tc.code || !errors.As(err, &rejected) || rejected.Reason == "" {
			t.Errorf("%s: %v, want a %s refusal", tc.name, err, tc.code)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: %v does not match %v", tc.name, err, tc.is)
		}
	}
	if held, _ := r.sb.StoreCredit(shopName, "bo@example.com"); len(held) != 1 || held[0].Balance != 100 {
		t.Errorf("after the refusals the shop holds %+v; want the first 100 only", held)
	}
}

// Store credit is not asked for at install: a shop installed with the
// default scopes refuses it with ErrStoreCreditScope, until the merchant
// grants the store credit scopes.
func TestStoreCreditNeedsItsScopes(t *testing.T) {
	r := newRig(t, "USD")
	ctx := context.Background()
	for _, s := range shopify.StoreCreditScopes {
		if slices.Contains(shopify.DefaultScopes, s) {
			t.Errorf("%s is among the default scopes", s)
		}
	}
	u, _ := url.Parse(r.a.AuthorizeURL(shopName, "s"))
	if strings.Contains(u.Query().Get("scope"), shopify.ScopeStoreCredit) {
		t.Errorf("the install asks for %s", u.Query().Get("scope"))
	}
	u, _ = url.Parse(r.a.StoreCreditAuthorizeURL(shopName, "s"))
	for _, s := range append(slices.Clone(shopify.DefaultScopes), shopify.StoreCreditScopes...) {
		if !slices.Contains(strings.Split(u.Query().Get("scope"), ","), s) {
			t.Errorf("StoreCreditAuthorizeURL asks for %q, without %s", u.Query().Get("scope"), s)
		}
	}
	id, err := r.sb.AddCustomer(shopName, "cy@example.com")
	if err != nil {
		t.Fatal(err)
	}
	conn := r.install(t)
	if shopify.HasStoreCreditScopes(conn) {
		t.Fatalf("the default install reads as able to pay store credit: %q", conn.Credentials[shopify.CredScope])
	}
	if _, err := r.a.CustomerByEmail(ctx, conn, "cy@example.com"); !errors.Is(err, shopify.ErrStoreCreditScope) {
		t.Errorf("CustomerByEmail without the scopes: %v", err)
	}
	gidCust := fmt.Sprintf("gid://shopify/Customer/%d", id)
	if _, err := r.a.CreditStoreCredit(ctx, conn, gidCust, 100, "USD", time.Time{}); !errors.Is(err, shopify.ErrStoreCreditScope) {
		t.Errorf("CreditStoreCredit without the scope: %v", err)
	}
	if held, _ := r.sb.StoreCredit(shopName, "cy@example.com"); len(held) != 0 {
		t.Errorf("credited without the scope: %+v", held)
	}
	conn = installWithStoreCredit(t, r)
	if _, err := r.a.CreditStoreCredit(ctx, conn, gidCust, 100, "USD", time.Time{}); err != nil {
		t.Errorf("after granting the scopes: %v", err)
	}
}

// loseAnswers sends each request on and then drops the answer, as a
// timeout after Shopify accepted would.
type loseAnswers struct{}

func (loseAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		resp.Body.Close()
		err = errors.New("read: connection reset by peer")
	}
	return nil, err
}

// A credit whose answer was lost was made once: read back since the
// attempt began, it is there, and nothing else is.
func TestStoreCreditAnswerLost(t *testing.T) {
	r := newRig(t, "USD")
	ctx := context.Background()
	conn := installWithStoreCredit(t, r)
	id, err := r.sb.AddCustomer(shopName, "dee@example.com")
	if err != nil {
		t.Fatal(err)
	}
	cust := fmt.Sprintf("gid://shopify/Customer/%d", id)
	lossy := shopify.New(shopify.Config{APIKey: apiKey, APISecret: apiSecret, AppURL: "https://cc.example.com",
		BaseURL: r.base, HTTPClient: &http.Client{Transport: loseAnswers{}}, Clock: r.clock.Now})
	attempt := r.clock.Now()
	if _, err := lossy.CreditStoreCredit(ctx, conn, cust, 4200, "USD", time.Time{}); err == nil {
		t.Fatal("the lost answer read as a success")
	}
	found, err := r.a.StoreCreditCredits(ctx, conn, cust, "USD", attempt)
	if err != nil || len(found) != 1 || found[0].Amount != 4200 {
		t.Fatalf("credits since the attempt: %+v, %v; want the one credit of 4200", found, err)
	}
	if held, _ := r.sb.StoreCredit(shopName, "dee@example.com"); len(held) != 1 || held[0].Balance != 4200 {
		t.Errorf("the shop holds %+v", held)
	}
}
