package shopify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"codecredit/platforms"
	"codecredit/platforms/shopify"
	"codecredit/platforms/shopify/sandbox"
)

// bulkRig is a rig whose adapter imports in bulk from threshold codes.
func bulkRig(t *testing.T, threshold int) (*rig, *platforms.Conn) {
	t.Helper()
	r := newRig(t, "USD")
	r.a = shopify.New(shopify.Config{APIKey: apiKey, APISecret: apiSecret, AppURL: "https://cc.example.com",
		BaseURL: r.base, HTTPClient: &http.Client{Timeout: 10 * time.Second}, Clock: r.clock.Now, BulkThreshold: threshold})
	conn := r.install(t)
	specs := []sandbox.DiscountSpec{
		{Title: "Wave", Kind: sandbox.KindPercentage, Value: 1500, Codes: seqCodes("WAVE-", 2600)},
		{Title: "Ten off", Kind: sandbox.KindFixedAmount, Value: 1000, Codes: seqCodes("TEN-", 3), OncePerCustomer: true},
		{Title: "Ship", Kind: sandbox.KindFreeShipping, Codes: []string{"SHIPFREE"}},
		{Title: "Batch", Kind: sandbox.KindPercentage, Value: 2000, Codes: seqCodes("BATCH-", 400)},
	}
	for _, s := range specs {
		if _, err := r.sb.CreateDiscount(shopName, s); err != nil {
			t.Fatal(err)
		}
	}
	return r, conn
}

func seqCodes(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	return out
}

// stored is what the import job would have saved: codes by code, and the
// last checkpoint and total.
type stored struct {
	codes      map[string]platforms.DiscountCode
	dup        []string
	checkpoint string
	total      int
	batches    int
}

func (s *stored) save(failAt int) func([]platforms.DiscountCode, string, int) error {
	return func(codes []platforms.DiscountCode, cp string, total int) error {
		if len(codes) > 0 {
			if s.batches++; s.batches == failAt {
				return errCrash
			}
		}
		for _, c := range codes {
			if _, ok := s.codes[c.Code]; ok {
				s.dup = append(s.dup, c.Code)
			}
			s.codes[c.Code] = c
		}
		s.checkpoint, s.total = cp, total
		return nil
	}
}

var errCrash = errors.New("worker killed")

func bulkRuns(t *testing.T, r *rig) int {
	t.Helper()
	n, err := r.sb.BulkOperationsRun(shopName)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Above the threshold every code comes from one bulk operation's file,
// with its discount's terms; below it, or for an import already paging,
// the import pages as before.
func TestBulkImportAboveThreshold(t *testing.T) {
	r, conn := bulkRig(t, 1000)
	ctx := context.Background()
	s := &stored{codes: map[string]platforms.DiscountCode{}}
	handled, err := r.a.ImportCodesInBulk(ctx, conn, "", s.save(0))
	if err != nil || !handled {
		t.Fatalf("ImportCodesInBulk = %v, %v", handled, err)
	}
	want := sandboxCodes(t, r.sb)
	if len(s.codes) != len(want) || len(s.codes) != 3004 || s.total != 3004 || len(s.dup) > 0 || bulkRuns(t, r) != 1 {
		t.Fatalf("%d codes (%d duplicates), total %d, %d bulk operations; want %d", len(s.codes), len(s.dup), s.total, bulkRuns(t, r), len(want))
	}
	checks := map[string]platforms.DiscountCode{
		"WAVE-2599": {DiscountType: "percentage", DiscountValue: 1500, Active: true},
		"TEN-0002":  {DiscountType: "fixed_amount", DiscountValue: 1000, Currency: "USD", OncePerCustomer: true, Active: true},
		"SHIPFREE":  {DiscountType: "free_shipping", Active: true},
	}
	for code, w := range checks {
		got := s.codes[code]
		if got.DiscountType != w.DiscountType || got.DiscountValue != w.DiscountValue || got.Currency != w.Currency ||
			got.OncePerCustomer != w.OncePerCustomer || got.Active != w.Active ||
			!strings.HasPrefix(got.PlatformID, "gid://shopify/DiscountCodeNode/") || got.PlatformCodeID == "" {
			t.Errorf("%s = %+v; want terms %+v", code, got, w)
		}
	}

	page, err := r.a.ImportCodes(ctx, conn, "")
	if err != nil || page.Next == "" {
		t.Fatalf("first page: %v, next %q", err, page.Next)
	}
	if handled, err := r.a.ImportCodesInBulk(ctx, conn, page.Next, s.save(0)); handled || err != nil || bulkRuns(t, r) != 1 {
		t.Fatalf("an import already paging: handled %v, %v, %d bulk operations", handled, err, bulkRuns(t, r))
	}

	small, smallConn := bulkRig(t, 10_000)
	handled, err = small.a.ImportCodesInBulk(ctx, smallConn, "", s.save(0))
	if err != nil || handled || bulkRuns(t, small) != 0 {
		t.Fatalf("below the threshold: handled %v, %v, %d bulk operations", handled, err, bulkRuns(t, small))
	}
}

// A crash mid-file resumes from the saved checkpoint: the same operation
// (none started again), no code stored twice, none missing. A crash before
// the operation's id was saved finds the running one instead of queueing
// another.
func TestBulkImportResumesAfterCrash(t *testing.T) {
	r, conn := bulkRig(t, 1000)
	ctx := context.Background()
	s := &stored{codes: map[string]platforms.DiscountCode{}}
	_, err := r.a.ImportCodesInBulk(ctx, conn, "", s.save(2))
	if !errors.Is(err, errCrash) || len(s.codes) != 1000 || !strings.HasPrefix(s.checkpoint, "bulk:") {
		t.Fatalf("first attempt: %v, %d codes, checkpoint %q", err, len(s.codes), s.checkpoint)
	}
	handled, err := r.a.ImportCodesInBulk(ctx, conn, s.checkpoint, s.save(0))
	if err != nil || !handled || len(s.codes) != 3004 || len(s.dup) > 0 || bulkRuns(t, r) != 1 {
		t.Fatalf("resumed: %v, %d codes, duplicates %v, %d bulk operations", err, len(s.codes), s.dup, bulkRuns(t, r))
	}

	r2, conn2 := bulkRig(t, 1000)
	release, err := r2.sb.HoldBulkOperations(shopName)
	if err != nil {
		t.Fatal(err)
	}
	lost := &stored{codes: map[string]platforms.DiscountCode{}}
	stop, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { _, err := r2.a.ImportCodesInBulk(stop, conn2, "", lost.save(0)); done <- err }()
	for bulkRuns(t, r2) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel() // killed while the operation was still CREATED, its id saved or not
	<-done
	before := queries(t, r2)
	s2 := &stored{codes: map[string]platforms.DiscountCode{}}
	go func() { _, err := r2.a.ImportCodesInBulk(ctx, conn2, "", s2.save(0)); done <- err }()
	for queries(t, r2) < before+4 { // count, refused run, currentBulkOperation, first poll
		time.Sleep(5 * time.Millisecond)
	}
	release()
	if err := <-done; err != nil || len(s2.codes) != 3004 || bulkRuns(t, r2) != 1 {
		t.Fatalf("started again from nothing: %v, %d codes, %d bulk operations", err, len(s2.codes), bulkRuns(t, r2))
	}
}

func queries(t *testing.T, r *rig) int {
	t.Helper()
	u, err := r.sb.GraphQLUsage(shopName)
	if err != nil {
		t.Fatal(err)
	}
	return u.Queries
}

// An operation that FAILED or whose file EXPIRED is a *shopify.BulkError
// that says so and asks for a fresh start.
func TestBulkImportFailedOrExpired(t *testing.T) {
	r, conn := bulkRig(t, 1000)
	ctx := context.Background()
	if err := r.sb.FailNextBulkOperation(shopName, "TIMEOUT"); err != nil {
		t.Fatal(err)
	}
	s := &stored{codes: map[string]platforms.DiscountCode{}}
	_, err := r.a.ImportCodesInBulk(ctx, conn, "", s.save(0))
	var be *shopify.BulkError
	if !errors.As(err, &be) || be.Status != "FAILED" || be.ErrorCode != "TIMEOUT" || !be.StartOver() ||
		!strings.Contains(err.Error(), "ended FAILED (TIMEOUT)") || len(s.codes) != 0 {
		t.Fatalf("failed operation: %v (%d codes)", err, len(s.codes))
	}

	_, err = r.a.ImportCodesInBulk(ctx, conn, "", s.save(2))
	if !errors.Is(err, errCrash) {
		t.Fatalf("second attempt: %v", err)
	}
	if err := r.sb.ExpireBulkOperations(shopName); err != nil {
		t.Fatal(err)
	}
	_, err = r.a.ImportCodesInBulk(ctx, conn, s.checkpoint, s.save(0))
	if !errors.As(err, &be) || be.Status != "EXPIRED" || !strings.Contains(err.Error(), "ended EXPIRED") {
		t.Fatalf("expired operation: %v", err)
	}
}
