package models_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// lifeSim is the oracle of TestLifetimeLedgerMatchesOracle: it books the
// same deliveries in the same order by the lifetime rules as documented.
type lifeSim struct {
	simOrders
	codeWins bool
	days     int
	flatAff  uint64
	links    map[string]lifeLink    // by customer
	placed   map[string][]time.Time // the recorded orders' times, by customer
}

type lifeLink struct {
	aff uint64
	at  time.Time
}

func (m *lifeSim) repeat(customer string, at time.Time) bool {
	for _, t := range m.placed[customer] {
		if t.Before(at) {
			return true
		}
	}
	return false
}

// order books o, carrying codeAff's code (0: no affiliate code).
func (m *lifeSim) order(o platforms.Order, codeAff uint64) {
	if _, ok := m.orders[o.ExternalID]; ok {
		return
	}
	who := o.CustomerEmail
	aff, byLink := codeAff, false
	if l, ok := m.links[who]; ok && (codeAff == 0 || (codeAff != l.aff && !m.codeWins)) &&
		o.PlacedAt.After(l.at) && (m.days == 0 || o.PlacedAt.Before(l.at.AddDate(0, 0, m.days))) {
		aff, byLink = l.aff, true
	}
	if aff == 0 {
		return // not recorded
	}
	bp := int64(1000)
	if m.repeat(who, o.PlacedAt) {
		bp = 500
	}
	c := &simOrder{aff: aff, sub: o.Subtotal, comm: oracleRound(o.Subtotal, bp, 10000)}
	if aff == m.flatAff {
		c.comm = 0
		if o.Subtotal > 0 {
			c.comm = 500
		}
	}
	m.placed[who] = append(m.placed[who], o.PlacedAt)
	if !byLink {
		if l, ok := m.links[who]; !ok || (m.codeWins && o.PlacedAt.After(l.at)) {
			m.links[who] = lifeLink{aff, o.PlacedAt}
		}
	}
	m.booked(o.ExternalID, c)
}

// TestLifetimeLedgerMatchesOracle delivers, one after the other in a
// random order, orders of eight customers over three months, with and
// without affiliate codes, refunds of some (before their order too) and
// duplicates, under lifetime attribution of 30 days and for ever, with
// the new code winning or the first affiliate keeping the customer, and a
// repeat customers' rate of 5% beside the first order's 10%; every
// affiliate's ledger must equal the oracle's replay.
func TestLifetimeLedgerMatchesOracle(t *testing.T) {
	seed := propertySeed(t)
	for _, c := range []struct {
		days     int
		codeWins bool
	}{{30, true}, {0, false}} {
		t.Run(fmt.Sprintf("days=%d,code_wins=%v", c.days, c.codeWins), func(t *testing.T) {
			testdb.Both(t, func(t *testing.T, s *models.Store) {
				ctx := context.Background()
				r := rand.New(rand.NewSource(seed))
				f := newFixture(t, s)
				five := int64(500)
				def := models.DefaultCommissionRule(f.account.ID, "USD")
				def.RepeatBasisPoints = &five
				if _, err := s.SetDefaultRule(ctx, f.account.ID, def); err != nil {
					t.Fatal(err)
				}
				if _, err := s.UpdateAccountSettings(ctx, f.account.ID, models.AccountSettings{
					Lifetime: &models.LifetimeSettings{On: true, Days: c.days, CodeWins: c.codeWins}}); err != nil {
					t.Fatal(err)
				}
				sim := &lifeSim{simOrders: newSimOrders(), codeWins: c.codeWins, days: c.days, flatAff: f.flatAff,
					links: map[string]lifeLink{}, placed: map[string][]time.Time{}}
				var all []simDelivery
				start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
				for n := range 150 / shortDiv() {
					o := platforms.Order{ExternalID: fmt.Sprintf("l%d", n), Currency: "USD", Subtotal: int64(r.Intn(30000)),
						CustomerEmail: fmt.Sprintf("c%d@example.com", r.Intn(8)), PlacedAt: start.Add(time.Duration(r.Intn(90*24)) * time.Hour)}
					o.Total = o.Subtotal
					var aff uint64
					if r.Intn(3) > 0 {
						a := f.affs[r.Intn(len(f.affs))]
						aff, o.Codes = a.ID, []string{f.codes[a.ID]}
					}
					all = append(all, simDelivery{o, aff})
					if r.Intn(4) == 0 {
						rf := platforms.Refund{ExternalID: o.ExternalID + "-r", OrderExternalID: o.ExternalID, Currency: "USD",
							Subtotal: 1 + r.Int63n(o.Subtotal+1), Full: r.Intn(3) == 0, CreatedAt: o.PlacedAt.Add(time.Hour)}
						if rf.Full {
							rf.Subtotal = 0
						}
						all = append(all, simDelivery{rf, aff})
					}
				}
				for i := len(all) / 10; i > 0; i-- {
					all = append(all, all[r.Intn(len(all))])
				}
				r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
				deliverAll(t, f, all, sim.order, &sim.simOrders)
				checkNets(t, f, f.affs, sim.net())
				var n int64
				s.DB().Model(&models.Conversion{}).Where("account_id = ? AND lifetime = ?", f.account.ID, true).Count(&n)
				if n == 0 {
					t.Error("no order was credited by lifetime attribution: the stream tested nothing of it")
				}
			})
		})
	}
}
