package jobs

import (
	"context"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"codecredit/models"
	"codecredit/platforms"
)

// The drain books stored deliveries in batches: each drainer claims the
// oldest deliveries nobody has tried yet and books the paid orders among
// them with one statement per step for the whole batch (see
// models.BookEventBatch); the rest it books one by one right after, oldest
// first. The stored delivery is the job: a delivery's task only wakes an
// idle drainer and waits for its verdict. A delivery that fails goes to
// its own task, with that task's retries and dead letter, as before.
const (
	drainBatch        = 200              // deliveries per batch at most
	drainIdlePoll     = time.Second      // an idle drainer looks again this often
	drainBatchTimeout = 30 * time.Second // one batch and its one-by-one rest
	drainSettleWait   = 5 * time.Second  // a task waits this long for the drain at most
	drainRemembered   = 1 << 16          // verdicts kept for the tasks to find
)

// Verdicts of the drain on a delivery.
const (
	drainBooked = 1 // booked and marked processed
	drainHanded = 2 // failed: its task books it (retries, dead letter)
)

// drainer runs the worker's drainers and tells tasks what they did.
type drainer struct {
	w     *Worker
	count int
	wake  chan struct{}
	wg    sync.WaitGroup

	mu       sync.Mutex
	changed  chan struct{}   // closed and replaced when a pass ends
	started  uint64          // passes started
	inflight map[uint64]bool // passes running, by number
	sawAll   uint64          // the last pass that claimed all there was
	verdict  map[uint64]int8 // delivery id → drainBooked or drainHanded
	order    []uint64        // verdict's keys, oldest first, to forget them
}

// newDrainer returns the worker's drainers: n of them, 0 for the default
// (2 on PostgreSQL, 1 on SQLite, whose writers take turns anyway), none
// when n is negative.
func newDrainer(w *Worker, n int) *drainer {
	switch {
	case n < 0:
		return nil
	case n == 0 && w.store.IsPostgres():
		n = 2
	case n == 0:
		n = 1
	}
	return &drainer{w: w, count: n, wake: make(chan struct{}, 1), changed: make(chan struct{}),
		inflight: map[uint64]bool{}, verdict: map[uint64]int8{}}
}

// start runs the drainers until ctx ends.
func (d *drainer) start(ctx context.Context) {
	if d == nil {
		return
	}
	for range d.count {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			d.loop(ctx)
		}()
	}
}

// wait waits for the drainers to stop (their current batch ends first).
func (d *drainer) wait() {
	if d != nil {
		d.wg.Wait()
	}
}

// poke wakes an idle drainer.
func (d *drainer) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// loop books batches while there are deliveries to book, and waits for a
// poke (or drainIdlePoll) when there are none. After a failed batch it
// books the oldest deliveries one by one, so that one delivery the batch
// cannot book never holds up the others.
func (d *drainer) loop(ctx context.Context) {
	route := d.w.route
	for ctx.Err() == nil {
		claimed, err := d.pass(ctx, route)
		route = d.w.route
		if err != nil {
			if ctx.Err() == nil {
				d.w.log.Error("book a batch of events", "error", err)
			}
			route = leaveAll
		}
		if claimed > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-time.After(drainIdlePoll):
		}
	}
}

// leaveAll routes every delivery to the one-by-one booking.
func leaveAll(*models.WebhookEvent) models.EventRoute { return models.EventRoute{} }

// pass books one batch and, after it, what the batch left.
func (d *drainer) pass(ctx context.Context, route func(*models.WebhookEvent) models.EventRoute) (int, error) {
	d.mu.Lock()
	d.started++
	n := d.started
	d.inflight[n] = true
	d.mu.Unlock()
	all := false
	defer func() { d.end(n, all) }()
	// A shutdown lets the batch finish rather than throw its work away.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainBatchTimeout)
	defer cancel()
	b, err := d.w.store.BookEventBatch(bctx, drainBatch, route)
	if err != nil {
		return 0, err
	}
	approvals := map[string]bool{}
	for _, e := range b.Booked {
		attributionLag.Observe(time.Since(e.ReceivedAt).Seconds())
		d.remember(e.EventID, drainBooked)
		if c := e.Conversion; c != nil && c.AwaitsApproval() && !approvals[ApproveTaskID(c.ApproveAt)] {
			approvals[ApproveTaskID(c.ApproveAt)] = true
			d.w.scheduleApproval(bctx, c)
		}
	}
	for i := range b.Left {
		d.bookOne(bctx, &b.Left[i])
	}
	all = b.Claimed < drainBatch
	return b.Claimed, nil
}

// end records that pass n is over; all says it claimed all there was.
func (d *drainer) end(n uint64, all bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.inflight, n)
	if all && n > d.sawAll {
		d.sawAll = n
	}
	close(d.changed)
	d.changed = make(chan struct{})
}

// bookOne books a delivery the batch left, as its task would. A failure
// is recorded on the delivery (so the drain leaves it from then on) and
// the delivery's task is queued to retry it.
func (d *drainer) bookOne(ctx context.Context, ev *models.WebhookEvent) {
	marked, err := d.w.applyEvent(ctx, ev)
	if err == nil && !marked {
		err = d.w.store.MarkEventProcessed(ctx, ev.ID)
	}
	if err == nil {
		attributionLag.Observe(time.Since(ev.ReceivedAt).Seconds())
		d.remember(ev.ID, drainBooked)
		return
	}
	d.w.log.Debug("event left to its task", "event_id", ev.ID, "error", err)
	d.w.failEvent(ctx, ev, err)
	if qErr := d.w.client.EnqueueEvent(ctx, ev.ID); qErr != nil {
		d.w.log.Warn("queue a failed event; the sweeper queues it", "event_id", ev.ID, "error", qErr)
	}
	d.remember(ev.ID, drainHanded)
}

// remember keeps the verdict on a delivery for its task.
func (d *drainer) remember(id uint64, v int8) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.verdict[id]; !ok {
		d.order = append(d.order, id)
	}
	d.verdict[id] = v
	if len(d.order) > drainRemembered {
		delete(d.verdict, d.order[0])
		d.order = d.order[1:]
	}
}

// settled is what a delivery's task asks first: it wakes the drain and
// reports whether the drain booked the delivery. False means the task
// books it itself: the drain failed it or did not find it (a retry, a
// delivery tried before, one another worker's batch holds), or did not
// come to it within drainSettleWait.
func (d *drainer) settled(ctx context.Context, id uint64) bool {
	if d == nil {
		return false
	}
	if retried, _ := asynq.GetRetryCount(ctx); retried > 0 {
		return false
	}
	d.mu.Lock()
	since := d.started
	d.mu.Unlock()
	d.poke()
	timeout := time.NewTimer(drainSettleWait)
	defer timeout.Stop()
	for {
		d.mu.Lock()
		v, changed := d.verdict[id], d.changed
		looked := d.sawAll > since && d.oldestInflight() > since
		d.mu.Unlock()
		switch {
		case v != 0:
			return v == drainBooked
		case looked: // a pass that began after the poke took all there was
			return false
		}
		select {
		case <-changed:
		case <-timeout.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// oldestInflight is the number of the oldest pass running (mu held).
func (d *drainer) oldestInflight() uint64 {
	oldest := ^uint64(0)
	for n := range d.inflight {
		oldest = min(oldest, n)
	}
	return oldest
}

// route tells the batch what a stored delivery asks for: a paid order it
// can book, or the one-by-one path (another event, a platform whose
// deliveries need reading from its API first, a body that does not parse).
func (w *Worker) route(ev *models.WebhookEvent) models.EventRoute {
	parser, ok := w.opts.Platforms[ev.Platform]
	if !ok {
		return models.EventRoute{}
	}
	events, err := parser.ParseWebhook(ev.Topic, ev.Body)
	if err != nil {
		return models.EventRoute{}
	}
	enriches := platforms.NeedsEnriching(parser, ev.Topic, ev.Body)
	if !enriches && len(events) == 1 && events[0].Kind == platforms.KindOrderPaid && events[0].Order != nil {
		return models.EventRoute{Order: events[0].Order}
	}
	return models.EventRoute{OrderRef: orderRefOf(events)}
}
