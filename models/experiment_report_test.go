package models_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/experiment"
	"codecredit/models/testdb"
)

// TestExperimentReport checks the report against figures worked out by
// hand: visitors from the rollup, earning orders with each code since
// the start, Wilson intervals, net revenue per visitor, and the verdict.
func TestExperimentReport(t *testing.T) {
	testdb.Both(t, func(t *testing.T, s *models.Store) { checkExperimentReport(t, s) })
}

func checkExperimentReport(t *testing.T, s *models.Store) {
	ctx := context.Background()
	start := time.Date(2026, 5, 4, 10, 0, 0, 5e8, time.UTC)
	s.SetClock(func() time.Time { return start })
	shop, conn := discountAccount(t, s, "Shop")
	jane := models.Affiliate{AccountID: shop.ID, Name: "Jane", Email: "jane@example.com", Status: models.AffiliateActive}
	mustCreate(t, s, &jane)
	code := func(name string, pct int64) uint64 {
		c := models.Code{AccountID: shop.ID, Code: name, Normalized: name, Source: models.SourceManual, Active: true,
			AffiliateID: &jane.ID, DiscountType: models.DiscountPercentage, DiscountValue: pct}
		mustCreate(t, s, &c)
		return c.ID
	}
	ten, thirty := code("TEN", 1000), code("THIRTY", 3000)
	// Expected 20%, lift 100% worth detecting: 82 visitors per variant
	// (Fleiss, α 0.05 two-sided, power 0.8).
	e, err := s.CreateExperiment(ctx, shop.ID, models.ExperimentInput{Name: "Spring", CodeIDs: []uint64{ten, thirty},
		BaselineRate: 0.2, MinLift: 1})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	conv := func(codeID uint64, sub, refunded int64, status models.ConversionStatus, at time.Time) {
		n++
		mustCreate(t, s, &models.Conversion{AccountID: shop.ID, ConnectionID: conn, ExternalOrderID: fmt.Sprint(n),
			AffiliateID: &jane.ID, CodeID: &codeID, Currency: "USD", Subtotal: sub, RefundedSubtotal: refunded,
			Commission: sub / 10, ReversedCommission: refunded / 10, Status: status, PlacedAt: at, ApproveAt: at})
	}
	in := start.Add(time.Hour)
	conv(ten, 5000, 0, models.ConversionPending, start.Truncate(time.Second)) // stamped to the second the experiment started
	for range 19 {
		conv(ten, 5000, 0, models.ConversionPending, in) // 4,500 net of 10% commission
	}
	for range 45 {
		conv(thirty, 4000, 0, models.ConversionPending, in) // 3,600 net
	}
	// Left out: placed before the start, flagged, fully refunded.
	conv(ten, 9000, 0, models.ConversionPending, start.Add(-time.Minute))
	conv(thirty, 9000, 0, models.ConversionFlagged, in)
	conv(thirty, 9000, 9000, models.ConversionReversed, in)
	visits := func(pos int, k int64) {
		if err := s.AddExperimentVisits(ctx, []models.ExperimentVisits{{AccountID: shop.ID, ExperimentID: e.ID, Position: pos, Day: in, Visits: k}}); err != nil {
			t.Fatal(err)
		}
	}
	visits(0, 100)
	visits(1, 50)
	visits(1, 10)

	r, err := s.ExperimentReport(ctx, shop.ID, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.MinSample != 82 || r.Verdict != experiment.KeepRunning || r.MoreVisitors != 22 ||
		!strings.HasPrefix(r.Reason, "22 more visitors are needed before the test is run: every variant needs 82.") || r.Variants[1].MoreVisitors != 22 || r.Variants[0].MoreVisitors != 0 {
		t.Fatalf("with 60 visitors of THIRTY: min %d, %s, more %d: %s", r.MinSample, r.Verdict, r.MoreVisitors, r.Reason)
	}
	if r.Variants[1].Orders != 45 || r.Variants[1].Visitors != 60 {
		t.Fatalf("THIRTY: %+v", r.Variants[1])
	}

	visits(1, 40) // now 100 each: 20/100 against 45/100
	r, err = s.ExperimentReport(ctx, shop.ID, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		code               string
		orders             int64
		rate, low, high    float64
		sales, commission  int64
		netRevenuePerVisit float64
	}{
		{"TEN", 20, 0.20, 0.133367, 0.288829, 100000, 10000, 900},
		{"THIRTY", 45, 0.45, 0.356145, 0.547554, 180000, 18000, 1620},
	}
	for i, w := range want {
		v := r.Variants[i]
		if v.Code != w.code || v.Visitors != 100 || v.Orders != w.orders || v.ConversionRate != w.rate ||
			math.Abs(v.Interval.Low-w.low) > 1e-5 || math.Abs(v.Interval.High-w.high) > 1e-5 ||
			v.Sales != w.sales || v.Commission != w.commission || v.NetRevenuePerVisitor != w.netRevenuePerVisit {
			t.Errorf("variant %d: %+v, want %+v", i, v, w)
		}
	}
	// z = (0.45 − 0.20) / √(0.325·0.675·(2/100)) = 3.774, p = 0.00016.
	if b := r.Variants[1]; r.Verdict != experiment.Winner || r.Winner != 1 || math.Abs(b.Z-3.7743) > 1e-3 ||
		math.Abs(b.P-0.00016) > 1e-5 || !strings.HasPrefix(r.Reason, "THIRTY wins") {
		t.Fatalf("verdict %s %d z %.4f p %.5f: %s", r.Verdict, r.Winner, b.Z, b.P, r.Reason)
	}

	stopAt := start.Add(48 * time.Hour)
	s.SetClock(func() time.Time { return stopAt })
	stopped, err := s.StopExperiment(ctx, shop.ID, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stopped.Status != models.ExperimentStopped || !stopped.StoppedAt.Equal(stopAt) || stopped.FinalPosition != 1 || !stopped.FinalWinner {
		t.Fatalf("stopped: %+v", stopped.Experiment)
	}
	for _, id := range []uint64{ten, thirty} {
		if c, err := s.GetCode(ctx, shop.ID, id); err != nil || !c.Active {
			t.Fatalf("code %d after the stop: %+v %v", id, c, err)
		}
	}
	conv(thirty, 4000, 0, models.ConversionPending, stopAt.Add(time.Hour)) // after the stop: not the experiment's
	if r, err = s.ExperimentReport(ctx, shop.ID, e.ID); err != nil || r.Variants[1].Orders != 45 {
		t.Fatalf("after the stop: %v %+v", err, r)
	}
	if _, err := s.StopExperiment(ctx, shop.ID, e.ID); !isConflict(err) {
		t.Fatalf("stopped twice: %v", err)
	}
	other, _ := discountAccount(t, s, "Other")
	if _, err := s.ExperimentReport(ctx, other.ID, e.ID); !isNotFound(err) {
		t.Fatalf("another account's report: %v", err)
	}
}

func TestExperimentReportRefusesToJudgeCodesUsedElsewhere(t *testing.T) {
	s := testdb.Postgres(t)
	ctx := context.Background()
	shop, conn := discountAccount(t, s, "Shop")
	jane := models.Affiliate{AccountID: shop.ID, Name: "Jane", Email: "jane@example.com", Status: models.AffiliateActive}
	mustCreate(t, s, &jane)
	var ids []uint64
	for _, name := range []string{"A10", "B20"} {
		c := models.Code{AccountID: shop.ID, Code: name, Normalized: name, Source: models.SourceManual, Active: true, AffiliateID: &jane.ID}
		mustCreate(t, s, &c)
		ids = append(ids, c.ID)
	}
	e, err := s.CreateExperiment(ctx, shop.ID, models.ExperimentInput{Name: "Leaky", CodeIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // three orders with B20, and nobody came through the link
		mustCreate(t, s, &models.Conversion{AccountID: shop.ID, ConnectionID: conn, ExternalOrderID: fmt.Sprint(i), AffiliateID: &jane.ID,
			CodeID: &ids[1], Currency: "USD", Subtotal: 1000, Status: models.ConversionPending, PlacedAt: s.Now().Add(time.Minute), ApproveAt: s.Now()})
	}
	r, err := s.ExperimentReport(ctx, shop.ID, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != models.CannotJudge || r.Winner != -1 || r.Variants[1].Orders != 3 || !strings.Contains(r.Reason, "B20 has 3 orders from 0 visitors") {
		t.Fatalf("%s: %s %+v", r.Verdict, r.Reason, r.Variants)
	}
}
