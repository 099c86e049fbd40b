package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"
)

// Sign-in requests (a link by email, for the admin or the portal) allowed
// per email address and per client IP in signInWindow. Every request
// counts, for a known address or not, so a refusal tells nothing.
const (
	signInPerEmail  = 5
	signInPerClient = 20
	signInWindow    = time.Hour
)

// Limiter counts hits on a key in fixed windows. *RedisLimiter
// implements it for every web process at once.
type Limiter interface {
	// Hit counts one hit on key; ok is false once more than limit hits
	// fell in the current window, which ends after retry.
	Hit(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retry time.Duration, err error)
}

// RedisLimiter is a Limiter on Redis: one counter per key and window.
type RedisLimiter struct {
	rdb    *redis.Client
	prefix string
}

// NewRedisLimiter keeps its counters under "codecredit:limit:".
func NewRedisLimiter(rdb *redis.Client) *RedisLimiter {
	return &RedisLimiter{rdb: rdb, prefix: "codecredit:limit:"}
}

// Hit creates the window's counter with its expiry, if absent, and
// counts the hit, in one transaction: a counter never outlives its window.
func (l *RedisLimiter) Hit(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	k := l.prefix + key
	pipe := l.rdb.TxPipeline()
	pipe.SetNX(ctx, k, 0, window)
	n := pipe.Incr(ctx, k)
	ttl := pipe.PTTL(ctx, k)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, 0, err
	}
	return n.Val() <= int64(limit), max(ttl.Val(), time.Second), nil
}

// memoryLimiter is a Limiter for one process, when no Redis is given.
type memoryLimiter struct {
	mu   sync.Mutex
	hits map[string]*memoryWindow
	now  func() time.Time
}

type memoryWindow struct {
	n   int
	end time.Time
}

func newMemoryLimiter() *memoryLimiter {
	return &memoryLimiter{hits: map[string]*memoryWindow{}, now: time.Now}
}

// Hit counts a hit; past 10,000 keys, ended windows are dropped.
func (l *memoryLimiter) Hit(_ context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.hits) > 10000 {
		for k, w := range l.hits {
			if !now.Before(w.end) {
				delete(l.hits, k)
			}
		}
	}
	w := l.hits[key]
	if w == nil || !now.Before(w.end) {
		w = &memoryWindow{end: now.Add(window)}
		l.hits[key] = w
	}
	w.n++
	return w.n <= limit, w.end.Sub(now), nil
}

// signInLimits applies the sign-in request limits of one form.
type signInLimits struct {
	limiter Limiter
	scope   string // "admin", "portal": each form counts on its own
}

// allow counts a request from the client for email; ok is false when the
// client or the address is over its limit, with how long to wait.
func (s signInLimits) allow(c echo.Context, email string) (ok bool, retry time.Duration, err error) {
	ctx := c.Request().Context()
	client := clientIP(c)
	ok, retry, err = s.limiter.Hit(ctx, "signin:"+s.scope+":ip:"+client, signInPerClient, signInWindow)
	if err != nil || !ok {
		return ok, retry, err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	return s.limiter.Hit(ctx, "signin:"+s.scope+":email:"+email, signInPerEmail, signInWindow)
}

// clientIP is the server's IPExtractor's answer, or else the nearest
// address in X-Forwarded-For that is not a private proxy's; a header
// sent by a client connecting directly is ignored, so it cannot pose as
// many clients.
func clientIP(c echo.Context) string {
	if x := c.Echo().IPExtractor; x != nil {
		return x(c.Request())
	}
	return echo.ExtractIPFromXFFHeader()(c.Request())
}

// retryAfter sets Retry-After and words the wait for a person.
func retryAfter(c echo.Context, retry time.Duration) string {
	secs := int((retry + time.Second - 1) / time.Second)
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	wait := "1 minute"
	if mins := (secs + 59) / 60; mins > 1 {
		wait = strconv.Itoa(mins) + " minutes"
	}
	return "Too many sign-in requests; try again in " + wait + "."
}

// tooManySignIns is the API's 429 for allow's refusal.
func tooManySignIns(c echo.Context, retry time.Duration) error {
	return echo.NewHTTPError(http.StatusTooManyRequests, retryAfter(c, retry))
}
