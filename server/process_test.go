package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Helpers that build the server binary once and run it as a child process,
// the way an operator or a platform would.

var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// serverBinary builds ./server once per test run and returns its path.
func serverBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "codecredit-server-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "server")
		// go test puts its own GOROOT/bin first on the PATH of tests.
		cmd := exec.Command("go", "build", "-o", binPath, "./server")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// cleanEnv is this process's environment without any of the server's own
// variables, plus extra.
func cleanEnv(extra ...string) []string {
	ours := map[string]bool{}
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		ours[t.Field(i).Tag.Get("env")] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !ours[k] {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// freePort returns a TCP port nothing listens on right now.
func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// syncBuffer collects a child's output while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is a running server.
type proc struct {
	name   string
	cmd    *exec.Cmd
	stdout syncBuffer
	stderr syncBuffer
	done   chan struct{}
	err    error // valid after done is closed
}

// startServer runs the server binary with env and args; it is killed when
// the test ends if still running, and its output is shown if the test failed.
func startServer(t testing.TB, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{name: strings.Join(append([]string{"server"}, args...), " "), done: make(chan struct{})}
	p.cmd = exec.Command(serverBinary(t), args...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s stdout:\n%s\n%s stderr:\n%s", p.name, p.stdout.String(), p.name, p.stderr.String())
		}
	})
	return p
}

// stop sends SIGTERM and requires a clean exit (status 0) within the deadline.
func (p *proc) stop(t testing.TB) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("%s: signal: %v", p.name, err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Fatalf("%s: exit after SIGTERM: %v", p.name, p.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: still running 30s after SIGTERM", p.name)
	}
}

// logs returns the JSON log lines written so far.
func (p *proc) logs() []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(p.stdout.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// findLog returns the first log line with msg whose attributes match the
// key/value pairs kv, or nil.
func (p *proc) findLog(msg string, kv ...string) map[string]any {
	for _, l := range p.logs() {
		if l["msg"] != msg {
			continue
		}
		match := true
		for i := 0; i+1 < len(kv); i += 2 {
			match = match && fmt.Sprint(l[kv[i]]) == kv[i+1]
		}
		if match {
			return l
		}
	}
	return nil
}

// waitLog waits for a log line with msg, failing if the process exits.
func (p *proc) waitLog(t testing.TB, msg string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if l := p.findLog(msg); l != nil {
			return l
		}
		p.requireRunning(t)
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: no log %q", p.name, msg)
	return nil
}

// waitReady waits until /healthz and /readyz at base both answer 200.
func (p *proc) waitReady(t testing.TB, base string) {
	t.Helper()
	for _, path := range []string{"/healthz", "/readyz"} {
		deadline := time.Now().Add(90 * time.Second)
		for {
			status, _ := get(base+path, "")
			if status == http.StatusOK {
				break
			}
			p.requireRunning(t)
			if time.Now().After(deadline) {
				t.Fatalf("%s: GET %s answered %d, want 200", p.name, path, status)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func (p *proc) requireRunning(t testing.TB) {
	t.Helper()
	select {
	case <-p.done:
		t.Fatalf("%s exited early: %v", p.name, p.err)
	default:
	}
}

// get fetches url, with an API key when key is not empty, and returns the
// status (0 when the server does not answer) and body.
func get(url, key string) (int, string) {
	return send(http.MethodGet, url, key, "")
}

// send makes a request with the API key and a JSON body (none when
// empty), and returns the status and the answer, or 0 and the error.
func send(method, url, key, body string) (int, string) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// runOnce runs a one-shot subcommand to completion.
func runOnce(t testing.TB, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, serverBinary(t), args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("server %v: timed out", args)
	}
	return out.String(), errb.String(), err
}
