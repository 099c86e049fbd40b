package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestKeyFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", keyFile)
	k1, created, err := keyFromFile(path)
	if err != nil || !created || len(k1) != 32 {
		t.Fatalf("first call: %x created=%v err=%v", k1, created, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	k2, created, err := keyFromFile(path)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("second call: same=%v created=%v err=%v", bytes.Equal(k1, k2), created, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestKeyFromFileConcurrentStarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), keyFile)
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, _, err := keyFromFile(path)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		}()
	}
	wg.Wait()
	for i := range keys {
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("start %d got a different key", i)
		}
	}
}

func TestReadKeyFileRejectsBadContent(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"empty": "", "short": "abcd\n"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := keyFromFile(path); err == nil {
			t.Errorf("%s key file accepted", name)
		}
	}
}

// The embedded Redis must expire keys on the wall clock, or the queue's
// unique locks are never released.
func TestEmbeddedRedisExpiresKeys(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	url, m, err := openRedis(Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	if err := c.Set(ctx, "lock", "1", 100*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for c.Exists(ctx, "lock").Val() == 1 {
		if time.Now().After(deadline) {
			t.Fatal("key with a TTL never expired")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
