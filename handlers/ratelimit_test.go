package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"codecredit/models/testdb"
)

// The Redis limiter, shared by every web process, allows limit hits per
// window and says when the window ends.
func TestRedisLimiter(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: testdb.RedisAddr(t), DB: 13})
	t.Cleanup(func() { rdb.Close() })
	buf := make([]byte, 8)
	rand.Read(buf)
	key, l := "test:"+hex.EncodeToString(buf), NewRedisLimiter(rdb)
	for i := range 4 {
		ok, retry, err := l.Hit(context.Background(), key, 3, time.Minute)
		if err != nil || ok != (i < 3) || retry <= 0 || retry > time.Minute {
			t.Fatalf("hit %d: ok=%v retry=%v err=%v, want ok=%v within a minute", i+1, ok, retry, err, i < 3)
		}
	}
	if ttl := rdb.PTTL(context.Background(), "codecredit:limit:"+key).Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("the counter lives %v, want its window", ttl)
	}
}
