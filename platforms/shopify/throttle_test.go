package shopify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"codecredit/platforms"
)

// A query the bucket cannot hold, as Shopify last reported it, waits for
// exactly the deficit at the restore rate without being sent; once the
// time has passed it is sent. Another query, not priced yet, goes at once.
func TestPacingHoldsWhatTheBucketCannotAfford(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data":{"shop":{"name":"Super Toys","email":"a@b.c","currencyCode":"USD"},"discountCodesCount":{"count":3}},
		  "extensions":{"cost":{"requestedQueryCost":450,"actualQueryCost":400,
		  "throttleStatus":{"maximumAvailable":20000.0,"currentlyAvailable":50,"restoreRate":1000.0}}}}`))
	}))
	defer srv.Close()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	a := New(Config{APIKey: "k", APISecret: "s", BaseURL: srv.URL, Clock: func() time.Time { return now }})
	ctx := context.Background()
	if _, _, _, err := a.ShopInfo(ctx, liveConn()); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := a.ShopInfo(ctx, liveConn())
	var rl *platforms.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 400*time.Millisecond || calls.Load() != 1 {
		t.Fatalf("second call: %v after %d calls; want a 400ms wait (450 asked, 50 left, 1000/s) without calling", err, calls.Load())
	}
	if _, err := a.countCodes(ctx, liveConn()); err != nil || calls.Load() != 2 {
		t.Fatalf("a query not priced yet: %v after %d calls; want it sent", err, calls.Load())
	}
	now = now.Add(400 * time.Millisecond)
	if _, _, _, err := a.ShopInfo(ctx, liveConn()); err != nil || calls.Load() != 3 {
		t.Fatalf("after the wait: %v after %d calls; want it sent", err, calls.Load())
	}
}
