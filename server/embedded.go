package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"gorm.io/gorm"

	"codecredit/models"
)

// Files the embedded defaults keep in DATA_DIR.
const (
	sqliteFile = "codecredit.db"
	keyFile    = "encryption.key"
)

// embeddedDefault is the log message for every embedded stand-in in use.
const embeddedDefault = "using embedded default"

// openDatabase opens PostgreSQL at DATABASE_URL, or the SQLite file in
// DATA_DIR when it is empty; embedded reports which.
func openDatabase(cfg Config, log *slog.Logger) (db *gorm.DB, embedded bool, err error) {
	if cfg.DatabaseURL != "" {
		db, err = models.OpenPostgres(cfg.DatabaseURL)
		if err != nil {
			return nil, false, err
		}
		log.Info("using configured service", "what", "database", "url", redactURL(cfg.DatabaseURL), "source", "DATABASE_URL")
		return db, false, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("DATA_DIR: %w", err)
	}
	path := filepath.Join(cfg.DataDir, sqliteFile)
	db, err = models.OpenSQLite(path)
	if err != nil {
		return nil, false, err
	}
	log.Warn(embeddedDefault, "what", "database", "path", path, "note", "SQLite file; set DATABASE_URL for PostgreSQL")
	return db, true, nil
}

// openRedis returns the Redis URL to use: REDIS_URL, or the address of an
// in-process Redis-compatible server started here, which the caller must
// close.
func openRedis(cfg Config, log *slog.Logger) (string, *miniredis.Miniredis, error) {
	if cfg.RedisURL != "" {
		log.Info("using configured service", "what", "redis", "url", redactURL(cfg.RedisURL), "source", "REDIS_URL")
		return cfg.RedisURL, nil, nil
	}
	m := miniredis.NewMiniRedis()
	// Without a TTL clock, keys never expire, and the queue's unique locks
	// would be held forever.
	m.ClockTTL(true)
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return "", nil, fmt.Errorf("embedded redis: %w", err)
	}
	log.Warn(embeddedDefault, "what", "redis", "addr", m.Addr(),
		"note", "in-process, queue lost on exit; set REDIS_URL to run web and worker as separate processes")
	return "redis://" + m.Addr(), m, nil
}

// loadKey returns ENCRYPTION_KEY, or the key kept in DATA_DIR, generating
// it on the first start.
func loadKey(cfg Config, log *slog.Logger) ([]byte, error) {
	if key, err := cfg.Key(); err != nil || key != nil {
		if key != nil {
			log.Info("using configured service", "what", "encryption_key", "source", "ENCRYPTION_KEY")
		}
		return key, err
	}
	path := filepath.Join(cfg.DataDir, keyFile)
	key, created, err := keyFromFile(path)
	if err != nil {
		return nil, err
	}
	state := "loaded"
	if created {
		state = "generated"
	}
	log.Warn(embeddedDefault, "what", "encryption_key", "path", path, "state", state,
		"note", "keep this file: it decrypts stored credentials; in production set ENCRYPTION_KEY to its content")
	return key, nil
}

// keyFromFile reads a hex key from path, or creates the file (mode 0600)
// with a new random key. The file appears whole or not at all (written
// aside, then linked into place), so two processes starting at once end up
// with the same key.
func keyFromFile(path string) (key []byte, created bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("DATA_DIR: %w", err)
	}
	if _, err := os.Stat(path); err == nil {
		key, err = readKeyFile(path)
		return key, false, err
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), keyFile+".*.tmp") // mode 0600
	if err != nil {
		return nil, false, fmt.Errorf("create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		key, err = readKeyFile(path)
		return key, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("create key file: %w", err)
	}
	return key, true, nil
}

// readKeyFile reads a key written by keyFromFile (or any 32-byte key in hex
// or base64).
func readKeyFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return nil, fmt.Errorf("key file %s is empty; delete it only if nothing was stored with it", path)
	}
	key, err := decodeKey(s)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %v", path, err)
	}
	return key, nil
}

// redactURL hides the password in a connection URL for the log.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}
