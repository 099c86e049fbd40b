package jobs_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/platforms"
	"codecredit/platforms/shopify"
	shopifysandbox "codecredit/platforms/shopify/sandbox"
	"codecredit/platforms/stripe"
	stripesandbox "codecredit/platforms/stripe/sandbox"
)

// owe gives each of the shop's affiliates an approved balance of amounts[i].
func owe(t testing.TB, sh *shop, amounts []int64) {
	t.Helper()
	entries := make([]models.LedgerEntry, 0, len(amounts))
	for i, aff := range sh.affiliates {
		key := "test-owed:" + strconv.FormatUint(aff, 10)
		entries = append(entries, models.LedgerEntry{AccountID: sh.account.ID, AffiliateID: aff, Kind: models.EntryAdjustment,
			Amount: amounts[i], Currency: "USD", Status: models.EntryApproved, AvailableAt: time.Now(), DedupKey: &key})
	}
	if err := sh.store.DB().CreateInBatches(entries, 1000).Error; err != nil {
		t.Fatal(err)
	}
}

// ledgerOf sums an affiliate's entries: paid and approved (payout entries
// aside), what payout entries took out, and how many entries are sending.
func ledgerOf(t testing.TB, s *models.Store, aff uint64) (paid, approved, paidOut, sending int64) {
	t.Helper()
	db := s.DB()
	db.Raw("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE affiliate_id = ? AND kind <> 'payout' AND status = 'paid'", aff).Scan(&paid)
	db.Raw("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE affiliate_id = ? AND kind <> 'payout' AND status = 'approved'", aff).Scan(&approved)
	db.Raw("SELECT COALESCE(-SUM(amount), 0) FROM ledger_entries WHERE affiliate_id = ? AND kind = 'payout'", aff).Scan(&paidOut)
	db.Raw("SELECT COUNT(*) FROM ledger_entries WHERE affiliate_id = ? AND status = 'sending'", aff).Scan(&sending)
	return
}

// stripeShop is a shop connected to a Stripe sandbox account with a key,
// whose affiliates are paid by Connect transfers to Express accounts.
type stripeShop struct {
	*shop
	sb       *stripesandbox.Server
	adapter  *stripe.Adapter
	merchant string // the merchant's Stripe account (the payer)
	express  map[uint64]string
	now      time.Time // the sandbox's clock
	cut      *cutTransfers
}

// cutTransfers fails the next Cut transfer calls before they reach Stripe.
type cutTransfers struct {
	Cut  int
	base http.RoundTripper
}

func (c *cutTransfers) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.Cut > 0 && r.Method == http.MethodPost && r.URL.Path == "/v1/transfers" {
		c.Cut--
		return nil, errors.New("connection refused (test)")
	}
	return c.base.RoundTrip(r)
}

// advance moves the sandbox's and the store's clocks on by d.
func (ss *stripeShop) advance(d time.Duration) {
	ss.now = ss.now.Add(d)
	at := ss.now
	ss.store.SetClock(func() time.Time { return at })
}

// newStripeShop makes n affiliates owed amounts[i], each paid through
// Stripe Connect with an Express account; onboarded[i] says whether
// Stripe finished its onboarding (account.updated: enabled). The
// merchant's balance is funded with funds.
func newStripeShop(t testing.TB, s *models.Store, amounts []int64, onboarded []bool, funds int64) *stripeShop {
	t.Helper()
	ctx := context.Background()
	ss := &stripeShop{shop: newShop(t, s, len(amounts)), express: map[uint64]string{}, now: time.Now().UTC(),
		cut: &cutTransfers{base: http.DefaultTransport}}
	ss.sb = stripesandbox.New(stripesandbox.Options{RateLimit: 1 << 20, Now: func() time.Time { return ss.now }})
	srv := httptest.NewServer(ss.sb)
	t.Cleanup(srv.Close)
	ss.adapter = stripe.New(stripe.Config{SecretKey: stripesandbox.DefaultPlatformKey, BaseURL: srv.URL,
		HTTPClient: &http.Client{Timeout: 5 * time.Second, Transport: ss.cut}})
	var key string
	ss.merchant, key = ss.sb.CreateAccount("Shop", "owner@example.com", "USD")
	creds := models.Credentials{stripe.CredMode: stripe.ModeKey, stripe.CredAPIKey: key}
	if _, err := s.InstallConnection(ctx, models.Install{AccountID: ss.account.ID, Platform: platforms.Stripe,
		ExternalID: ss.merchant, Credentials: creds, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	payer := &platforms.Conn{ExternalID: ss.merchant, Credentials: creds}
	owe(t, ss.shop, amounts)
	for i, aff := range ss.affiliates {
		x, err := ss.adapter.CreateExpressAccount(ctx, payer, stripe.NewExpressAccount{Email: "x" + strconv.Itoa(i) + "@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		ss.express[aff] = x.ID
		if _, err := s.SavePayoutMethod(ctx, ss.account.ID, aff, models.PayoutMethodInput{Method: models.PayoutStripeConnect}, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
		state := models.ConnectOnboarding
		if onboarded[i] {
			if err := ss.sb.CompleteOnboarding(x.ID); err != nil {
				t.Fatal(err)
			}
			state = models.ConnectEnabled
		}
		if _, err := s.SetConnectAccount(ctx, ss.account.ID, aff, x.ID, state, "stripe"); err != nil {
			t.Fatal(err)
		}
	}
	ss.sb.SetBalance(ss.merchant, "USD", funds)
	return ss
}

// sender is a Stripe sender against the shop's sandbox.
func (ss *stripeShop) sender() *jobs.StripeSender {
	return jobs.NewStripeSender(ss.store, ss.adapter, jobs.PlatformSendOptions{})
}

// received is what Stripe transferred to each affiliate, and how many
// transfers it took.
func (ss *stripeShop) received() (amounts map[uint64]int64, transfers map[uint64]int) {
	amounts, transfers = map[uint64]int64{}, map[uint64]int{}
	for aff, x := range ss.express {
		for _, tr := range ss.sb.Transfers(ss.merchant) {
			if tr.Destination == x {
				amounts[aff] += tr.Amount
				transfers[aff]++
			}
		}
	}
	return amounts, transfers
}

// checkReceivedOnce checks that affiliate i received want[i] in one transfer.
func (ss *stripeShop) checkReceivedOnce(t testing.TB, want ...int64) {
	t.Helper()
	got, n := ss.received()
	for i, w := range want {
		if aff := ss.affiliates[i]; got[aff] != w || n[aff] != 1 {
			t.Errorf("affiliate %d received %d in %d transfers, want %d in one", i, got[aff], n[aff], w)
		}
	}
}

const creditShop = "credit-shop.myshopify.com"

// creditShop is a shop on a Shopify sandbox that granted the store credit
// scopes, whose affiliates are paid in store credit.
type storeCreditShop struct {
	*shop
	sb      *shopifysandbox.Sandbox
	adapter *shopify.Adapter
}

// newStoreCreditShop makes one affiliate per email, owed amounts[i] and
// paid in store credit; customers are the emails the shop has customers for.
func newStoreCreditShop(t testing.TB, s *models.Store, emails []string, amounts []int64, customers []string) *storeCreditShop {
	t.Helper()
	ctx := context.Background()
	scopes := "read_discounts,write_discounts,read_orders,read_products,read_customers," +
		shopify.ScopeStoreCreditAccounts + "," + shopify.ScopeStoreCredit
	sb := shopifysandbox.New(shopifysandbox.Options{APIKey: "key", APISecret: "secret", AppURL: "http://127.0.0.1:1", Scopes: scopes})
	base, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	sb.AddShop(creditShop, "USD")
	a := shopify.New(shopify.Config{APIKey: "key", APISecret: "secret", AppURL: "https://cc.example.com",
		BaseURL: base, HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	pc, err := a.ExchangeSessionToken(ctx, creditShop, sb.MintSessionToken(creditShop, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	cs := &storeCreditShop{shop: newShop(t, s, len(emails)), sb: sb, adapter: a}
	if _, err := s.InstallConnection(ctx, models.Install{AccountID: cs.account.ID, Platform: platforms.Shopify,
		ExternalID: creditShop, Credentials: models.Credentials(pc.Credentials), Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	owe(t, cs.shop, amounts)
	for i, aff := range cs.affiliates {
		if err := s.DB().Model(&models.Affiliate{}).Where("id = ?", aff).Update("email", emails[i]).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.SavePayoutMethod(ctx, cs.account.ID, aff, models.PayoutMethodInput{Method: models.PayoutStoreCredit}, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
	}
	for _, email := range customers {
		if _, err := sb.AddCustomer(creditShop, email); err != nil {
			t.Fatal(err)
		}
	}
	return cs
}

// sender is a store credit sender whose lease ends at once.
func (cs *storeCreditShop) sender() *jobs.StoreCreditSender {
	return jobs.NewStoreCreditSender(cs.store, cs.adapter, jobs.PlatformSendOptions{Lease: time.Nanosecond})
}

// credits lists the store credits an email holds, in the order made.
func (cs *storeCreditShop) credits(t testing.TB, email string) []int64 {
	t.Helper()
	held, err := cs.sb.StoreCredit(creditShop, email)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, acct := range held {
		out = append(out, acct.Credits...)
	}
	return out
}
