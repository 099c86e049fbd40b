package paddle_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/paddle/sandbox"
)

// subsFlow is a sandbox Paddle account connected to a store of ours, on a
// clock the test moves, keeping every subscription state it applied.
type subsFlow struct {
	*flow
	t       *testing.T
	store   *models.Store
	conn    *models.Connection
	now     atomic.Int64
	applied []platforms.Subscription
}

func newSubsFlow(t *testing.T, store *models.Store) *subsFlow {
	t.Helper()
	ctx := context.Background()
	sf := &subsFlow{t: t, store: store}
	sf.now.Store(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC).UnixNano())
	sf.flow = newFlowAt(t, 0, func() time.Time { return time.Unix(0, sf.now.Load()).UTC() })
	pc := sf.connect()
	acct, err := store.CreateAccount(ctx, "Paddle shop", "owner@example.com", "USD")
	if err != nil {
		t.Fatal(err)
	}
	sf.conn, err = store.InstallConnection(ctx, models.Install{AccountID: acct.ID, Platform: platforms.Paddle,
		ExternalID: pc.ExternalID, Credentials: pc.Credentials, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	return sf
}

// wait moves the clock on.
func (sf *subsFlow) wait(d time.Duration) { sf.now.Add(int64(d)) }

// apply parses the webhooks received, which must be topics, applies every
// subscription state in them to the store and returns the events.
func (sf *subsFlow) apply(topics ...string) []platforms.Event {
	sf.t.Helper()
	events := sf.events(topics...)
	for _, e := range events {
		if e.Kind != platforms.KindSubscription {
			continue
		}
		if err := sf.store.ApplySubscription(context.Background(), sf.conn.ID, *e.Subscription); err != nil {
			sf.t.Fatal(err)
		}
		sf.applied = append(sf.applied, *e.Subscription)
	}
	return events
}

// state is the subscription's state kept and its movements so far.
func (sf *subsFlow) state(id string) (models.SubscriptionState, []string) {
	sf.t.Helper()
	var st models.SubscriptionState
	if err := sf.store.DB().Where("connection_id = ? AND external_id = ?", sf.conn.ID, id).Take(&st).Error; err != nil {
		sf.t.Fatalf("state of %s: %v", id, err)
	}
	var ms []models.SubscriptionMovement
	if err := sf.store.DB().Where("connection_id = ? AND external_id = ?", sf.conn.ID, id).Order("id").Find(&ms).Error; err != nil {
		sf.t.Fatal(err)
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = fmt.Sprintf("%s %d→%d", m.Kind, m.From, m.To)
	}
	return st, out
}

// expect checks a subscription's status, monthly amount and movements.
func (sf *subsFlow) expect(step, id, status string, monthly int64, movements ...string) models.SubscriptionState {
	sf.t.Helper()
	st, got := sf.state(id)
	if st.Status != status || st.MonthlyAmount != monthly || !slices.Equal(got, movements) {
		sf.t.Fatalf("after %s: %s %d a month, movements %v; want %s %d, %v", step, st.Status, st.MonthlyAmount, got, status, monthly, movements)
	}
	return st
}

const day = 24 * time.Hour

// A subscription without a trial through its whole life: subscribe →
// renew → upgrade → downgrade → pause → resume → cancel at the period's
// end, each state applied as it arrives, then every state delivered again
// in reverse order, which changes nothing.
//
// 3 seats at 29.99 a month: 89.97. Upgraded to 5: 149.95; downgraded to
// 2: 59.98. The one-off setup fee is not recurring revenue.
func TestPaddleSubscriptionLifecycle(t *testing.T) {
	testdb.Both(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		sf := newSubsFlow(t, store)
		items := []sandbox.Item{{Name: "Pro seat", UnitPrice: 2999, Quantity: 3, Recurring: true}, {Name: "Setup", UnitPrice: 1000, Quantity: 1}}
		sub, err := sf.sb.Subscribe(ctx, "", items, "USD", "buyer@example.com", 0)
		if err != nil {
			t.Fatal(err)
		}
		ev := sf.apply("transaction.completed", "subscription.created", "subscription.activated")
		if o := ev[0].Order; o.SubscriptionID != sub.ID || ev[1].Subscription.ExternalID != sub.ID || o.Subtotal != 9997 {
			t.Fatalf("order %+v names %q, the subscription is %q", o, o.SubscriptionID, sub.ID)
		}
		// created and activated carry one state (one updated_at): one movement
		st := sf.expect("subscribe", sub.ID, platforms.SubscriptionActive, 8997, "new 0→8997")
		if st.Amount != 8997 || st.Interval != platforms.IntervalMonth || st.IntervalCount != 1 || st.CanceledAt != nil ||
			!st.StartedAt.Equal(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)) {
			t.Fatalf("state %+v", st)
		}

		sf.wait(31 * day)
		if _, err := sf.sb.Renew(ctx, sub.ID); err != nil {
			t.Fatal(err)
		}
		ev = sf.apply("transaction.completed", "subscription.updated")
		if o := ev[0].Order; o.SubscriptionID != sub.ID || o.Subtotal != 8997 { // the renewal's order keeps its numbers
			t.Fatalf("renewal order %+v", o)
		}
		sf.expect("renew", sub.ID, platforms.SubscriptionActive, 8997, "new 0→8997")

		var scheduled sandbox.Subscription
		steps := []struct {
			name      string
			do        func() error
			topics    []string
			status    string
			monthly   int64
			movements string
		}{
			{"upgrade", func() error { _, err := sf.sb.SetQuantity(ctx, sub.ID, 0, 5); return err },
				[]string{"subscription.updated"}, platforms.SubscriptionActive, 14995, "expansion 8997→14995"},
			{"downgrade", func() error { _, err := sf.sb.SetQuantity(ctx, sub.ID, 0, 2); return err },
				[]string{"subscription.updated"}, platforms.SubscriptionActive, 5998, "contraction 14995→5998"},
			{"pause", func() error { _, err := sf.sb.Pause(ctx, sub.ID); return err },
				[]string{"subscription.paused", "subscription.updated"}, platforms.SubscriptionPaused, 5998, "churn 5998→0"},
			{"resume", func() error { _, err := sf.sb.Resume(ctx, sub.ID); return err },
				[]string{"subscription.resumed", "subscription.updated", "transaction.completed"}, platforms.SubscriptionActive, 5998, "reactivation 0→5998"},
			// scheduled: still active and paying until the period ends
			{"cancel at the period's end", func() error { scheduled, err = sf.sb.Cancel(ctx, sub.ID, true); return err },
				[]string{"subscription.updated"}, platforms.SubscriptionActive, 5998, ""},
		}
		want := []string{"new 0→8997"}
		for _, s := range steps {
			sf.wait(3 * day)
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			sf.apply(s.topics...)
			if s.movements != "" {
				want = append(want, s.movements)
			}
			sf.expect(s.name, sub.ID, s.status, s.monthly, want...)
		}
		if st, _ := sf.state(sub.ID); st.CanceledAt != nil {
			t.Fatalf("a scheduled cancellation ended the subscription already: %v", st.CanceledAt)
		}

		// resumed on 2026-04-14 for a month: Paddle cancels it on 2026-05-14
		end := time.Date(2026, 5, 14, 9, 30, 0, 0, time.UTC)
		if sc := scheduled.ScheduledChange; sc == nil || sc.Action != "cancel" || sc.EffectiveAt != end.Format("2006-01-02T15:04:05.000000Z") {
			t.Fatalf("scheduled change %+v, want a cancellation on %v", sc, end)
		}
		sf.now.Store(end.UnixNano())
		if _, err := sf.sb.RunScheduledChange(ctx, sub.ID); err != nil {
			t.Fatal(err)
		}
		sf.apply("subscription.canceled", "subscription.updated")
		want = append(want, "churn 5998→0")
		st = sf.expect("the period's end", sub.ID, platforms.SubscriptionCanceled, 5998, want...)
		if st.CanceledAt == nil || !st.CanceledAt.Equal(end) {
			t.Fatalf("canceled at %v, want %v", st.CanceledAt, end)
		}

		// every state again, newest first: all older or the same, nothing moves
		for _, s := range slices.Backward(sf.applied) {
			if err := store.ApplySubscription(ctx, sf.conn.ID, s); err != nil {
				t.Fatal(err)
			}
		}
		sf.expect("delivering everything again", sub.ID, platforms.SubscriptionCanceled, 5998, want...)
	})
}

// A subscription with a 14-day trial: trialing adds nothing to recurring
// revenue; its first bill activates it (new); a failed payment leaves it
// counted (past due); cancelled at once, it churns.
//
// 2 seats at 15.00 a month: 30.00.
func TestPaddleSubscriptionWithTrial(t *testing.T) {
	testdb.Both(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		sf := newSubsFlow(t, store)
		sub, err := sf.sb.Subscribe(ctx, "", []sandbox.Item{{Name: "Team seat", UnitPrice: 1500, Quantity: 2, Recurring: true}}, "usd", "trial@example.com", 14)
		if err != nil {
			t.Fatal(err)
		}
		sf.apply("subscription.created", "subscription.trialing")
		st := sf.expect("subscribe", sub.ID, platforms.SubscriptionTrialing, 3000)
		start := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
		if !st.StartedAt.Equal(start) || st.Amount != 3000 {
			t.Fatalf("trialing state %+v", st)
		}

		sf.wait(14 * day)
		if _, err := sf.sb.Renew(ctx, sub.ID); err != nil {
			t.Fatal(err)
		}
		ev := sf.apply("transaction.completed", "subscription.activated", "subscription.updated")
		if o := ev[0].Order; o.SubscriptionID != sub.ID || o.Subtotal != 3000 {
			t.Fatalf("first bill %+v", o)
		}
		sf.expect("the trial's end", sub.ID, platforms.SubscriptionActive, 3000, "new 0→3000")

		sf.wait(30 * day)
		if _, err := sf.sb.FailPayment(ctx, sub.ID); err != nil {
			t.Fatal(err)
		}
		sf.apply("subscription.past_due", "subscription.updated")
		sf.expect("a failed payment", sub.ID, platforms.SubscriptionPastDue, 3000, "new 0→3000")

		sf.wait(2 * day)
		if _, err := sf.sb.Cancel(ctx, sub.ID, false); err != nil {
			t.Fatal(err)
		}
		sf.apply("subscription.canceled", "subscription.updated")
		st = sf.expect("cancel at once", sub.ID, platforms.SubscriptionCanceled, 3000, "new 0→3000", "churn 3000→0")
		if want := start.Add(46 * day); st.CanceledAt == nil || !st.CanceledAt.Equal(want) || !st.StartedAt.Equal(start) {
			t.Fatalf("canceled at %v, want %v; started %v", st.CanceledAt, want, st.StartedAt)
		}

		// the trialing state arriving last changes nothing
		if err := store.ApplySubscription(ctx, sf.conn.ID, sf.applied[0]); err != nil {
			t.Fatal(err)
		}
		sf.expect("a late trialing state", sub.ID, platforms.SubscriptionCanceled, 3000, "new 0→3000", "churn 3000→0")
	})
}
