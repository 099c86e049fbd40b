package models_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// tierSim is the oracle of TestTierLedgerMatchesOracle: it books the
// same deliveries in the same order by the tier rules as documented,
// without the store.
type tierSim struct {
	simOrders
	bonus   bool
	bonuses map[string]int64 // by aff/month/tier
}

var simTiers = []struct {
	threshold, bp int64
}{{100000, 1200}, {200000, 1500}} // Silver, Gold over the program's 10%

func (m *tierSim) progress(aff uint64, month time.Time) int64 {
	var v int64
	for _, c := range m.orders {
		if c.aff == aff && c.month.Equal(month) && !c.full && c.refunded < c.sub {
			v += c.sub - c.refunded
		}
	}
	return v
}

func reachedBP(v int64) (int, int64) {
	i, bp := -1, int64(1000)
	for j, t := range simTiers {
		if v >= t.threshold {
			i, bp = j, t.bp
		}
	}
	return i, bp
}

func (m *tierSim) order(o platforms.Order, aff uint64) {
	if _, ok := m.orders[o.ExternalID]; ok {
		return
	}
	month := time.Date(o.PlacedAt.Year(), o.PlacedAt.Month(), 1, 0, 0, 0, 0, time.UTC)
	before := m.progress(aff, month)
	i, bp := reachedBP(before)
	c := &simOrder{aff: aff, month: month, sub: o.Subtotal, comm: oracleRound(o.Subtotal, bp, 10000)}
	after := before + o.Subtotal
	// A bonus per tier reached, once: its rate less the one below it on
	// the month's sales so far.
	j, _ := reachedBP(after)
	for k := i + 1; m.bonus && k <= j; k++ {
		below := int64(1000)
		if k > 0 {
			below = simTiers[k-1].bp
		}
		key := fmt.Sprintf("%d/%s/%d", aff, month.Format("2006-01"), k)
		if _, ok := m.bonuses[key]; !ok {
			m.bonuses[key] = oracleRound(after, simTiers[k].bp-below, 10000)
		}
	}
	m.booked(o.ExternalID, c)
}

// net is what each affiliate nets: commission less its refunded share,
// and the bonuses.
func (m *tierSim) net() map[uint64]int64 {
	out := m.simOrders.net()
	for k, v := range m.bonuses {
		var aff uint64
		fmt.Sscanf(k, "%d/", &aff)
		out[aff] += v
	}
	return out
}

// genTierDeliveries makes random orders of three affiliates over two
// months, with partial and full refunds and duplicates, shuffled.
func genTierDeliveries(r *rand.Rand, f *fixture) []simDelivery {
	var all []simDelivery
	for n := range 120 / shortDiv() {
		aff := f.affs[r.Intn(3)]
		placed := time.Date(2026, time.Month(10+r.Intn(2)), 1+r.Intn(28), r.Intn(24), 0, 0, 0, time.UTC)
		o := platforms.Order{ExternalID: fmt.Sprintf("t%d", n), Codes: []string{f.codes[aff.ID]}, Currency: "USD",
			Subtotal: int64(r.Intn(60000)), CustomerEmail: fmt.Sprintf("c%d@example.com", n), PlacedAt: placed}
		o.Total = o.Subtotal
		all = append(all, simDelivery{o, aff.ID})
		for i := r.Intn(3); i > 0; i-- {
			rf := platforms.Refund{ExternalID: fmt.Sprintf("t%d-r%d", n, i), OrderExternalID: o.ExternalID, Currency: "USD",
				Subtotal: 1 + r.Int63n(o.Subtotal+1), CreatedAt: placed.Add(time.Hour)}
			if r.Intn(5) == 0 {
				rf.Full, rf.Subtotal = true, 0
			}
			all = append(all, simDelivery{rf, aff.ID})
		}
	}
	for i := len(all) / 10; i > 0; i-- {
		all = append(all, all[r.Intn(len(all))])
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all
}

func newTierSim() *tierSim {
	return &tierSim{simOrders: newSimOrders(), bonus: true, bonuses: map[string]int64{}}
}

// check compares each affiliate's ledger with the oracle.
func (m *tierSim) check(t *testing.T, f *fixture) {
	checkNets(t, f, f.affs[:3], m.net())
	if len(m.bonuses) == 0 {
		t.Error("no tier was crossed: the stream tested nothing of tiers")
	}
}

// TestTierLedgerMatchesOracle delivers random orders of three affiliates
// over two months, with partial and full refunds (some before their
// order) and duplicates, one after the other in a random order, under
// monthly sales tiers with a bonus on crossing; each affiliate's ledger
// must equal the oracle's replay to the cent: tiers crossed mid-stream
// change later orders only, refunds take sales out of the count.
func TestTierLedgerMatchesOracle(t *testing.T) {
	seed := propertySeed(t)
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		r := rand.New(rand.NewSource(seed))
		f := newFixture(t, s)
		setTiers(t, f, true)
		sim := newTierSim()
		deliverAll(t, f, genTierDeliveries(r, f), sim.order, &sim.simOrders)
		sim.check(t, f)
	})
}

// TestTierBatchMatchesOracle stores the same kind of stream as
// deliveries and books them in batches of random size (orders together,
// a batch's refunds one by one after its orders, as the drainers do); the
// oracle replays them in that order.
func TestTierBatchMatchesOracle(t *testing.T) {
	seed := propertySeed(t)
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		r := rand.New(rand.NewSource(seed))
		f := newFixture(t, s)
		setTiers(t, f, true)
		byEvent := map[uint64]simDelivery{}
		for n, d := range genTierDeliveries(r, f) {
			var body storedEvent
			switch e := d.ev.(type) {
			case platforms.Order:
				body.Order = &e
			case platforms.Refund:
				body.Refund = &e
			}
			raw, _ := json.Marshal(body)
			ev, _, err := s.StoreWebhookEvent(ctx, &models.WebhookEvent{AccountID: f.account.ID, ConnectionID: f.conn.ID,
				Platform: "test", Topic: "test", ExternalEventID: fmt.Sprint("e", n), Body: raw})
			if err != nil {
				t.Fatal(err)
			}
			byEvent[ev.ID] = d
		}
		route := func(ev *models.WebhookEvent) models.EventRoute {
			if d := byEvent[ev.ID]; d.ev != nil {
				if o, ok := d.ev.(platforms.Order); ok {
					return models.EventRoute{Order: &o}
				}
				return models.EventRoute{OrderRef: d.ev.(platforms.Refund).OrderExternalID}
			}
			return models.EventRoute{}
		}
		sim := newTierSim()
		batches := 0
		for {
			b, err := s.BookEventBatch(ctx, 2+r.Intn(30), route)
			if err != nil {
				t.Fatal(err)
			}
			if b.Claimed == 0 {
				break
			}
			batches++
			var booked []uint64
			for _, e := range b.Booked {
				booked = append(booked, e.EventID)
			}
			slices.Sort(booked)
			for _, id := range booked {
				replay(byEvent[id], sim.order, &sim.simOrders)
			}
			for _, ev := range b.Left {
				f.deliver(t, byEvent[ev.ID].ev)
				replay(byEvent[ev.ID], sim.order, &sim.simOrders)
				if err := s.MarkEventProcessed(ctx, ev.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if batches < 3 {
			t.Fatalf("%d batches", batches)
		}
		sim.check(t, f)
	})
}
