package main

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"codecredit/models"
	"codecredit/models/testdb"
)

// With no configuration at all, the server runs on SQLite, an in-process
// Redis and a generated key, creates a demo account once, and keeps all of
// it across restarts.
func TestEmbeddedDefaults(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	base := "http://127.0.0.1:" + port
	env := cleanEnv("DATA_DIR="+dir, "PORT="+port)

	p := startServer(t, env)
	p.waitReady(t, base)
	for _, what := range []string{"database", "redis", "encryption_key"} {
		if p.findLog(embeddedDefault, "what", what) == nil {
			t.Errorf("log does not say the embedded %s is in use", what)
		}
	}
	for _, platform := range sandboxNames {
		if p.findLog(embeddedDefault, "what", platform, "reason", "newcomer mode: nothing configured") == nil {
			t.Errorf("log does not say the %s sandbox runs because nothing is configured", platform)
		}
	}
	if p.findLog(embeddedDefault, "what", "database", "path", filepath.Join(dir, sqliteFile)) == nil {
		t.Errorf("log does not name the SQLite file")
	}
	if p.findLog("listening", "url", "http://localhost:"+port) == nil {
		t.Errorf("log does not give the URL http://localhost:%s", port)
	}
	demo := p.findLog("demo account created")
	key, _ := demo["api_key"].(string)
	if !strings.HasPrefix(key, "cc_") {
		t.Fatalf("no demo API key in the log: %v", demo)
	}
	checkAuth(t, base, key)
	orderFlow(t, base, key, "E1")
	paypalDemoRun(t, base, key) // paypal_demo_test.go
	connectLocalSandboxes(t, p, base, key)
	installDemoShop(t, p, key)
	keyFileBefore, err := os.ReadFile(filepath.Join(dir, keyFile))
	if err != nil {
		t.Fatal(err)
	}
	p.stop(t)
	if p.findLog("http server stopped") == nil || p.findLog("stopped", "process", "all") == nil {
		t.Errorf("shutdown not logged")
	}

	p = startServer(t, env)
	p.waitReady(t, base)
	if p.findLog("demo account created") != nil {
		t.Errorf("demo account created again on the second start")
	}
	if p.findLog(embeddedDefault, "what", "encryption_key", "state", "loaded") == nil {
		t.Errorf("second start did not load the existing key file")
	}
	checkAuth(t, base, key) // same database: the first key still works
	if n := waitConversions(t, base, key, 2); n != 2 {
		t.Errorf("conversions after a restart: %d, want the 2 booked before (Ada's and Pat's)", n)
	}
	p.stop(t)
	keyFileAfter, err := os.ReadFile(filepath.Join(dir, keyFile))
	if err != nil || !bytes.Equal(keyFileBefore, keyFileAfter) {
		t.Errorf("key file changed between starts (err %v)", err)
	}
}

// The one-shot subcommands, and the refusals of a wrong setup.
func TestCommands(t *testing.T) {
	env := cleanEnv("DATA_DIR=" + t.TempDir())

	if _, stderr, err := runOnce(t, env, "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, stderr)
	}
	out, stderr, err := runOnce(t, env, "create-account", "--name", "Acme", "--email", "a@acme.test", "--currency", "eur")
	if err != nil {
		t.Fatalf("create-account: %v\n%s", err, stderr)
	}
	m := regexp.MustCompile(`(?m)^account_id=(\d+)\napi_key=(cc_\w+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("create-account printed %q", out)
	}
	out, stderr, err = runOnce(t, env, "create-api-key", "--account", m[1])
	if err != nil || !regexp.MustCompile(`^api_key=cc_\w+\n$`).MatchString(out) || strings.Contains(out, m[2]) {
		t.Fatalf("create-api-key: %v %q\n%s", err, out, stderr)
	}
	out, stderr, err = runOnce(t, env, "create-api-key", "--account", m[1], "--name", "Checkout", "--scopes", "orders:write,reports:read")
	if err != nil || !regexp.MustCompile(`^api_key=cc_\w+\n$`).MatchString(out) {
		t.Fatalf("create-api-key with scopes: %v %q\n%s", err, out, stderr)
	}

	refusals := []struct {
		env  []string
		args []string
		want string
	}{
		{env, []string{"web"}, "REDIS_URL"},
		{env, []string{"worker"}, "REDIS_URL"},
		{env, []string{"create-api-key", "--account", "999999"}, "not found"},
		{env, []string{"create-api-key", "--account", "1", "--scopes", "orders:delete"}, `unknown scope "orders:delete"`},
		{env, []string{"create-account"}, "--name is required"},
		{env, []string{"frobnicate"}, "unknown command"},
		{env, []string{"jobs"}, "REDIS_URL is not set"},
		{slices.Concat(env, []string{"PORT=eighty"}), []string{"migrate"}, "PORT must be a whole number"},
		{slices.Concat(env, []string{"DATABASE_URL=mysql://x/y"}), nil, "DATABASE_URL must start with postgres://"},
	}
	for _, r := range refusals {
		_, stderr, err := runOnce(t, r.env, r.args...)
		if err == nil || !strings.Contains(stderr, r.want) {
			t.Errorf("server %v: err=%v, stderr does not contain %q:\n%s", r.args, err, r.want, stderr)
		}
	}

	// The queue is visible to an operator, dead letters included.
	redisEnv := slices.Concat(env, []string{"REDIS_URL=redis://" + testdb.RedisAddr(t) + "/13"})
	out, stderr, err = runOnce(t, redisEnv, "jobs")
	if err != nil || !strings.Contains(out, "queue=codecredit") || !strings.Contains(out, "dead=") {
		t.Fatalf("jobs: %v %q\n%s", err, out, stderr)
	}
	if _, stderr, err = runOnce(t, redisEnv, "jobs", "retry", "event:nope"); err == nil || !strings.Contains(stderr, "not found") {
		t.Fatalf("retry of an unknown dead letter: %v\n%s", err, stderr)
	}
}

// With DATABASE_URL, REDIS_URL and ENCRYPTION_KEY set, web and worker run
// as two processes (as the Procfile runs them), use those services, create
// the schema there and touch nothing in DATA_DIR.
func TestConfiguredServices(t *testing.T) {
	redisAddr := testdb.RedisAddr(t)
	dsn, schema, admin := freshSchema(t)
	dir := t.TempDir()
	port := freePort(t)
	base := "http://127.0.0.1:" + port
	key := base64.StdEncoding.EncodeToString(testdb.Key())
	// A Redis database of its own keeps this worker off other tests' queues.
	const metricsToken = "metrics-0123456789abcdef"
	env := cleanEnv("DATABASE_URL="+dsn, "REDIS_URL=redis://"+redisAddr+"/13",
		"ENCRYPTION_KEY="+key, "DATA_DIR="+dir, "PORT="+port, "METRICS_TOKEN="+metricsToken)

	web := startServer(t, env, "web")
	web.waitReady(t, base)
	metricsPort := freePort(t)
	worker := startServer(t, append(env, "METRICS_PORT="+metricsPort), "worker")
	worker.waitLog(t, "started")
	t.Run("web and worker log the configured services, no embedded default and no demo account", func(t *testing.T) {
		for _, p := range []*proc{web, worker} {
			for _, what := range []string{"database", "redis", "encryption_key"} {
				if p.findLog("using configured service", "what", what) == nil {
					t.Errorf("%s: log does not say the configured %s is used", p.name, what)
				}
			}
			if l := p.findLog(embeddedDefault); l != nil {
				t.Errorf("%s: embedded default in use: %v", p.name, l)
			}
		}
		if l := web.findLog("using configured service", "what", "database"); l != nil && !strings.Contains(l["url"].(string), schema) {
			t.Errorf("database URL in the log: %v", l["url"])
		}
		if web.findLog("demo account created") != nil {
			t.Errorf("demo account created on a configured database")
		}
	})
	t.Run("the schema is created in the configured database", func(t *testing.T) {
		var tables []string
		if err := admin.Raw("SELECT table_name FROM information_schema.tables WHERE table_schema = ?", schema).Scan(&tables).Error; err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"accounts", "api_keys", "webhook_events"} {
			if !slices.Contains(tables, want) {
				t.Errorf("table %s missing from schema %s (have %v)", want, schema, tables)
			}
		}
	})
	t.Run("DATA_DIR stays untouched", func(t *testing.T) {
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("DATA_DIR used although every service is configured: %v", entries)
		}
	})
	if !t.Run("an account created on the command line gets its order booked by the worker process", func(t *testing.T) {
		out, stderr, err := runOnce(t, env, "create-account", "--name", "Acme")
		if err != nil {
			t.Fatalf("create-account: %v\n%s", err, stderr)
		}
		_, apiKey, _ := strings.Cut(out, "api_key=")
		apiKey = strings.TrimSpace(apiKey)
		checkAuth(t, base, apiKey)
		orderFlow(t, base, apiKey, "C1") // enqueued by web, processed by the worker process
	}) {
		return
	}
	// The worker process shows its own metrics: the order it booked.
	t.Run("the worker process shows its own metrics behind the token", func(t *testing.T) {
		metricsURL := "http://127.0.0.1:" + metricsPort
		if code, body := get(metricsURL+"/readyz", ""); code != 200 {
			t.Errorf("worker /readyz: %d %s", code, body)
		}
		for _, url := range []string{base + "/metrics", metricsURL + "/metrics"} {
			if code, body := get(url, ""); code != http.StatusUnauthorized {
				t.Errorf("%s without METRICS_TOKEN: %d %.80s, want 401", url, code, body)
			}
		}
		code, body := get(metricsURL+"/metrics", metricsToken)
		for _, want := range []string{`codecredit_attribution_lag_seconds_count 1`,
			`codecredit_job_duration_seconds_count{outcome="ok",type="event:process"}`, `codecredit_queue_tasks{`} {
			if code != 200 || !strings.Contains(body, want) {
				t.Errorf("worker /metrics (%d) lacks %s", code, want)
			}
		}
	})
	t.Run("web and worker stop cleanly on SIGTERM", func(t *testing.T) {
		worker.stop(t)
		web.stop(t)
	})
}

// freshSchema makes an empty PostgreSQL schema, dropped after the test, and
// returns a URL that uses it, its name and an admin connection.
func freshSchema(t *testing.T) (dsn, schema string, admin *gorm.DB) {
	t.Helper()
	base := testdb.PostgresURL()
	admin, err := models.OpenPostgres(base)
	if err == nil {
		err = admin.Exec("SELECT 1").Error
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL at %s is required in CI and is not reachable: %v", base, err)
		}
		t.Skipf("PostgreSQL at %s not reachable (%v); set CI=true to make this a failure", base, err)
	}
	schema = testdb.Name("srv_")
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema, schema, admin
}
