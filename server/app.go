package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"codecredit/models"
)

// app holds what a process opened: the store and the Redis it talks to.
// Close releases them.
type app struct {
	cfg        Config
	log        *slog.Logger
	db         *gorm.DB
	store      *models.Store
	embeddedDB bool
	redisURL   string
	mini       *miniredis.Miniredis // nil unless the embedded Redis runs
	redis      *redis.Client        // readiness checks; nil without Redis
	key        []byte               // the encryption key; admin session keys derive from it
	demoID     uint64               // the demo account (embedded database), or 0
	adapters                        // the platform adapters (platforms.go)
}

// logLevels maps LOG_LEVEL values to slog levels.
var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug, "info": slog.LevelInfo,
	"warn": slog.LevelWarn, "warning": slog.LevelWarn, "error": slog.LevelError,
}

// newLogger writes JSON (or, with LOG_FORMAT=text, logfmt) to w.
func newLogger(w io.Writer, cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: logLevels[strings.ToLower(cfg.LogLevel)]}
	if strings.EqualFold(cfg.LogFormat, "text") {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// openApp opens the database (migrating the schema) and, with withRedis,
// Redis: the configured services or the embedded defaults.
func openApp(ctx context.Context, cfg Config, log *slog.Logger, withRedis bool) (a *app, err error) {
	a = &app{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	key, err := loadKey(cfg, log)
	if err != nil {
		return nil, err
	}
	a.key = key
	cipher, err := models.NewCipher(key)
	if err != nil {
		return nil, err
	}
	if a.db, a.embeddedDB, err = openDatabase(cfg, log); err != nil {
		return nil, err
	}
	a.store = models.NewStore(a.db, cipher)
	if err := a.migrate(ctx); err != nil {
		return nil, err
	}
	if !withRedis {
		return a, nil
	}
	if a.redisURL, a.mini, err = openRedis(cfg, log); err != nil {
		return nil, err
	}
	opt, err := redis.ParseURL(a.redisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	a.redis = redis.NewClient(opt)
	return a, nil
}

// migrate brings the schema up to date; concurrent starts are safe.
func (a *app) migrate(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	start := time.Now()
	if err := a.store.Migrate(ctx); err != nil {
		return err
	}
	a.log.Info("schema migrated", "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// ready reports whether the database and Redis answer.
func (a *app) ready(ctx context.Context) error {
	if err := a.store.Ping(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	if a.redis != nil {
		if err := a.redis.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("redis: %w", err)
		}
	}
	return nil
}

// Close releases Redis, the embedded Redis and the database, in that order.
func (a *app) Close() {
	a.adapters.close()
	if a.redis != nil {
		a.redis.Close()
	}
	if a.mini != nil {
		a.mini.Close()
	}
	if a.db != nil {
		if sqlDB, err := a.db.DB(); err == nil {
			sqlDB.Close()
		}
	}
}

// Demo account made on the first start of the embedded defaults.
const (
	demoName     = "Demo Store" // the sandbox shop's name: its install joins this account
	demoEmail    = "demo@example.com"
	demoCurrency = "USD"
)

// ensureDemoAccount creates a demo account and logs an API key for it when
// the embedded database is empty, so a newcomer can call the API at once;
// on later starts it finds it again. In newcomer mode the sandbox shop's
// install joins it, so the key, the shop and the connections are one
// account.
func (a *app) ensureDemoAccount(ctx context.Context) error {
	if !a.embeddedDB {
		return nil
	}
	var n int64
	if err := a.db.WithContext(ctx).Model(&models.Account{}).Count(&n).Error; err != nil {
		return fmt.Errorf("count accounts: %w", err)
	}
	if n > 0 {
		var demo models.Account
		if err := a.db.WithContext(ctx).Where("email = ?", demoEmail).Order("id").Limit(1).Find(&demo).Error; err != nil {
			return fmt.Errorf("find the demo account: %w", err)
		}
		a.demoID = demo.ID
		a.log.Info("demo account not created: the database has accounts", "accounts", n, "demo_account_id", demo.ID,
			"admin_url", a.cfg.AppURL+"/admin/", "note", "make a new key with: server create-api-key --account ID")
		return nil
	}
	acct, err := a.store.CreateAccount(ctx, demoName, demoEmail, demoCurrency)
	if err != nil {
		return fmt.Errorf("demo account: %w", err)
	}
	key, err := a.store.CreateAPIKey(ctx, acct.ID)
	if err != nil {
		return fmt.Errorf("demo api key: %w", err)
	}
	a.demoID = acct.ID
	a.log.Warn("demo account created", "account_id", acct.ID, "api_key", key, "email", demoEmail,
		"admin_url", a.cfg.AppURL+"/admin/",
		"note", "first start on the embedded defaults: call the API with the header 'Authorization: Bearer <api_key>'; this key is shown only once; "+
			"the sandbox shop's install signs you in to this account")
	return nil
}
