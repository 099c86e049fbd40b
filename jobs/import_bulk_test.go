package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"codecredit/models"
	"codecredit/platforms"
)

// bulkWorld is a shop of codes codes imported in bulk from 1,000, with
// the store and a queue client.
func bulkWorld(t *testing.T, codes int) (*importWorld, *importBench) {
	ib := newImportBench(t)
	w := newImportWorld(t, ib.store, ib.url, ib.queue, 1000, codes, 1, 1000)
	t.Cleanup(w.close)
	return w, ib
}

func bulkOperations(t *testing.T, w *importWorld) int {
	t.Helper()
	n, err := w.sb.BulkOperationsRun(w.shop)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A large store is imported through one bulk operation. A worker killed
// mid-file leaves the progress it made on the connection (what the Get
// started page shows), and the import run again reattaches to the same
// operation and stores the rest: every code once, the count right, no
// second operation. A small store still pages.
func TestBulkImportResumesOnTheSameOperation(t *testing.T) {
	w, ib := bulkWorld(t, 3000)
	store, client, ctx := ib.store, ib.client, context.Background()

	batches, done := 0, 0
	killed := errors.New("worker killed")
	save := func(codes []platforms.DiscountCode, checkpoint string, total int) error {
		if len(codes) > 0 {
			if batches++; batches == 2 {
				return killed
			}
		}
		n, err := store.UpsertPlatformCodes(ctx, w.conn, codes)
		if err == nil {
			done += n
			err = store.SetImportProgress(ctx, w.conn.ID, checkpoint, done, total, models.ImportRunning)
		}
		return err
	}
	if _, err := w.ad.ImportCodesInBulk(ctx, w.pc, "", save); !errors.Is(err, killed) {
		t.Fatalf("first attempt: %v", err)
	}
	c := connection(t, store, w.conn.ID)
	if c.ImportState != models.ImportRunning || c.ImportDone != 1000 || c.ImportTotal != 3000 {
		t.Fatalf("after the crash: %s %d of %d", c.ImportState, c.ImportDone, c.ImportTotal)
	}
	w.run(t, client)
	w.check(t, 3000)
	if n := bulkOperations(t, w); n != 1 {
		t.Fatalf("%d bulk operations; want the first one reattached", n)
	}

	// A queue of its own: on the first one, the first store's worker (its
	// adapter on the first sandbox) could take the second store's import.
	small := newImportWorld(t, store, ib.url, ib.queue+"-small", 1000, 300, 2, 1000)
	t.Cleanup(small.close)
	small.run(t, newClient(t, ib.url, ib.queue+"-small"))
	small.check(t, 300)
	if n := bulkOperations(t, small); n != 0 {
		t.Fatalf("a store under the threshold ran %d bulk operations", n)
	}
}

// A bulk operation that fails shows on the connection with Shopify's
// reason, and the retry starts a new operation that imports everything.
func TestFailedBulkOperationShowsAndStartsOver(t *testing.T) {
	w, ib := bulkWorld(t, 2000)
	store, client, ctx := ib.store, ib.client, context.Background()
	if err := w.sb.FailNextBulkOperation(w.shop, "TIMEOUT"); err != nil {
		t.Fatal(err)
	}
	if err := client.EnqueueImport(ctx, w.conn.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "failed bulk operation shown", func() (bool, string) {
		c := connection(t, store, w.conn.ID)
		return c.ImportState == models.ImportFailed && strings.Contains(c.LastError, "ended FAILED (TIMEOUT)"),
			fmt.Sprintf("import_state %q, last_error %q", c.ImportState, c.LastError)
	})
	waitFor(t, "import done by a new operation", func() (bool, string) {
		c := connection(t, store, w.conn.ID)
		return c.ImportState == models.ImportDone, fmt.Sprintf("import_state %q, %d of %d", c.ImportState, c.ImportDone, c.ImportTotal)
	})
	w.check(t, 2000)
	if n := bulkOperations(t, w); n != 2 {
		t.Fatalf("%d bulk operations; want the failed one and a new one", n)
	}
}
