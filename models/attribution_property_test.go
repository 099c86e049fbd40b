package models_test

import (
	"context"
	"fmt"
	"math/big"
	"math/rand"
	"strconv"
	"sync"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// oracleRound is a deliberately independent a*n/d, half to even, in big ints.
func oracleRound(a, n, d int64) int64 {
	num := new(big.Int).Mul(big.NewInt(a), big.NewInt(n))
	q, r := new(big.Int).QuoRem(num, big.NewInt(d), new(big.Int))
	twice := new(big.Int).Mul(r, big.NewInt(2))
	if c := twice.Cmp(big.NewInt(d)); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

type fixture struct {
	store   *models.Store
	account *models.Account
	conn    *models.Connection
	affs    []models.Affiliate
	codes   map[uint64]string // affiliate id → its code
	plain   string            // a known code with no affiliate
	flatAff uint64            // affiliate on a flat USD 500 rule
}

func newFixture(t testing.TB, s *models.Store) *fixture {
	ctx := context.Background()
	a, err := s.CreateAccount(ctx, "Prop shop", "", "USD")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.APIConnection(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: s, account: a, conn: conn, codes: map[uint64]string{}, plain: "WELCOME5"}
	for i := 0; i < 4; i++ {
		aff := models.Affiliate{AccountID: a.ID, Name: "Aff " + strconv.Itoa(i), Email: fmt.Sprintf("aff%d@example.com", i), Status: models.AffiliateActive}
		mustCreate(t, s, &aff)
		f.affs = append(f.affs, aff)
		code := fmt.Sprintf("Partner%d", i)
		f.codes[aff.ID] = code
		mustCreate(t, s, &models.Code{AccountID: a.ID, Code: code, Normalized: models.NormalizeCode(code),
			Source: models.SourceManual, AffiliateID: &aff.ID, Active: true, DiscountType: models.DiscountPercentage, DiscountValue: 1000})
	}
	mustCreate(t, s, &models.Code{AccountID: a.ID, Code: f.plain, Normalized: models.NormalizeCode(f.plain),
		Source: models.SourceImported, Active: true, DiscountType: models.DiscountPercentage, DiscountValue: 500})
	f.flatAff = f.affs[3].ID
	mustCreate(t, s, &models.CommissionRule{AccountID: a.ID, AffiliateID: f.flatAff, Kind: models.CommissionFlat,
		FlatAmount: 500, Currency: "USD", HoldDays: 0})
	f.addLineRules(t)
	return f
}

func mustCreate(t testing.TB, s *models.Store, v any) {
	t.Helper()
	if err := s.DB().Create(v).Error; err != nil {
		t.Fatal(err)
	}
}

// stream is one order and everything that happens to it, in delivery order.
type stream struct {
	order    platforms.Order
	events   []any // platforms.Order or platforms.Refund, shuffled, with duplicates
	affID    uint64
	expected int64 // net commission the oracle expects
}

var currencies = []string{"USD", "JPY", "KWD"}

func genStream(r *rand.Rand, f *fixture, n int) stream {
	cur := currencies[r.Intn(len(currencies))]
	sub := int64(r.Intn(200000))
	if r.Intn(20) == 0 {
		sub = 0
	}
	aff := f.affs[r.Intn(len(f.affs))]
	o := platforms.Order{ExternalID: "o" + strconv.Itoa(n), Currency: cur, Subtotal: sub, Total: sub,
		CustomerEmail: fmt.Sprintf("c%d@example.com", n), PlacedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute)}
	lined := r.Intn(2) == 0
	if lined {
		o.Lines, o.TaxesIncluded = genLines(r)
		o.Subtotal = 0
		for _, l := range o.Lines {
			o.Subtotal += lineNet(l, o.TaxesIncluded)
		}
		sub, o.Total = o.Subtotal, o.Subtotal
	}
	st := stream{order: o}
	credited := true
	switch r.Intn(10) {
	case 0: // no known code
		o.Codes, credited = []string{"NOPE" + strconv.Itoa(n)}, false
	case 1: // known code without affiliate, then affiliate code in odd case: the affiliate wins
		o.Codes = []string{f.plain, " " + lowerOdd(f.codes[aff.ID]) + " "}
	case 2: // the affiliate buys with their own code
		o.Codes, o.CustomerEmail, credited = []string{f.codes[aff.ID]}, "  "+upper(aff.Email), false
		st.affID = aff.ID
	case 3: // test order
		o.Codes, o.Test, credited = []string{f.codes[aff.ID]}, true, false
	default:
		other := f.affs[r.Intn(len(f.affs))]
		o.Codes = []string{lowerOdd(f.codes[aff.ID]), f.codes[other.ID]}
	}
	st.order = o
	if credited {
		st.affID = aff.ID
	}
	refunds, undos, refunded := genRefunds(r, o, n)
	var standing []platforms.Refund
	if lined {
		refunds, undos, standing = genLineRefunds(r, o, n)
	}
	st.events = append(st.events, o)
	for _, rf := range refunds {
		st.events = append(st.events, rf)
	}
	for i := r.Intn(3); i > 0; i-- { // duplicate deliveries
		st.events = append(st.events, st.events[r.Intn(len(st.events))])
	}
	r.Shuffle(len(st.events), func(i, j int) { st.events[i], st.events[j] = st.events[j], st.events[i] })
	for _, u := range undos {
		st.events = insertAfter(r, st.events, u)
	}
	if credited && lined {
		st.expected = oracleLines(o, aff.ID == f.flatAff, standing)
	} else if credited {
		commission := oracleRound(sub, 1000, 10000)
		if aff.ID == f.flatAff {
			commission = 0
			if cur == "USD" && sub > 0 {
				commission = 500
			}
		}
		reversed := commission
		if sub > 0 {
			reversed = oracleRound(commission, refunded, sub)
		}
		st.expected = commission - reversed
	}
	return st
}

// undo is a refund, chargeback or dispute undone: it failed, was
// canceled, or the merchant won it.
type undo struct{ platforms.Refund }

// genRefunds makes 0–3 partial refunds, maybe a cancellation and maybe a
// chargeback (a full reversal), and undoes some of them (a refund that
// failed, a chargeback won). It returns the refunds, the undos and the
// refunded subtotal of what stays.
func genRefunds(r *rand.Rand, o platforms.Order, n int) ([]platforms.Refund, []undo, int64) {
	var out []platforms.Refund
	var undos []undo
	var refunded int64
	full := false
	keep := func(rf platforms.Refund) bool {
		out = append(out, rf)
		if r.Intn(4) == 0 {
			undos = append(undos, undo{platforms.Refund{ExternalID: rf.ExternalID, OrderExternalID: rf.OrderExternalID}})
			return false
		}
		return true
	}
	for i := r.Intn(4); i > 0; i-- {
		amt := int64(1)
		if o.Subtotal > 0 {
			amt = 1 + r.Int63n(o.Subtotal)
		}
		if keep(platforms.Refund{ExternalID: fmt.Sprintf("r%d-%d", n, i), OrderExternalID: o.ExternalID,
			Currency: o.Currency, Subtotal: amt, CreatedAt: o.PlacedAt.Add(time.Hour)}) {
			refunded += amt
		}
	}
	if r.Intn(8) == 0 {
		full = keep(platforms.Refund{ExternalID: fmt.Sprintf("cancel-%d", n), OrderExternalID: o.ExternalID,
			Full: true, CreatedAt: o.PlacedAt.Add(2 * time.Hour)}) || full
	}
	if r.Intn(8) == 0 {
		full = keep(platforms.Refund{ExternalID: fmt.Sprintf("chargeback:%d", n), OrderExternalID: o.ExternalID,
			Currency: o.Currency, Full: true, CreatedAt: o.PlacedAt.Add(3 * time.Hour)}) || full
	}
	if full || refunded > o.Subtotal {
		refunded = o.Subtotal
	}
	return out, undos, refunded
}

// insertAfter puts u (once or twice) somewhere after the first delivery of
// the refund it undoes: a platform says a refund failed only after it said
// the refund was made.
func insertAfter(r *rand.Rand, events []any, u undo) []any {
	first := 0
	for i, ev := range events {
		if rf, ok := ev.(platforms.Refund); ok && rf.ExternalID == u.ExternalID {
			first = i
			break
		}
	}
	for k := 1 + r.Intn(2); k > 0; k-- {
		at := first + 1 + r.Intn(len(events)-first)
		events = append(events[:at], append([]any{u}, events[at:]...)...)
	}
	return events
}

func lowerOdd(s string) string {
	b := []byte(s)
	for i := range b {
		if i%2 == 1 && b[i] >= 'A' && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

func upper(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}

func (f *fixture) deliver(t testing.TB, ev any) {
	ctx := context.Background()
	var err error
	switch e := ev.(type) {
	case platforms.Order:
		_, err = f.store.AttributeOrder(ctx, f.conn.ID, e)
	case platforms.Refund:
		err = f.store.ReverseRefund(ctx, f.conn.ID, e)
	case undo:
		err = f.store.UndoRefund(ctx, f.conn.ID, e.Refund, "refund failed")
	}
	if err != nil {
		t.Errorf("deliver %T: %v", ev, err)
	}
}

// TestLedgerMatchesOracle feeds thousands of random event streams (orders,
// partial and full refunds, cancellations, chargebacks, refunds that fail
// and chargebacks won after them, duplicates, shuffled delivery,
// USD/JPY/KWD), paying out and approving along the way, and checks that
// every affiliate's ledger equals the oracle to the minor unit.
func TestLedgerMatchesOracle(t *testing.T) {
	streams := 2000
	if testing.Short() {
		streams = 300
	}
	seed := propertySeed(t)
	testdb.Both(t, func(t *testing.T, s *models.Store) {
		f := newFixture(t, s)
		all := oracleStreams(rand.New(rand.NewSource(seed)), f, streams)
		runStreams(t, f, all)
		checkOracle(t, f, all)
	})
}

// runStreams delivers the streams from 4 workers at once, approving and
// paying out every affiliate now and then, as a live system would.
func runStreams(t *testing.T, f *fixture, all []stream) {
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				for _, ev := range all[i].events {
					f.deliver(t, ev)
				}
				if i%97 == 0 {
					f.settle(t)
				}
			}
		}()
	}
	for i := range all {
		work <- i
	}
	close(work)
	wg.Wait()
}

// settle approves what matured and pays every positive approved balance.
func (f *fixture) settle(t testing.TB) {
	ctx := context.Background()
	if _, err := f.store.ApproveMatured(ctx); err != nil {
		t.Error(err)
	}
	bals, err := f.store.Balances(ctx, f.account.ID, 0)
	if err != nil {
		t.Error(err)
	}
	for _, b := range bals {
		if b.Approved > 0 {
			if _, err := f.store.CreatePayout(ctx, f.account.ID, b.AffiliateID, b.Currency, "batch"); err != nil && !isInvalid(err) {
				t.Error(err)
			}
		}
	}
}

func checkOracle(t *testing.T, f *fixture, all []stream) {
	ctx := context.Background()
	want := map[string]int64{}
	for _, st := range all {
		if st.expected != 0 {
			want[fmt.Sprintf("%d/%s", st.affID, st.order.Currency)] += st.expected
		}
	}
	bals, err := f.store.Balances(ctx, f.account.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, b := range bals {
		if net := b.Pending + b.Approved + b.Paid; net != 0 {
			got[fmt.Sprintf("%d/%s", b.AffiliateID, b.Currency)] = net
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ledger differs from oracle\n got %v\nwant %v", got, want)
	}
	checkPayoutsMatchPaid(t, f, bals)
	checkConversionCount(t, f, all)
}

func checkPayoutsMatchPaid(t *testing.T, f *fixture, bals []models.Balance) {
	payouts, err := f.store.ListPayouts(context.Background(), f.account.ID)
	if err != nil {
		t.Fatal(err)
	}
	paidOut := map[string]int64{}
	for _, p := range payouts {
		paidOut[fmt.Sprintf("%d/%s", p.AffiliateID, p.Currency)] += p.Amount
	}
	for _, b := range bals {
		k := fmt.Sprintf("%d/%s", b.AffiliateID, b.Currency)
		if paidOut[k] != b.Paid {
			t.Errorf("%s: payouts sent %d but paid ledger entries sum to %d", k, paidOut[k], b.Paid)
		}
	}
}

func checkConversionCount(t *testing.T, f *fixture, all []stream) {
	want := 0
	for _, st := range all {
		if !st.order.Test && len(st.order.Codes) > 0 && st.order.Codes[0][:4] != "NOPE" {
			want++
		}
	}
	var got int64
	f.store.DB().Model(&models.Conversion{}).Where("account_id = ?", f.account.ID).Count(&got)
	if int(got) != want {
		t.Fatalf("conversions: got %d, want one per coded order = %d", got, want)
	}
}
