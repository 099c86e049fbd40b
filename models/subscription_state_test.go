package models_test

import (
	"context"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// A subscription's states, some delivered twice or late, leave its latest
// state and one movement per change of monthly recurring revenue:
//
//	state                              monthly  movement
//	trialing, 30.00 a month            0        -
//	active                             30.00    new 0 → 30.00
//	(the trial again, delivered late)  -        -
//	upgraded to 600.00 a year          50.00    expansion 30.00 → 50.00
//	18.00 every two weeks              39.13    contraction 50.00 → 39.13
//	paused                             0        churn 39.13 → 0
//	active again                       39.13    reactivation 0 → 39.13
//	canceled (delivered twice)         0        churn 39.13 → 0
//
// A month is 365.25 / 12 days, so 18.00 every 14 days is 18.00 × 365.25 /
// 12 / 14 = 39.1339… a month: 39.13.
func TestSubscriptionStatesAndMovements(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
		state := func(status string, amount int64, interval string, count int64, days int) platforms.Subscription {
			m, err := platforms.MonthlyAmount(amount, interval, count)
			if err != nil {
				t.Fatal(err)
			}
			return platforms.Subscription{ExternalID: "sub_1", CustomerEmail: "ann@example.com", Status: status, Currency: "usd",
				Amount: amount, Interval: interval, IntervalCount: count, MonthlyAmount: m, StartedAt: start,
				ChangedAt: start.AddDate(0, 0, days)}
		}
		trial := state(platforms.SubscriptionTrialing, 3000, "month", 1, 0)
		steps := []platforms.Subscription{
			trial, state(platforms.SubscriptionActive, 3000, "month", 1, 14), trial,
			state(platforms.SubscriptionActive, 60000, "year", 1, 40), state(platforms.SubscriptionActive, 1800, "week", 2, 70),
			state(platforms.SubscriptionPaused, 1800, "week", 2, 80), state(platforms.SubscriptionActive, 1800, "week", 2, 95),
		}
		canceled := state(platforms.SubscriptionCanceled, 1800, "week", 2, 120)
		canceled.CanceledAt = canceled.ChangedAt
		steps = append(steps, canceled, canceled)
		for _, st := range steps {
			if err := s.ApplySubscription(ctx, f.conn.ID, st); err != nil {
				t.Fatal(err)
			}
		}
		var moves []models.SubscriptionMovement
		if err := s.DB().Where("external_id = ?", "sub_1").Order("at, id").Find(&moves).Error; err != nil {
			t.Fatal(err)
		}
		want := []struct {
			kind     string
			from, to int64
		}{{models.MovementNew, 0, 3000}, {models.MovementExpansion, 3000, 5000}, {models.MovementContraction, 5000, 3913},
			{models.MovementChurn, 3913, 0}, {models.MovementReactivation, 0, 3913}, {models.MovementChurn, 3913, 0}}
		if len(moves) != len(want) {
			t.Fatalf("%d movements, want %d: %+v", len(moves), len(want), moves)
		}
		for i, w := range want {
			if m := moves[i]; m.Kind != w.kind || m.From != w.from || m.To != w.to || m.Currency != "USD" {
				t.Errorf("movement %d = %s %d → %d, want %s %d → %d", i, m.Kind, m.From, m.To, w.kind, w.from, w.to)
			}
		}
		var st models.SubscriptionState
		if err := s.DB().Where("external_id = ?", "sub_1").Take(&st).Error; err != nil {
			t.Fatal(err)
		}
		if st.Status != platforms.SubscriptionCanceled || st.CanceledAt == nil || st.MonthlyAmount != 3913 {
			t.Fatalf("state %+v", st)
		}
		// Erasing the customer keeps the amounts, not who.
		if _, err := s.RedactCustomer(ctx, f.conn.ID, "ANN@example.com", "", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Where("external_id = ?", "sub_1").Take(&st).Error; err != nil || st.CustomerEmail != "" || st.MonthlyAmount != 3913 {
			t.Fatalf("after redaction %+v %v", st, err)
		}
		bad := state("unknown", 100, "month", 1, 200)
		if err := s.ApplySubscription(ctx, f.conn.ID, bad); !isInvalid(err) {
			t.Fatalf("unknown status: %v", err)
		}
		if _, err := platforms.MonthlyAmount(100, "fortnight", 1); err == nil {
			t.Fatal("an unknown interval is normalised")
		}
	})
}

// A subscription that names the order that started it (a WooCommerce
// parent order) is linked to that order's affiliate: its renewals earn.
func TestSubscriptionLinksItsFirstOrder(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		aff := f.affs[0]
		mustCreate(t, s, &models.CommissionRule{AccountID: f.account.ID, AffiliateID: aff.ID, Kind: models.CommissionPercent,
			BasisPoints: 2000, Currency: "USD"}) // renewals earn for the subscription's life
		first := order("100", 3000, "USD", f.codes[aff.ID])
		if _, err := s.AttributeOrder(ctx, f.conn.ID, first); err != nil {
			t.Fatal(err)
		}
		sub := platforms.Subscription{ExternalID: "200", FirstOrderID: "100", Status: platforms.SubscriptionActive,
			Currency: "USD", Amount: 3000, Interval: "month", IntervalCount: 1, MonthlyAmount: 3000,
			StartedAt: first.PlacedAt, ChangedAt: first.PlacedAt.Add(time.Minute)}
		if err := s.ApplySubscription(ctx, f.conn.ID, sub); err != nil {
			t.Fatal(err)
		}
		renewal := order("101", 3000, "USD")
		renewal.SubscriptionID, renewal.PlacedAt = "200", first.PlacedAt.AddDate(0, 1, 0)
		conv, err := s.AttributeOrder(ctx, f.conn.ID, renewal)
		if err != nil || conv == nil || *conv.AffiliateID != aff.ID || !conv.Recurring {
			t.Fatalf("the renewal of a subscription started by an attributed order: %+v %v", conv, err)
		}
	})
}

// A subscription that stops paying at another amount than the state kept
// changed plan in a state never reported (a lost webhook): the change is
// booked before the churn, at the same time, as the two reports would
// have been, so the month's figures are the same.
func TestSubscriptionEndingOnAnUnseenPlan(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
		sub := platforms.Subscription{ExternalID: "sub_2", Status: platforms.SubscriptionActive, Currency: "USD",
			Amount: 1800, Interval: "month", IntervalCount: 1, MonthlyAmount: 1800, StartedAt: at, ChangedAt: at}
		if err := s.ApplySubscription(ctx, f.conn.ID, sub); err != nil {
			t.Fatal(err)
		}
		sub.Status, sub.Amount, sub.MonthlyAmount = platforms.SubscriptionCanceled, 3600, 3600 // switched, unseen, then cancelled
		sub.ChangedAt, sub.CanceledAt = at.Add(2*time.Hour), at.Add(2*time.Hour)
		if err := s.ApplySubscription(ctx, f.conn.ID, sub); err != nil {
			t.Fatal(err)
		}
		var moves []models.SubscriptionMovement
		if err := s.DB().Where("external_id = ?", "sub_2").Order("id").Find(&moves).Error; err != nil || len(moves) != 3 {
			t.Fatalf("movements %+v %v, want new, expansion, churn", moves, err)
		}
		if m := moves[1]; m.Kind != models.MovementExpansion || m.From != 1800 || m.To != 3600 || !m.At.Equal(sub.ChangedAt) {
			t.Errorf("unseen switch booked as %+v", m)
		}
		if m := moves[2]; m.Kind != models.MovementChurn || m.From != 3600 || m.To != 0 {
			t.Errorf("cancellation booked as %+v", m)
		}
	})
}
