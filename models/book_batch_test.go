package models_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// storedEvent is the body of a delivery in the batch tests.
type storedEvent struct {
	Order  *platforms.Order  `json:"order,omitempty"`
	Refund *platforms.Refund `json:"refund,omitempty"`
	Undo   *platforms.Refund `json:"undo,omitempty"`
}

// The oracle's random streams (orders, refunds, cancellations, undone
// refunds, duplicates, shuffled), stored as deliveries interleaved across
// orders and booked by batches of random sizes (what a batch leaves is
// booked one by one, as the worker does), give the oracle's ledger.
func TestBatchLedgerMatchesOracle(t *testing.T) {
	seed := propertySeed(t)
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		r := rand.New(rand.NewSource(seed))
		f := newFixture(t, s)
		all := oracleStreams(r, f, 300/shortDiv())
		storeInterleaved(t, r, f, all)
		booked, left := drainBatches(t, r, f)
		t.Logf("%d deliveries booked in batches, %d one by one", booked, left)
		if booked == 0 || left == 0 {
			t.Errorf("booked in batches %d, one by one %d: want both ways exercised", booked, left)
		}
		checkOracle(t, f, all)
		checkRollups(t, s, f) // the dashboard's rollups follow set-based inserts too
	})
}

// shortDiv is 3 with -short (fewer streams), else 1.
func shortDiv() int {
	if testing.Short() {
		return 3
	}
	return 1
}

// propertySeed is PROPERTY_SEED, or a new seed; it is logged, so that a
// failing run can be replayed.
func propertySeed(t *testing.T) int64 {
	seed := time.Now().UnixNano()
	if v := os.Getenv("PROPERTY_SEED"); v != "" {
		seed, _ = strconv.ParseInt(v, 10, 64)
	}
	t.Logf("PROPERTY_SEED=%d", seed)
	return seed
}

// oracleStreams generates n random streams for f. Orders are placed in
// 2026; f's store settles two years later, when every hold is over.
func oracleStreams(r *rand.Rand, f *fixture, n int) []stream {
	f.store.SetClock(func() time.Time { return time.Now().UTC().AddDate(2, 0, 0) })
	all := make([]stream, n)
	for i := range all {
		all[i] = genStream(r, f, i)
	}
	return all
}

// storeInterleaved stores every stream's events as deliveries, each stream
// in its own order, the streams mixed at random.
func storeInterleaved(t *testing.T, r *rand.Rand, f *fixture, all []stream) {
	next := make([]int, len(all))
	open := make([]int, len(all))
	for i := range open {
		open[i] = i
	}
	for n := 0; len(open) > 0; n++ {
		j := r.Intn(len(open))
		st := &all[open[j]]
		var body storedEvent
		switch e := st.events[next[open[j]]].(type) {
		case platforms.Order:
			body.Order = &e
		case platforms.Refund:
			body.Refund = &e
		case undo:
			body.Undo = &e.Refund
		}
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.store.StoreWebhookEvent(context.Background(), &models.WebhookEvent{AccountID: f.account.ID,
			ConnectionID: f.conn.ID, Platform: "test", Topic: "test", ExternalEventID: fmt.Sprint("e", n), Body: raw})
		if err != nil {
			t.Fatal(err)
		}
		if next[open[j]]++; next[open[j]] == len(st.events) {
			open = append(open[:j], open[j+1:]...)
		}
	}
}

// drainBatches books every stored delivery, settling now and then.
func drainBatches(t *testing.T, r *rand.Rand, f *fixture) (booked, left int) {
	ctx := context.Background()
	route := func(ev *models.WebhookEvent) models.EventRoute {
		var body storedEvent
		if err := json.Unmarshal(ev.Body, &body); err != nil {
			t.Fatal(err)
		}
		switch {
		case body.Order != nil:
			return models.EventRoute{Order: body.Order}
		case body.Refund != nil:
			return models.EventRoute{OrderRef: body.Refund.OrderExternalID}
		}
		return models.EventRoute{OrderRef: body.Undo.OrderExternalID}
	}
	for n := 0; ; n++ {
		b, err := f.store.BookEventBatch(ctx, 1+r.Intn(64), route)
		if err != nil {
			t.Fatal(err)
		}
		if b.Claimed == 0 {
			return booked, left
		}
		booked += len(b.Booked)
		for _, ev := range b.Left {
			var body storedEvent
			json.Unmarshal(ev.Body, &body)
			switch {
			case body.Order != nil:
				f.deliver(t, *body.Order)
			case body.Refund != nil:
				f.deliver(t, *body.Refund)
			default:
				f.deliver(t, undo{*body.Undo})
			}
			if err := f.store.MarkEventProcessed(ctx, ev.ID); err != nil {
				t.Fatal(err)
			}
			left++
		}
		if n%7 == 0 {
			f.settle(t)
		}
	}
}
