package jobs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"codecredit/jobs"
	"codecredit/models"
	"codecredit/platforms/paypal"
	"codecredit/platforms/paypal/sandbox"
)

// paypalShop is a shop whose affiliates are paid through a PayPal sandbox.
type paypalShop struct {
	*shop
	sb     *sandbox.Server
	url    string
	owed   map[uint64]int64 // approved balance by affiliate before any run
	emails map[uint64]string
}

// newPayPalShop makes a shop with one affiliate per email, each with an
// approved balance of amounts[i] and PayPal as payout method, and a PayPal
// sandbox whose items settle at once.
func newPayPalShop(t testing.TB, s *models.Store, emails []string, amounts []int64) *paypalShop {
	t.Helper()
	ctx := context.Background()
	ps := &paypalShop{shop: newShop(t, s, len(emails)), owed: map[uint64]int64{}, emails: map[uint64]string{}}
	ps.sb = sandbox.New(sandbox.Options{SettleAfter: time.Millisecond})
	srv := httptest.NewServer(ps.sb)
	t.Cleanup(srv.Close)
	ps.sb.SetBaseURL(srv.URL)
	ps.url = srv.URL
	entries := make([]models.LedgerEntry, 0, len(emails))
	for i, aff := range ps.affiliates {
		key := "test-owed:" + strconv.FormatUint(aff, 10)
		entries = append(entries, models.LedgerEntry{AccountID: ps.account.ID, AffiliateID: aff, Kind: models.EntryAdjustment,
			Amount: amounts[i], Currency: "USD", Status: models.EntryApproved, AvailableAt: time.Now(), DedupKey: &key})
		ps.owed[aff], ps.emails[aff] = amounts[i], emails[i]
		if _, err := s.SavePayoutMethod(ctx, ps.account.ID, aff, models.PayoutMethodInput{Method: models.PayoutPayPal, PayPalEmail: emails[i]}, models.ActorAffiliate); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DB().CreateInBatches(entries, 1000).Error; err != nil {
		t.Fatal(err)
	}
	err := s.SavePayPalCredentials(ctx, ps.account.ID, models.PayPalCredentials{ClientID: sandbox.DefaultClientID,
		Secret: sandbox.DefaultSecret, WebhookID: ps.sb.WebhookID()})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// sender is a PayPal sender against the shop's sandbox that polls often.
func (ps *paypalShop) sender(hc *http.Client) *jobs.PayPalSender {
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Second}
	}
	return jobs.NewPayPalSender(ps.store, jobs.PayPalOptions{BaseURL: ps.url, HTTPClient: hc, PollEvery: 5 * time.Millisecond})
}

// start starts a PayPal run with key.
func (ps *paypalShop) start(t testing.TB, key string) *models.PayoutRun {
	t.Helper()
	run, _, err := ps.store.StartPayPalRun(context.Background(), ps.account.ID, key)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// paypalItems reads the run's batch from the sandbox: status by payout id.
func (ps *paypalShop) paypalItems(t testing.TB, runID uint64) map[uint64]paypal.Item {
	t.Helper()
	v, err := ps.store.GetPayPalRun(context.Background(), ps.account.ID, runID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := paypal.New(paypal.Config{ClientID: sandbox.DefaultClientID, Secret: sandbox.DefaultSecret, BaseURL: ps.url})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.GetBatch(context.Background(), v.Send.BatchID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint64]paypal.Item{}
	for _, it := range b.Items {
		id, _ := strconv.ParseUint(it.SenderItemID, 10, 64)
		if _, dup := out[id]; dup {
			t.Fatalf("payout %d is twice in PayPal's batch", id)
		}
		out[id] = it
	}
	return out
}

// checkExact checks, for every affiliate, that what PayPal reports paid
// equals the paid payout entries and the paid balance, that nothing else
// is in flight, and that what was not paid is approved again.
func (ps *paypalShop) checkExact(t testing.TB, paidByPayPal map[uint64]int64) {
	t.Helper()
	db := ps.store.DB()
	for _, aff := range ps.affiliates {
		var paidEntries, payoutEntries, approved, sending int64
		db.Raw("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE affiliate_id = ? AND kind <> 'payout' AND status = 'paid'", aff).Scan(&paidEntries)
		db.Raw("SELECT COALESCE(-SUM(amount), 0) FROM ledger_entries WHERE affiliate_id = ? AND kind = 'payout'", aff).Scan(&payoutEntries)
		db.Raw("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE affiliate_id = ? AND kind <> 'payout' AND status = 'approved'", aff).Scan(&approved)
		db.Raw("SELECT COUNT(*) FROM ledger_entries WHERE affiliate_id = ? AND status = 'sending'", aff).Scan(&sending)
		want := paidByPayPal[aff]
		if paidEntries != want || payoutEntries != want || approved != ps.owed[aff]-want || sending != 0 {
			t.Errorf("%s: PayPal paid %d; ledger: paid %d, payout entries %d, approved %d (owed %d), %d sending",
				ps.emails[aff], want, paidEntries, payoutEntries, approved, ps.owed[aff], sending)
		}
	}
}

// paidByPayPal sums the SUCCESS items of runs by affiliate.
func (ps *paypalShop) paidByPayPal(t testing.TB, runIDs ...uint64) map[uint64]int64 {
	t.Helper()
	out := map[uint64]int64{}
	for _, runID := range runIDs {
		v, err := ps.store.GetPayPalRun(context.Background(), ps.account.ID, runID)
		if err != nil {
			t.Fatal(err)
		}
		items := ps.paypalItems(t, runID)
		for _, it := range v.Items {
			pp, ok := items[it.PayoutID]
			if !ok {
				t.Fatalf("payout %d is not in PayPal's batch", it.PayoutID)
			}
			if pp.Amount != it.Amount {
				t.Fatalf("payout %d: PayPal has %d, we sent %d", it.PayoutID, pp.Amount, it.Amount)
			}
			if pp.Status == paypal.ItemSuccess {
				out[it.AffiliateID] += pp.Amount
			}
		}
	}
	return out
}

func emailsLike(n int, pattern func(i int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = pattern(i)
	}
	return out
}

// sendUntilSettled sends a run and, while the send rests with items still
// UNCLAIMED (read again hourly in production), sends it again, as the
// sweeper would an hour later, until every item is paid or failed.
func (ps *paypalShop) sendUntilSettled(t testing.TB, sender *jobs.PayPalSender, runID uint64) {
	t.Helper()
	ctx := context.Background()
	for try := 0; ; try++ {
		if err := sender.Send(ctx, runID); err != nil {
			t.Fatal(err)
		}
		v, err := ps.store.GetPayPalRun(ctx, ps.account.ID, runID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Send.State == models.BatchDone {
			return
		}
		if try == 100 {
			t.Fatalf("run %d not settled after %d sends: %+v", runID, try+1, v.Send)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
