package jobs_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"codecredit/models"
	"codecredit/models/testdb"
)

// countingTransport counts the requests a client makes.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// A batch whose only open item is UNCLAIMED (its recipient has no PayPal
// account yet: it settles when they sign up, or in 30 days) is not read
// every few seconds meanwhile: the send books what settled, rests the
// batch for an hour and ends; the sweeper finds it again only then.
func TestUnclaimedItemIsReadHourlyNotEverySeconds(t *testing.T) {
	ctx := context.Background()
	s := testdb.Postgres(t)
	ps := newPayPalShop(t, s, []string{"ada@example.com", "cy+unclaimed@example.com"}, []int64{1500, 700})
	run := ps.start(t, "run-unclaimed")
	calls := &countingTransport{}
	sender := ps.sender(&http.Client{Timeout: 5 * time.Second, Transport: calls})
	sendCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := sender.Send(sendCtx, run.ID); err != nil {
		t.Fatalf("the send did not rest the batch: %v", err)
	}
	if n := calls.n.Load(); n > 20 {
		t.Errorf("%d calls to PayPal for one batch that waits on its recipient", n)
	}
	v, byEmail := ps.items(t, run.ID)
	if byEmail["ada@example.com"].Status != models.ItemPaid || byEmail["cy+unclaimed@example.com"].Status != models.ItemUnclaimed {
		t.Fatalf("statuses: %+v", byEmail)
	}
	if v.Send == nil || v.Send.State == models.BatchDone || v.Send.NextPollAt == nil {
		t.Fatalf("the send after resting: %+v; want open, with its next read set", v.Send)
	}
	open, err := s.OpenPayPalSends(ctx, 10)
	if err != nil || len(open) != 0 {
		t.Fatalf("resting send listed for the sweeper at once: %+v %v", open, err)
	}
	s.SetClock(func() time.Time { return time.Now().UTC().Add(models.SlowPollEvery + time.Minute) })
	if open, err = s.OpenPayPalSends(ctx, 10); err != nil || len(open) != 1 || open[0].RunID != run.ID {
		t.Fatalf("an hour on, the sweeper does not find the send: %+v %v", open, err)
	}
}
