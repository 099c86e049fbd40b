package jobs_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// items reads a run's items by affiliate email.
func (ps *paypalShop) items(t *testing.T, runID uint64) (*models.RunItems, map[string]models.RunItem) {
	t.Helper()
	v, err := ps.store.GetRunItems(context.Background(), ps.account.ID, runID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]models.RunItem{}
	for _, it := range v.Items {
		if it.RetriedBy == nil {
			out[ps.emails[it.AffiliateID]] = it
		}
	}
	return v, out
}

// TestRetryPaysAFailedItemOnce: an item PayPal failed for the recipient's
// account waits for new payout details; once the affiliate changed them,
// two retries requested at once make one retry, which PayPal pays once;
// the run shows it paid, the ledger is exact, and the same item cannot be
// retried again.
func TestRetryPaysAFailedItemOnce(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		{
			ctx := context.Background()
			emails := []string{"ada@example.com", "bob+failed@example.com", "cy+unclaimed@example.com"}
			ps := newPayPalShop(t, s, emails, []int64{1500, 2000, 700})
			run := ps.start(t, "run-retry-1")
			// UNCLAIMED keeps the batch open: the send follows it until
			// its context ends, and is left there.
			sendCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
			_ = ps.sender(nil).Send(sendCtx, run.ID)
			cancel()
			v, byEmail := ps.items(t, run.ID)
			bob := byEmail["bob+failed@example.com"]
			if byEmail["ada@example.com"].Status != models.ItemPaid || bob.Status != models.ItemFailed ||
				byEmail["cy+unclaimed@example.com"].Status != models.ItemUnclaimed || bob.Reason == "" {
				t.Fatalf("statuses: %+v", byEmail)
			}
			if bob.Retryable || bob.RetryNote == "" || v.RetryableCount != 0 {
				t.Fatalf("the same locked PayPal account was offered for a retry: %+v", bob)
			}
			if _, err := s.RetryFailedItems(ctx, ps.account.ID, run.ID); !errors.Is(err, models.ErrConflict) {
				t.Fatalf("retry with nothing retryable: %v, want a conflict", err)
			}
			_, err := s.SavePayoutMethod(ctx, ps.account.ID, bob.AffiliateID, models.PayoutMethodInput{Method: models.PayoutPayPal, PayPalEmail: "bob@example.com"}, models.ActorAffiliate)
			if err != nil {
				t.Fatal(err)
			}
			if v, byEmail = ps.items(t, run.ID); byEmail["cy+unclaimed@example.com"].Retryable {
				t.Fatal("an unclaimed item, whose outcome is unknown, was offered for a retry")
			}
			if v.RetryableCount != 1 || v.RetryableAmount != 2000 {
				t.Fatalf("after new details: %d retryable for %d, want bob's 2000", v.RetryableCount, v.RetryableAmount)
			}
			var wg sync.WaitGroup
			results := make([]*models.RetryResult, 2)
			errs := make([]error, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i], errs[i] = s.RetryFailedItems(ctx, ps.account.ID, run.ID)
				}()
			}
			wg.Wait()
			var retry *models.RetryResult
			for i := range 2 {
				switch {
				case errs[i] == nil && retry == nil:
					retry = results[i]
				case !errors.Is(errs[i], models.ErrConflict):
					t.Fatalf("two retries at once: %v / %v, want one retry and one conflict", errs[0], errs[1])
				}
			}
			if retry == nil || retry.Count != 1 || retry.Total != 2000 {
				t.Fatalf("retry: %+v", retry)
			}
			for range 2 { // sent again (a task run twice): PayPal still pays it once
				if err := ps.sender(nil).Send(ctx, retry.RetryRunID); err != nil {
					t.Fatal(err)
				}
			}
			v, byEmail = ps.items(t, run.ID)
			if got := byEmail["bob+failed@example.com"]; got.Status != models.ItemPaid || got.RetryOf == nil || *got.RetryOf != bob.PayoutID {
				t.Fatalf("bob after the retry: %+v", got)
			}
			if v.Totals[models.ItemPaid].Amount != 3500 || v.Totals[models.ItemFailed].Count != 0 || len(v.Items) != 4 {
				t.Errorf("totals %+v over %d items, want 3500 paid and nothing failed", v.Totals, len(v.Items))
			}
			if _, err := s.RetryFailedItems(ctx, ps.account.ID, run.ID); !errors.Is(err, models.ErrConflict) {
				t.Fatalf("retry again: %v, want a conflict", err)
			}
			retried := ps.paidByPayPal(t, retry.RetryRunID)
			if retried[bob.AffiliateID] != 2000 || len(ps.paypalItems(t, retry.RetryRunID)) != 1 {
				t.Fatalf("PayPal paid by the retry: %v", retried)
			}
			paid := ps.paidByPayPal(t, run.ID)
			paid[bob.AffiliateID] += retried[bob.AffiliateID]
			ps.owed[ps.affiliates[2]] -= 700 // unclaimed: still in flight
			ps.checkExactExcept(t, paid, ps.affiliates[2])
		}
	})
}

// checkExactExcept is checkExact for every affiliate but skip.
func (ps *paypalShop) checkExactExcept(t *testing.T, paid map[uint64]int64, skip uint64) {
	t.Helper()
	all := ps.affiliates
	defer func() { ps.affiliates = all }()
	ps.affiliates = nil
	for _, a := range all {
		if a != skip {
			ps.affiliates = append(ps.affiliates, a)
		}
	}
	ps.checkExact(t, paid)
}

// TestPayoutNoticesOnce: the paid item and the one the affiliate must fix
// are emailed once each, with the amount, the method and the portal link;
// writing the notices again writes nothing.
func TestPayoutNoticesOnce(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	ps := newPayPalShop(t, s, []string{"ada@example.com", "bob+failed@example.com"}, []int64{1500, 2000})
	run := ps.start(t, "run-notice-1")
	if err := ps.sender(nil).Send(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	ids, err := s.WritePayoutNotices(ctx, "https://app.example.com", 100)
	if err != nil || len(ids) != 2 {
		t.Fatalf("notices: %v, %v; want two", ids, err)
	}
	again, err := s.WritePayoutNotices(ctx, "https://app.example.com", 100)
	if err != nil || len(again) != 0 {
		t.Fatalf("notices written again: %v, %v", again, err)
	}
	want := map[uint64][]string{ps.affiliates[0]: {"15.00 USD", "was paid", "PayPal", "https://app.example.com/portal/"},
		ps.affiliates[1]: {"20.00 USD", "could not be paid", "Update your payout details", "b•••@example.com"}}
	for _, id := range ids {
		e, err := s.GetEmail(ctx, ps.account.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want[*e.AffiliateID] {
			if !strings.Contains(e.Subject+"\n"+e.Text, w) {
				t.Errorf("email to %s misses %q:\n%s\n%s", e.To, w, e.Subject, e.Text)
			}
		}
	}
}
