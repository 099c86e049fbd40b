package woocommerce_test

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/woocommerce/sandbox"
)

// A monthly coffee club with a 10% recurring coupon (CLUB10), in a store
// adding 10% tax and 5.00 shipping. The plan's amount is its lines after
// the coupon, before tax and without shipping:
//
//	subscribe   1 × 20.00 − 10%  = 18.00   new          0 → 1800
//	renew       the same                   (none)
//	upgrade     2 × 20.00 − 10%  = 36.00   expansion 1800 → 3600
//	downgrade   1 × 30.00 − 10%  = 27.00   contraction 3600 → 2700
//	renewal fails, retry set: past_due     (none: still counted)
//	renew                                  (none)
//	suspend     on-hold: paused            churn     2700 → 0
//	reactivate  active                     reactivation 0 → 2700
//	cancel      pending-cancel: active to the end of the paid term (none)
//	term ends   cancelled                  churn     2700 → 0
func TestSubscriptionLifecycleFromWooCommerce(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		w := newWooSubs(t, s)
		sub, err := w.store.Subscribe(sandbox.SubscriptionSpec{Lines: []sandbox.Line{{Name: "Beans", Quantity: 1, Price: 2000}},
			Coupons: []string{"CLUB10"}, Email: "noor.haddad@example.com"})
		w.check(err)
		events := w.apply()
		if len(events) != 2 || events[0].Order == nil || events[0].Order.Subtotal != 1800 || events[0].Order.SubscriptionID != "" ||
			events[1].Subscription == nil || events[1].Subscription.Codes[0] != "club10" {
			t.Fatalf("subscribe: %s", dump(events))
		}
		w.expect(sub.ID, platforms.SubscriptionActive, 1800, time.Time{})

		w.clock.advance(31 * 24 * time.Hour)
		renewal, err := w.store.Renew(sub.ID)
		w.check(err)
		events = w.apply()
		if len(events) != 2 || events[0].Order == nil || events[0].Order.ExternalID != strconv.FormatInt(renewal.ID, 10) ||
			events[0].Order.SubscriptionID != strconv.FormatInt(sub.ID, 10) || events[0].Order.Subtotal != 1800 {
			t.Fatalf("renewal: %s", dump(events))
		}

		w.check(w.store.Switch(sub.ID, []sandbox.Line{{Name: "Beans", Quantity: 2, Price: 2000}}))
		if events = w.apply(); len(events) != 2 { // subscription.updated, then subscription.switched: one state
			t.Fatalf("upgrade: %s", dump(events))
		}
		w.expect(sub.ID, platforms.SubscriptionActive, 3600, time.Time{})
		w.check(w.store.Switch(sub.ID, []sandbox.Line{{Name: "Beans, large bag", Quantity: 1, Price: 3000}}))
		w.apply()
		w.check(w.store.FailRenewal(sub.ID, w.clock.now().Add(12*time.Hour)))
		w.apply()
		w.expect(sub.ID, platforms.SubscriptionPastDue, 2700, time.Time{})
		_, err = w.store.Renew(sub.ID)
		w.check(err)
		w.apply()
		w.check(w.store.SetSubscriptionStatus(sub.ID, "on-hold"))
		w.apply()
		w.expect(sub.ID, platforms.SubscriptionPaused, 2700, time.Time{})
		w.check(w.store.SetSubscriptionStatus(sub.ID, "active"))
		w.apply()

		current, err := w.store.Subscription(sub.ID)
		w.check(err)
		end := current.NextPayment.Truncate(time.Second)
		w.check(w.store.SetSubscriptionStatus(sub.ID, "pending-cancel"))
		w.apply()
		w.expect(sub.ID, platforms.SubscriptionActive, 2700, end)
		w.clock.advance(end.Sub(w.clock.now()))
		w.check(w.store.SetSubscriptionStatus(sub.ID, "cancelled"))
		w.apply()
		w.expect(sub.ID, platforms.SubscriptionCanceled, 2700, end)

		want := []move{{models.MovementNew, 0, 1800}, {models.MovementExpansion, 1800, 3600},
			{models.MovementContraction, 3600, 2700}, {models.MovementChurn, 2700, 0},
			{models.MovementReactivation, 0, 2700}, {models.MovementChurn, 2700, 0}}
		if got := w.movements(sub.ID); !reflect.DeepEqual(got, want) {
			t.Fatalf("movements %+v\nwant      %+v", got, want)
		}
		w.replay(sub.ID)
	})
}

// A yearly plan of 120.00 after 14 free days is 10.00 a month: nothing
// while in trial, new 0 → 1000 at its first payment, churn 1000 → 0 when
// cancelled at once.
func TestSubscriptionTrialFromWooCommerce(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		w := newWooSubs(t, s)
		sub, err := w.store.Subscribe(sandbox.SubscriptionSpec{Lines: []sandbox.Line{{Name: "Club, yearly", Quantity: 1, Price: 12000}},
			Email: "ines.varga@example.com", Period: "year", TrialDays: 14})
		w.check(err)
		if events := w.apply(); len(events) != 1 { // no parent order to pay during a free trial
			t.Fatalf("trial: %s", dump(events))
		}
		w.expect(sub.ID, platforms.SubscriptionTrialing, 1000, time.Time{})
		w.clock.advance(14 * 24 * time.Hour)
		_, err = w.store.Renew(sub.ID)
		w.check(err)
		w.apply()
		w.expect(sub.ID, platforms.SubscriptionActive, 1000, time.Time{})
		cancelled := w.clock.now()
		w.check(w.store.SetSubscriptionStatus(sub.ID, "cancelled"))
		w.apply()
		w.expect(sub.ID, platforms.SubscriptionCanceled, 1000, cancelled)
		want := []move{{models.MovementNew, 0, 1000}, {models.MovementChurn, 1000, 0}}
		if got := w.movements(sub.ID); !reflect.DeepEqual(got, want) {
			t.Fatalf("movements %+v, want %+v", got, want)
		}
		w.replay(sub.ID)
	})
}

// expect checks the stored state of a subscription.
func (w *wooSubs) expect(id int64, status string, monthly int64, canceled time.Time) {
	w.t.Helper()
	st := w.state(id)
	var gotCanceled time.Time
	if st.CanceledAt != nil {
		gotCanceled = st.CanceledAt.UTC()
	}
	if st.Status != status || st.MonthlyAmount != monthly || st.Currency != "USD" || !gotCanceled.Equal(canceled) {
		w.t.Fatalf("state %s %d canceled %v, want %s %d canceled %v", st.Status, st.MonthlyAmount, gotCanceled,
			status, monthly, canceled)
	}
}

// replay delivers every subscription body again, newest first (twice
// over, and out of order): neither the state nor the movements change.
func (w *wooSubs) replay(id int64) {
	w.t.Helper()
	before, moves := w.state(id), w.movements(id)
	all := w.all
	for i := len(all) - 1; i >= 0; i-- {
		w.ap.mu.Lock()
		w.ap.deliveries = append(w.ap.deliveries, all[i])
		w.ap.mu.Unlock()
	}
	w.apply()
	after := w.state(id)
	if after.Status != before.Status || after.MonthlyAmount != before.MonthlyAmount || !after.ChangedAt.Equal(before.ChangedAt) ||
		!reflect.DeepEqual(w.movements(id), moves) {
		w.t.Fatalf("replay changed %+v into %+v, movements %+v", before, after, w.movements(id))
	}
}
