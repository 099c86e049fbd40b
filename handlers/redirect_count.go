package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"codecredit/models"
)

// Visit counting: the redirect only puts a visit on a queue in memory; a
// flusher, once a second, keeps the first visit of each visitor per link
// within repeatWindow (Redis SET NX EX on a salted hash) and adds the
// kept ones to the daily rollup in one statement. Nothing the visitor
// sent is kept: the request side hashes address and User-Agent at once,
// and only an HMAC of that hash under the day's salt reaches Redis.
const (
	repeatWindow  = 30 * time.Minute
	visitQueueLen = 1 << 16
	flushEvery    = time.Second
	maxPending    = 1 << 18 // visits kept for a retry while Redis or the database fails
	saltTTL       = 48 * time.Hour
)

// pendingVisit is a visit waiting for the flusher: of a code's link, or
// (exp) of an experiment's variant, link being the experiment's id.
type pendingVisit struct {
	link, account uint64
	visitor       [32]byte // sha256 of address and User-Agent, never stored
	at            time.Time
	exp           bool
	variant       int
}

// VisitCounter counts link visits without delaying the redirect.
type VisitCounter struct {
	store   *models.Store
	rdb     redis.UniversalClient
	log     *slog.Logger
	now     func() time.Time
	queue   chan pendingVisit
	pending []pendingVisit // waiting for a retry
	mu      sync.Mutex     // one flush at a time
	salts   map[string][]byte
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	// KeyPrefix starts every Redis key the counter writes ("cc:" unless
	// set before the first visit).
	KeyPrefix string
}

// NewVisitCounter counts into store, remembering visitors in rdb.
func NewVisitCounter(store *models.Store, rdb redis.UniversalClient, log *slog.Logger) *VisitCounter {
	if log == nil {
		log = slog.Default()
	}
	return &VisitCounter{store: store, rdb: rdb, log: log, now: func() time.Time { return time.Now().UTC() },
		queue: make(chan pendingVisit, visitQueueLen), salts: map[string][]byte{}, KeyPrefix: "cc:",
		stop: make(chan struct{}), done: make(chan struct{})}
}

// observe queues r as a visit of t, unless it is not one; a full queue
// drops the visit rather than wait.
func (v *VisitCounter) observe(r *http.Request, t *models.LinkTarget, realIP string) {
	if reason := uncounted(r); reason != "" {
		linkVisits.WithLabelValues(reason).Inc()
		return
	}
	h := sha256.New()
	h.Write([]byte(realIP))
	h.Write([]byte{0})
	h.Write([]byte(r.UserAgent()))
	p := pendingVisit{link: t.LinkID, account: t.AccountID, at: v.now()}
	h.Sum(p.visitor[:0])
	select {
	case v.queue <- p:
	default:
		linkVisits.WithLabelValues("dropped").Inc()
	}
}

// Run flushes every second until Close; Close flushes once more.
func (v *VisitCounter) Run() {
	defer close(v.done)
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			v.flushLogged()
		case <-v.stop:
			v.flushLogged()
			return
		}
	}
}

// Close stops Run after a last flush and waits for it.
func (v *VisitCounter) Close() {
	v.once.Do(func() { close(v.stop) })
	<-v.done
}

func (v *VisitCounter) flushLogged() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := v.Flush(ctx); err != nil {
		v.log.Warn("link visits not counted yet; retrying", "error", err, "pending", len(v.pending))
	}
}

// Flush counts the queued visits now: first visits per visitor and link
// within the repeat window are added to the daily rollup. On failure the
// visits are kept for the next flush (up to maxPending).
func (v *VisitCounter) Flush(ctx context.Context) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	batch := v.pending
	v.pending = nil
	for len(v.queue) > 0 && len(batch) < maxPending {
		batch = append(batch, <-v.queue)
	}
	if len(batch) == 0 {
		return nil
	}
	first, exps, err := v.firstVisits(ctx, batch)
	if err == nil {
		err = v.store.AddLinkVisits(ctx, first)
	}
	if err == nil {
		err = v.store.AddExperimentVisits(ctx, exps)
	}
	if err != nil {
		v.pending = batch
		return err
	}
	linkVisits.WithLabelValues("counted").Add(float64(len(first) + len(exps)))
	linkVisits.WithLabelValues("repeat").Add(float64(len(batch) - len(first) - len(exps)))
	return nil
}

// firstVisits keeps the visits whose visitor Redis had not seen on that
// link (or experiment) within the repeat window (one pipeline of SET NX EX).
func (v *VisitCounter) firstVisits(ctx context.Context, batch []pendingVisit) ([]models.LinkVisits, []models.ExperimentVisits, error) {
	cmds := make([]*redis.BoolCmd, len(batch))
	pipe := v.rdb.Pipeline()
	for i, p := range batch {
		salt, err := v.salt(ctx, p.at.Format(time.DateOnly))
		if err != nil {
			return nil, nil, err
		}
		m := hmac.New(sha256.New, salt)
		m.Write(p.visitor[:])
		var id [8]byte
		binary.BigEndian.PutUint64(id[:], p.link)
		m.Write(id[:])
		kind := "visit:"
		if p.exp {
			kind = "xvisit:"
		}
		cmds[i] = pipe.SetNX(ctx, v.KeyPrefix+kind+hex.EncodeToString(m.Sum(nil)[:20]), 1, repeatWindow)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, nil, err
	}
	var out []models.LinkVisits
	var exps []models.ExperimentVisits
	for i, c := range cmds {
		switch b := batch[i]; {
		case !c.Val():
		case b.exp:
			exps = append(exps, models.ExperimentVisits{AccountID: b.account, ExperimentID: b.link, Position: b.variant, Day: b.at, Visits: 1})
		default:
			out = append(out, models.LinkVisits{AccountID: b.account, LinkID: b.link, Day: b.at, Visits: 1})
		}
	}
	return out, exps, nil
}

// salt is the day's secret, shared by every process through Redis (the
// first to ask makes it) and gone two days later, so yesterday's hashes
// cannot be matched to today's visitors.
func (v *VisitCounter) salt(ctx context.Context, day string) ([]byte, error) {
	if s, ok := v.salts[day]; ok {
		return s, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	key := v.KeyPrefix + "visit-salt:" + day
	if err := v.rdb.SetNX(ctx, key, fresh, saltTTL).Err(); err != nil {
		return nil, err
	}
	s, err := v.rdb.Get(ctx, key).Bytes()
	if err != nil {
		return nil, err
	}
	if len(v.salts) > 3 {
		v.salts = map[string][]byte{}
	}
	v.salts[day] = s
	return s, nil
}
