package models_test

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// renewSim is the oracle of TestRenewalLedgerMatchesOracle: it books the
// same deliveries in the same order by the renewal rules as documented.
type renewSim struct {
	simOrders
	links  map[string]renewLink // subscription → who brought it
	months map[uint64]*int      // each affiliate's recurring months (nil: for the subscription's life)
	bp     map[uint64]int64
}

type renewLink struct {
	aff   uint64
	first time.Time
}

// order books o: a first payment with codeAff's code links its
// subscription; a renewal without a code earns for the linked affiliate
// within the months its rule pays.
func (m *renewSim) order(o platforms.Order, codeAff uint64) {
	if _, ok := m.orders[o.ExternalID]; ok {
		return
	}
	aff := codeAff
	if l, ok := m.links[o.SubscriptionID]; ok {
		aff = l.aff
		if n := m.months[aff]; n != nil && (*n == 0 || !o.PlacedAt.Before(l.first.AddDate(0, *n, 0))) {
			return // past the months the rule pays: not recorded
		}
	} else if codeAff != 0 {
		m.links[o.SubscriptionID] = renewLink{codeAff, o.PlacedAt}
	}
	if aff == 0 {
		return
	}
	m.booked(o.ExternalID, &simOrder{aff: aff, sub: o.Subtotal, comm: oracleRound(o.Subtotal, m.bp[aff], 10000)})
}

// TestRenewalLedgerMatchesOracle delivers, one after the other in a random
// order, subscriptions' first payments (with an affiliate's code) and
// eight monthly renewals each (without), some refunded, some delivered
// twice, under three affiliates' rules: renewals for 3 months, for the
// subscription's life, and first payment only. A renewal delivered before
// its subscription's first payment is linked to no one and earns nothing.
// Every affiliate's ledger must equal the oracle's replay.
func TestRenewalLedgerMatchesOracle(t *testing.T) {
	seed := propertySeed(t)
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		r := rand.New(rand.NewSource(seed))
		f := newFixture(t, s)
		three := 3
		sim := &renewSim{simOrders: newSimOrders(), links: map[string]renewLink{},
			months: map[uint64]*int{f.affs[0].ID: &three, f.affs[1].ID: nil}, bp: map[uint64]int64{}}
		zero := 0
		sim.months[f.affs[2].ID] = &zero
		for i, bp := range []int64{1000, 1500} {
			months := sim.months[f.affs[i].ID]
			mustCreate(t, s, &models.CommissionRule{AccountID: f.account.ID, AffiliateID: f.affs[i].ID,
				Kind: models.CommissionPercent, BasisPoints: bp, Currency: "USD", RecurringMonths: months})
			sim.bp[f.affs[i].ID] = bp
		}
		sim.bp[f.affs[2].ID] = 1000 // the program default: 10%, first payment only
		var all []simDelivery
		for n := range 40 / shortDiv() {
			aff := f.affs[r.Intn(3)]
			first := time.Date(2026, time.Month(1+r.Intn(6)), 1+r.Intn(28), 12, 0, 0, 0, time.UTC)
			sub := fmt.Sprintf("sub_%d", n)
			for k := range 9 {
				o := platforms.Order{ExternalID: fmt.Sprintf("s%d-%d", n, k), Currency: "USD", Subtotal: int64(1000 + r.Intn(20000)),
					CustomerEmail: fmt.Sprintf("s%d@example.com", n), SubscriptionID: sub, PlacedAt: first.AddDate(0, k, 0)}
				o.Total = o.Subtotal
				var codeAff uint64
				if k == 0 {
					o.Codes, codeAff = []string{f.codes[aff.ID]}, aff.ID
				}
				all = append(all, simDelivery{o, codeAff})
				if r.Intn(6) == 0 {
					all = append(all, simDelivery{platforms.Refund{ExternalID: o.ExternalID + "-r", OrderExternalID: o.ExternalID,
						Currency: "USD", Subtotal: 1 + r.Int63n(o.Subtotal), CreatedAt: o.PlacedAt.Add(time.Hour)}, 0})
				}
			}
		}
		for i := len(all) / 10; i > 0; i-- {
			all = append(all, all[r.Intn(len(all))])
		}
		// Mostly in order, as platforms send them, with some swapped.
		for i := len(all) / 8; i > 0; i-- {
			j := r.Intn(len(all) - 1)
			all[j], all[j+1] = all[j+1], all[j]
		}
		deliverAll(t, f, all, sim.order, &sim.simOrders)
		checkNets(t, f, f.affs[:3], sim.net())
		var renewals int64
		s.DB().Model(&models.Conversion{}).Where("account_id = ? AND recurring = ?", f.account.ID, true).Count(&renewals)
		if renewals == 0 {
			t.Error("no renewal earned: the stream tested nothing of renewals")
		}
	})
}
