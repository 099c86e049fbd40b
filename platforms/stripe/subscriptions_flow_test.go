package stripe_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
	"codecredit/platforms/stripe"
	"codecredit/platforms/stripe/sandbox"
)

// apiPost calls the sandbox's API with an account's key, as the merchant's
// own integration would.
func (a *app) apiPost(key, path string, form url.Values) {
	a.t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/v1/"+path, strings.NewReader(form.Encode()))
	r.Header.Set("Authorization", "Bearer "+key)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	a.sb.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		a.t.Fatalf("POST /v1/%s: %d %s", path, w.Code, w.Body)
	}
}

// subscriptionStates are the subscription states among what arrived
// after the first n deliveries.
func (a *app) subscriptionStates(n int) []platforms.Subscription {
	var out []platforms.Subscription
	for _, r := range a.since(n) {
		for _, ev := range r.events {
			if ev.Kind == platforms.KindSubscription {
				out = append(out, *ev.Subscription)
			}
		}
	}
	return out
}

// TestSubscriptionLifecycle drives a subscription through the sandbox:
// subscribe with a forever 20% code, renew, upgrade, downgrade, pause,
// resume, cancel at the period's end, then at once; each signed
// subscription event goes through the adapter (enriched, parsed) into
// ApplySubscription, delivered once in order, then again and backwards.
func TestSubscriptionLifecycle(t *testing.T) {
	a := newApp(t)
	pc, got := a.connectKey(0)
	key := got.Credentials[stripe.CredAPIKey]
	a.apiPost(key, "coupons", url.Values{"id": {"TEAM20"}, "duration": {"forever"}, "percent_off": {"20"}})
	a.apiPost(key, "promotion_codes", url.Values{"promotion[type]": {"coupon"}, "promotion[coupon]": {"TEAM20"}, "code": {"TEAM20"}})
	seat := func(n int64) sandbox.Item {
		return sandbox.Item{Product: "prod_seat", Title: "Seat", UnitAmount: 1500, Quantity: n}
	}
	addon := sandbox.Item{Product: "prod_addon", Title: "Add-on", UnitAmount: 500, Quantity: 1}

	n := a.count()
	first, err := a.sb.StartSubscription(pc.ExternalID, "TEAM20", []sandbox.Item{seat(2)}, "usd")
	must(t, err)
	renewal, err := a.sb.Renew(first.SubscriptionID)
	must(t, err)
	// The renewal's invoice keeps its numbers: 2 × 15.00 less 20% = 24.00.
	if renewal.Total != 2400 {
		t.Errorf("renewal total = %d, want 2400", renewal.Total)
	}
	subID := first.SubscriptionID
	_, err = a.sb.ChangeSubscription(subID, []sandbox.Item{seat(3), addon})
	must(t, err)
	_, err = a.sb.ChangeSubscription(subID, []sandbox.Item{seat(1)})
	must(t, err)
	_, err = a.sb.PauseSubscription(subID, true)
	must(t, err)
	_, err = a.sb.PauseSubscription(subID, false)
	must(t, err)
	_, err = a.sb.CancelSubscription(subID, true)
	must(t, err)
	_, err = a.sb.CancelSubscription(subID, false)
	must(t, err)

	states := a.subscriptionStates(n)
	// The sandbox's clock: started 2026-04-02 10:00, renewed 2026-05-02,
	// each change a day after the one before.
	day := func(d int) time.Time { return time.Date(2026, 5, d, 10, 0, 0, 0, time.UTC) }
	start := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
	want := []struct {
		status  string
		amount  int64
		changed time.Time
	}{
		{"active", 2400, start},    // 2 × 15.00 = 30.00, less 20% = 24.00
		{"active", 4000, day(3)},   // 3 × 15.00 + 5.00 = 50.00, less 20% = 40.00
		{"active", 1200, day(4)},   // 1 × 15.00 = 15.00, less 20% = 12.00
		{"paused", 1200, day(5)},   // pause_collection: no payments
		{"active", 1200, day(6)},   // resumed
		{"active", 1200, day(7)},   // cancel at period end: still runs and pays
		{"canceled", 1200, day(8)}, // canceled now
	}
	if len(states) != len(want) {
		t.Fatalf("%d subscription events, want %d: %+v", len(states), len(want), states)
	}
	for i, w := range want {
		s := states[i]
		if s.ExternalID != subID || s.Status != w.status || s.Amount != w.amount || s.MonthlyAmount != w.amount ||
			!s.ChangedAt.Equal(w.changed) || !s.StartedAt.Equal(start) || s.Interval != "month" ||
			len(s.Codes) != 1 || !strings.HasPrefix(s.Codes[0], "promo_") {
			t.Errorf("event %d = %+v, want %s %d at %s", i, s, w.status, w.amount, w.changed)
		}
		if ended := w.status == "canceled"; ended != !s.CanceledAt.IsZero() || ended && !s.CanceledAt.Equal(day(8)) {
			t.Errorf("event %d canceled at %s", i, s.CanceledAt)
		}
	}

	testdb.Both(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		conn := installStripe(t, store, pc)
		apply := func(order []int) {
			for _, i := range order {
				if err := store.ApplySubscription(ctx, conn.ID, states[i]); err != nil {
					t.Fatal(err)
				}
			}
		}
		apply([]int{0, 1, 2, 3, 4, 5, 6})
		apply([]int{6, 5, 4, 3, 2, 1, 0, 3, 6}) // late and repeated deliveries change nothing
		var st models.SubscriptionState
		must(t, store.DB().Where("connection_id = ? AND external_id = ?", conn.ID, subID).Take(&st).Error)
		if st.Status != "canceled" || st.MonthlyAmount != 1200 || st.CanceledAt == nil || !st.CanceledAt.Equal(day(8)) ||
			!st.ChangedAt.Equal(day(8)) || st.Currency != "USD" {
			t.Errorf("state = %+v", st)
		}
		var moves []models.SubscriptionMovement
		must(t, store.DB().Where("connection_id = ?", conn.ID).Order("id").Find(&moves).Error)
		wantMoves := []struct {
			kind     string
			from, to int64
			at       time.Time
		}{
			{models.MovementNew, 0, 2400, start},
			{models.MovementExpansion, 2400, 4000, day(3)},
			{models.MovementContraction, 4000, 1200, day(4)},
			{models.MovementChurn, 1200, 0, day(5)},
			{models.MovementReactivation, 0, 1200, day(6)},
			{models.MovementChurn, 1200, 0, day(8)}, // not at day 7: it still paid until canceled
		}
		if len(moves) != len(wantMoves) {
			t.Fatalf("movements = %+v, want %d", moves, len(wantMoves))
		}
		for i, w := range wantMoves {
			m := moves[i]
			if m.Kind != w.kind || m.From != w.from || m.To != w.to || !m.At.Equal(w.at) {
				t.Errorf("movement %d = %s %d→%d at %s, want %s %d→%d at %s", i, m.Kind, m.From, m.To, m.At, w.kind, w.from, w.to, w.at)
			}
		}
	})
}

// installStripe installs the Stripe connection on a fresh store.
func installStripe(t *testing.T, store *models.Store, pc *platforms.Conn) *models.Connection {
	t.Helper()
	ctx := context.Background()
	acct, err := store.CreateAccount(ctx, "Sunny Shop", "owner@sunny.example", "USD")
	must(t, err)
	conn, err := store.InstallConnection(ctx, models.Install{AccountID: acct.ID, Platform: platforms.Stripe,
		ExternalID: pc.ExternalID, Credentials: models.Credentials(pc.Credentials), Currency: "USD"})
	must(t, err)
	return conn
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSubscriptionTrial: a 14-day trial pays nothing; it starts paying when
// it ends (the first invoice paid, the subscription active), and a late
// delivery of the trial changes nothing.
func TestSubscriptionTrial(t *testing.T) {
	a := newApp(t)
	pc, _ := a.connectKey(0)
	n := a.count()
	subID, _, err := a.sb.StartTrial(pc.ExternalID, "", []sandbox.Item{{Product: "prod_seat", Title: "Seat",
		UnitAmount: 1500, Quantity: 2}}, "usd", 14)
	must(t, err)
	first, err := a.sb.EndTrial(subID)
	must(t, err)
	if first.Total != 3000 { // 2 × 15.00, no code, no tax
		t.Errorf("first invoice total = %d, want 3000", first.Total)
	}
	_, err = a.sb.CancelSubscription(subID, false)
	must(t, err)
	states := a.subscriptionStates(n)
	start := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
	trialEnd := start.AddDate(0, 0, 14)
	if len(states) != 3 || states[0].Status != "trialing" || !states[0].ChangedAt.Equal(start) ||
		states[1].Status != "active" || !states[1].ChangedAt.Equal(trialEnd) ||
		states[2].Status != "canceled" || !states[2].CanceledAt.Equal(trialEnd.AddDate(0, 0, 1)) {
		t.Fatalf("states = %+v", states)
	}
	for _, s := range states {
		if s.MonthlyAmount != 3000 || !s.StartedAt.Equal(start) || s.Codes != nil {
			t.Errorf("state %+v, want 30.00 a month since %s, no code", s, start)
		}
	}
	testdb.Both(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		conn := installStripe(t, store, pc)
		for _, i := range []int{0, 1, 0, 2, 1} {
			must(t, store.ApplySubscription(ctx, conn.ID, states[i]))
		}
		var moves []models.SubscriptionMovement
		must(t, store.DB().Where("connection_id = ?", conn.ID).Order("id").Find(&moves).Error)
		// The trial adds nothing; 30.00 a month from its end; nothing again a day later.
		if len(moves) != 2 || moves[0].Kind != models.MovementNew || moves[0].To != 3000 || !moves[0].At.Equal(trialEnd) ||
			moves[1].Kind != models.MovementChurn || moves[1].From != 3000 || moves[1].To != 0 {
			t.Errorf("movements = %+v", moves)
		}
	})
}

// TestSubscriptionEndsAtPeriodEnd: canceled at the end of its period, a
// subscription pays until then and churns when Stripe ends it, at that
// end, not when the cancellation was asked for.
func TestSubscriptionEndsAtPeriodEnd(t *testing.T) {
	a := newApp(t)
	pc, _ := a.connectKey(0)
	n := a.count()
	first, err := a.sb.StartSubscription(pc.ExternalID, "", []sandbox.Item{{Title: "Plan", UnitAmount: 2900, Quantity: 1}}, "usd")
	must(t, err)
	_, err = a.sb.CancelSubscription(first.SubscriptionID, true)
	must(t, err)
	ended, err := a.sb.Renew(first.SubscriptionID)
	must(t, err)
	if ended.InvoiceID != "" {
		t.Errorf("a subscription that ends was billed again: %+v", ended)
	}
	if _, err := a.sb.Renew(first.SubscriptionID); err == nil {
		t.Error("an ended subscription renewed")
	}
	states := a.subscriptionStates(n)
	start := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
	periodEnd := start.AddDate(0, 1, 0)
	if len(states) != 3 || states[1].Status != "active" || !states[1].CanceledAt.IsZero() ||
		!states[1].ChangedAt.Equal(start.AddDate(0, 0, 1)) || states[2].Status != "canceled" ||
		!states[2].CanceledAt.Equal(periodEnd) || !states[2].ChangedAt.Equal(periodEnd) {
		t.Fatalf("states = %+v", states)
	}
	testdb.Both(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		conn := installStripe(t, store, pc)
		for _, s := range states {
			must(t, store.ApplySubscription(ctx, conn.ID, s))
		}
		var moves []models.SubscriptionMovement
		must(t, store.DB().Where("connection_id = ?", conn.ID).Order("id").Find(&moves).Error)
		// 29.00 a month from the start; nothing when the cancellation is
		// asked for; 29.00 lost at the period's end.
		if len(moves) != 2 || moves[0].Kind != models.MovementNew || moves[0].To != 2900 ||
			moves[1].Kind != models.MovementChurn || moves[1].From != 2900 || !moves[1].At.Equal(periodEnd) {
			t.Errorf("movements = %+v", moves)
		}
	})
}
