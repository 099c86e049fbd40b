package jobs_test

import (
	"context"
	"testing"

	"codecredit/models"
	"codecredit/models/testdb"
)

// TestPayoutListSaysWhereTheMoneyIs: the payouts list does not call a
// PayPal payout paid before PayPal pays it, nor one PayPal failed or sent
// back: each says queued, then paid or failed/returned with PayPal's
// reason, and only a settled payout has a settlement time.
func TestPayoutListSaysWhereTheMoneyIs(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	emails := []string{"ada@example.com", "bob+failed@example.com", "cy+returned@example.com"}
	ps := newPayPalShop(t, s, emails, []int64{1234, 2000, 3001})
	run := ps.start(t, "run-list-1")
	list := func() map[string]models.Payout {
		t.Helper()
		out, err := s.ListPayouts(ctx, ps.account.ID)
		if err != nil {
			t.Fatal(err)
		}
		by := map[string]models.Payout{}
		for _, p := range out {
			by[ps.emails[p.AffiliateID]] = p
		}
		return by
	}
	for email, p := range list() {
		if p.Status != "queued" || p.SettledAt != nil {
			t.Errorf("%s before sending: status %q settled %v, want queued and unsettled", email, p.Status, p.SettledAt)
		}
	}
	ps.sendUntilSettled(t, ps.sender(nil), run.ID)
	want := map[string]string{"ada@example.com": "paid", "bob+failed@example.com": "failed", "cy+returned@example.com": "returned"}
	for email, p := range list() {
		if p.Status != want[email] || p.SettledAt == nil || p.SettledAt.Before(p.PaidAt) {
			t.Errorf("%s: status %q settled %v (made %v), want %s and settled after it was made", email, p.Status, p.SettledAt, p.PaidAt, want[email])
		}
		if (p.Status != "paid") != (p.StatusReason != "") {
			t.Errorf("%s: %s with reason %q: a reason is given exactly when not paid", email, p.Status, p.StatusReason)
		}
		one, err := s.GetPayout(ctx, ps.account.ID, p.ID)
		if err != nil || one.Status != p.Status {
			t.Errorf("%s: one payout says %v, the list %q (%v)", email, one, p.Status, err)
		}
	}
}
