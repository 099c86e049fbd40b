package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"codecredit/handlers"
	"codecredit/models"
	"codecredit/models/testdb"
	"codecredit/platforms"
)

// BenchmarkLinkRedirect offers tracked-link visits at a steady rate (2,000/s
// unless BENCH_RATE says otherwise), each from a new visitor so that every
// one is counted, over real HTTP on PostgreSQL and Redis, beside a static
// 302 from the same server in the same run. Phases alternate (link,
// static, link, static), each BENCH_SECONDS (default 5) long; latency is
// from each request's scheduled send time to its answer, so a stalled
// server cannot hide its queue. It reports both p99s and static p99 ÷
// link p99 (target ≥ 0.7), and the visits counted.
//
//	go test -run '^$' -bench BenchmarkLinkRedirect -benchtime 1x -cpu 2 ./handlers/
func BenchmarkLinkRedirect(b *testing.B) {
	rate, secs := envInt("BENCH_RATE", 2000), envInt("BENCH_SECONDS", 5)
	s := testdb.Postgres(b)
	rdb := redis.NewClient(&redis.Options{Addr: testdb.RedisAddr(b)})
	defer rdb.Close()
	counter := handlers.NewVisitCounter(s, rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
	counter.KeyPrefix = testdb.Name("bench_links_") + ":"
	go counter.Run()
	e := echo.New()
	handlers.Register(e, handlers.Deps{Store: s, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Links: handlers.NewLinkRedirects(s, counter, handlers.LinkOptions{})})
	e.GET("/static", func(c echo.Context) error { return c.Redirect(http.StatusFound, "https://hats.myshopify.com/") })
	srv := httptest.NewServer(e)
	defer srv.Close()
	ctx := context.Background()
	acct, conn := testdb.ConnectedAccount(b, s, "Bench", "", models.Install{Platform: platforms.Shopify, ExternalID: "hats.myshopify.com", Currency: "USD"},
		[]platforms.DiscountCode{{PlatformID: "1", Code: "BENCH10", DiscountType: "percentage", DiscountValue: 1000, Active: true}})
	var code models.Code
	s.DB().Where("connection_id = ?", conn.ID).Take(&code)
	links, err := s.EnsureLinks(ctx, acct.ID, []uint64{code.ID})
	if err != nil {
		b.Fatal(err)
	}
	linkID := links[code.ID].ID
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxIdleConns: 512},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	visitor := 0
	run := func(path string, n int) []time.Duration {
		lat := make([]time.Duration, n)
		var wg sync.WaitGroup
		start := time.Now()
		for i := 0; i < n; i++ {
			at := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
			time.Sleep(time.Until(at))
			visitor++
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			req.Header.Set("User-Agent", browserUA)
			req.Header.Set("X-Real-Ip", fmt.Sprintf("10.%d.%d.%d", visitor>>16&255, visitor>>8&255, visitor&255))
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != http.StatusFound {
					b.Errorf("%s: %v %v", path, err, resp)
					return
				}
				resp.Body.Close()
				lat[i] = time.Since(at)
			}(i)
		}
		wg.Wait()
		return lat
	}
	run("/r/bench10", rate/2) // warm up connections and caches
	run("/static", rate/2)
	counter.Flush(ctx)
	s.DB().Where("1 = 1").Delete(&models.LinkVisitDay{})
	b.ResetTimer()
	var link, static []time.Duration
	for round := 0; round < 2; round++ {
		link = append(link, run("/r/bench10", rate*secs)...)
		static = append(static, run("/static", rate*secs)...)
	}
	b.StopTimer()
	counter.Close()
	totals, _ := s.LinkVisitTotals(ctx, acct.ID, []uint64{linkID}, time.Now().AddDate(0, 0, -1), time.Now().AddDate(0, 0, 1))
	lp50, lp99 := pct(link, 50), pct(link, 99)
	sp50, sp99 := pct(static, 50), pct(static, 99)
	b.ReportMetric(float64(lp50.Microseconds())/1000, "link_p50_ms")
	b.ReportMetric(float64(lp99.Microseconds())/1000, "link_p99_ms")
	b.ReportMetric(float64(sp50.Microseconds())/1000, "static_p50_ms")
	b.ReportMetric(float64(sp99.Microseconds())/1000, "static_p99_ms")
	b.ReportMetric(float64(sp99)/float64(lp99), "static/link_p99")
	b.ReportMetric(float64(totals[linkID]), "visits_counted")
	b.Logf("%d/s for %d s ×2: link p50 %v p99 %v; static p50 %v p99 %v; ratio %.2f; %d of %d visits counted",
		rate, secs, lp50, lp99, sp50, sp99, float64(sp99)/float64(lp99), totals[linkID], len(link))
}

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)*p/100]
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
