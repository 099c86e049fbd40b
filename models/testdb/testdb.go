// Package testdb gives tests real databases and Redis: a fresh PostgreSQL
// schema, a fresh SQLite file, and the address of the Redis server.
//
// PostgreSQL and Redis come from TEST_DATABASE_URL and TEST_REDIS_ADDR
// (defaults: the local servers on 127.0.0.1). When one is unreachable the
// test is skipped on a developer machine, but fails when CI=true, so CI
// never passes without the real services.
//
// Read testdb.go; pgbench.go is the baseline write rate benchmarks report
// beside their own figures.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"codecredit/models"
)

// DefaultPostgres is where tests find PostgreSQL unless TEST_DATABASE_URL says otherwise.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// DefaultRedis is where tests find Redis unless TEST_REDIS_ADDR says otherwise.
const DefaultRedis = "127.0.0.1:6379"

// PostgresURL is the server tests use.
func PostgresURL() string {
	if v := os.Getenv("TEST_DATABASE_URL"); v != "" {
		return v
	}
	return DefaultPostgres
}

// RedisAddr returns the Redis address, or skips/fails when it is down.
func RedisAddr(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("TEST_REDIS_ADDR")
	if addr == "" {
		addr = DefaultRedis
	}
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		missing(t, "Redis at "+addr, err)
	}
	conn.Close()
	return addr
}

// Key is a fresh 32-byte encryption key.
func Key() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// Name returns a short random identifier, for schemas and queues.
func Name(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Postgres returns a migrated store in a schema of its own, dropped when
// the test ends.
func Postgres(t testing.TB) *models.Store {
	t.Helper()
	base := PostgresURL()
	admin, err := models.OpenPostgres(base)
	if err == nil {
		err = admin.Exec("SELECT 1").Error
	}
	if err != nil {
		missing(t, "PostgreSQL at "+base, err)
	}
	schema := Name("t_")
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	db, err := models.OpenPostgres(base + sep + "search_path=" + schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return migrated(t, db)
}

// SQLite returns a migrated store on a fresh SQLite file.
func SQLite(t testing.TB) *models.Store {
	t.Helper()
	db, err := models.OpenSQLite(filepath.Join(t.TempDir(), "codecredit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return migrated(t, db)
}

// Both runs fn once on PostgreSQL and once on SQLite, as subtests.
func Both(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
}

func migrated(t testing.TB, g *gorm.DB) *models.Store {
	t.Helper()
	c, err := models.NewCipher(Key())
	if err != nil {
		t.Fatal(err)
	}
	s := models.NewStore(g, c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

func missing(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required in CI and is not reachable: %v", what, err)
	}
	t.Skipf("%s not reachable (%v); set CI=true to make this a failure", what, err)
}
