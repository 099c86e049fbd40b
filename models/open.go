package models

import (
	"fmt"
	"net/url"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// OpenPostgres connects to PostgreSQL.
func OpenPostgres(dsn string) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.Open(dsn), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("models: open postgres: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// OpenSQLite opens (creating if needed) a SQLite file with the pure-Go
// driver, in WAL mode, with a busy timeout and immediate write
// transactions so concurrent jobs queue up instead of failing.
func OpenSQLite(path string) (*gorm.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := gorm.Open(sqlite.Open("file:"+path+"?"+q.Encode()), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("models: open sqlite %s: %w", path, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(4)
	return db, nil
}

func gormConfig() *gorm.Config {
	return &gorm.Config{
		// A single-statement write is atomic by itself; GORM's default
		// BEGIN/COMMIT around each one only adds two round trips. Every
		// multi-statement change runs in Store.tx. (No model has
		// associations that GORM would write alongside.)
		SkipDefaultTransaction: true,
		Logger:                 logger.Default.LogMode(logger.Silent),
		TranslateError:         true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
}
