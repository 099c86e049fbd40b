package testdb

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// PgbenchInsertRate is the baseline benchmarks report beside their own
// figures: pgbench's rate of single-row inserts of a 3 KB row into a fresh
// table of the test database, from clients concurrent clients for 5
// seconds, taken in the same run as the figure. It returns 0 (and logs
// why) when pgbench is not installed.
func PgbenchInsertRate(tb testing.TB, clients int) float64 {
	tb.Helper()
	path, err := exec.LookPath("pgbench")
	if err != nil {
		tb.Log("pgbench not installed; no baseline")
		return 0
	}
	u, err := url.Parse(PostgresURL())
	if err != nil {
		tb.Fatal(err)
	}
	table := Name("pgbench_ingest_")
	script := filepath.Join(tb.TempDir(), "insert.sql")
	sql := "INSERT INTO " + table + " (body) VALUES (repeat('x', 3000));\n"
	if err := os.WriteFile(script, []byte(sql), 0o600); err != nil {
		tb.Fatal(err)
	}
	admin := Postgres(tb).DB()
	if err := admin.Exec("CREATE TABLE public." + table + " (id bigserial PRIMARY KEY, body text)").Error; err != nil {
		tb.Fatal(err)
	}
	defer admin.Exec("DROP TABLE IF EXISTS public." + table)
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	cmd := exec.Command(path, "-h", u.Hostname(), "-p", port, "-U", u.User.Username(), "-n",
		"-c", strconv.Itoa(clients), "-j", "2", "-T", "5", "-f", script)
	cmd.Env = append(os.Environ(), "PGDATABASE="+strings.TrimPrefix(u.Path, "/"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("pgbench: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		tb.Fatalf("pgbench printed no rate:\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	return tps
}
