package models_test

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// TestSubscriptionRollupsMatchTables makes random writes to the
// subscription tables of two accounts (subscriptions starting, upgraded,
// downgraded, past due, paused, canceled and paying again, through
// ApplySubscription; links made before or after their subscription's
// movements, moved to another affiliate or cohort, deleted; customers
// redacted; movements written, moved and deleted straight to the table,
// one by one and in bulk; a connection's subscriptions deleted whole; on
// PostgreSQL also four writers at once on the same few subscriptions),
// and checks that the subscription rollups equal the same sums done from
// scratch, and that a database migrated before the rollups existed gets
// them filled.
func TestSubscriptionRollupsMatchTables(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		w := &subscriptionWorld{rollupWorld: newRollupWorld(t, s)}
		r := rand.New(rand.NewSource(5))
		for i := 0; i < 400; i++ {
			if err := w.step(r); err != nil {
				t.Fatal(err)
			}
			if i%100 == 99 {
				checkSubscriptionRollups(t, s)
			}
		}
		if s.IsPostgres() {
			concurrentWriters(t, 200, w.step)
			checkSubscriptionRollups(t, s)
		}
		for _, m := range []any{&models.MRRMonth{}, &models.CohortSize{}, &models.PayingAffiliate{}} {
			if err := s.DB().Migrator().DropTable(m); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		checkSubscriptionRollups(t, s)
	})
}

// subscriptionWorld writes to the subscription tables of a rollupWorld's
// accounts; clock orders the states ApplySubscription is given.
type subscriptionWorld struct {
	*rollupWorld
	clock atomic.Int64
}

var subscriptionStatuses = []string{platforms.SubscriptionActive, platforms.SubscriptionActive, platforms.SubscriptionPastDue,
	platforms.SubscriptionPaused, platforms.SubscriptionCanceled, platforms.SubscriptionTrialing}

// step makes one random write to one account's subscription tables; the
// subscriptions are a few per connection, so writes meet.
func (w *subscriptionWorld) step(r *rand.Rand) error {
	a := w.accts[r.Intn(len(w.accts))]
	conn := a.conns[r.Intn(len(a.conns))]
	db := w.s.DB()
	ext := func() string { return fmt.Sprintf("s%d", r.Intn(8)) }
	some := func() []string { return []string{ext(), ext(), ext()}[:1+r.Intn(3)] }
	subs := db.Where("connection_id = ? AND external_id IN ?", conn, some())
	month := func() time.Time {
		return rollupBase.AddDate(0, r.Intn(10), r.Intn(28)).Add(time.Duration(r.Intn(24)) * time.Hour)
	}
	switch op := r.Intn(24) - 4; {
	case op < 5:
		return w.apply(r, conn, ext())
	case op < 9: // a link, made before or after the movements
		at := month()
		return db.Exec("INSERT INTO subscriptions (account_id, connection_id, external_id, affiliate_id, first_paid_at, created_at) "+
			"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", a.id, conn, ext(), a.affs[r.Intn(len(a.affs))], at, at).Error
	case op == 9:
		return subs.Model(&models.Subscription{}).Update("affiliate_id", a.affs[r.Intn(len(a.affs))]).Error
	case op == 10:
		return subs.Model(&models.Subscription{}).Update("first_paid_at", month()).Error
	case op == 11:
		return subs.Delete(&models.Subscription{}).Error
	case op == 12:
		email, id := identity(r)
		return db.Exec("UPDATE subscription_states SET customer_email = '', customer_id = '' WHERE account_id = ? AND "+
			"(LOWER(customer_email) = ? OR customer_id = ?)", a.id, strings.ToLower(email), id).Error
	case op == 13:
		return w.insertMovements(r, a.id, conn, ext, month)
	case op == 14:
		return subs.Model(&models.SubscriptionMovement{}).Update("at", month()).Error
	case op == 15:
		return subs.Delete(&models.SubscriptionMovement{}).Error
	case op == 16:
		return subs.Delete(&models.SubscriptionState{}).Error
	case op == 17: // bulk: every movement of a connection at once
		return db.Model(&models.SubscriptionMovement{}).Where("connection_id = ?", conn).
			Update("currency", []string{"USD", "EUR"}[r.Intn(2)]).Error
	case op == 18:
		return subs.Model(&models.SubscriptionState{}).Update("currency", []string{"USD", "EUR"}[r.Intn(2)]).Error
	default:
		if r.Intn(8) > 0 {
			return subs.Model(&models.Subscription{}).Update("affiliate_id", a.affs[r.Intn(len(a.affs))]).Error
		}
		for _, m := range []any{&models.Subscription{}, &models.SubscriptionMovement{}, &models.SubscriptionState{}} {
			if err := db.Where("connection_id = ?", conn).Delete(m).Error; err != nil {
				return err
			}
		}
		return nil
	}
}

// apply gives a subscription a new random state, which records its
// movement: new, up or down, stopped, paying again.
func (w *subscriptionWorld) apply(r *rand.Rand, conn uint64, ext string) error {
	at := rollupBase.Add(time.Duration(w.clock.Add(1)*5) * time.Hour)
	email, id := identity(r)
	monthly := int64(1000 * (1 + r.Intn(4)))
	return w.s.ApplySubscription(context.Background(), conn, platforms.Subscription{ExternalID: ext, CustomerEmail: email,
		CustomerID: id, Status: subscriptionStatuses[r.Intn(len(subscriptionStatuses))], Currency: []string{"usd", "usd", "eur"}[r.Intn(3)],
		Amount: monthly, Interval: "month", IntervalCount: 1, MonthlyAmount: monthly, StartedAt: rollupBase, ChangedAt: at})
}

// insertMovements writes one to three movements in one statement, or
// now and then 70 (a bulk statement).
func (w *subscriptionWorld) insertMovements(r *rand.Rand, acct, conn uint64, ext func() string, month func() time.Time) error {
	var ms []models.SubscriptionMovement
	n := 1 + r.Intn(3)
	if r.Intn(5) == 0 {
		n = 70
	}
	for ; n > 0; n-- {
		from, to := int64(r.Intn(3)*1000), int64(r.Intn(3)*1000)
		ms = append(ms, models.SubscriptionMovement{AccountID: acct, ConnectionID: conn, ExternalID: ext(), At: month(),
			Kind: []string{models.MovementNew, models.MovementChurn, models.MovementExpansion}[r.Intn(3)], Currency: "USD", From: from, To: to})
	}
	return w.s.DB().Create(&ms).Error
}

// concurrentWriters runs step 150 times in each of four goroutines at
// once (seeded from seed on), again when PostgreSQL picked it as a
// deadlock's victim.
func concurrentWriters(t *testing.T, seed int64, step func(*rand.Rand) error) {
	t.Helper()
	var wg sync.WaitGroup
	for g := int64(0); g < 4; g++ {
		wg.Add(1)
		go func(r *rand.Rand) {
			defer wg.Done()
			for i := 0; i < 150; i++ {
				var err error
				for try := 0; try < 5; try++ {
					if err = step(r); err == nil || !strings.Contains(err.Error(), "deadlock") {
						break
					}
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}(rand.New(rand.NewSource(seed + g)))
	}
	wg.Wait()
}
