package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The image's HEALTHCHECK passes only while /healthz answers 200, on PORT
// or on the port it is given (a worker's METRICS_PORT).
func TestHealthcheckCommand(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		w.Write([]byte(`{"status":"ok"}`))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	ctx := context.Background()

	var out bytes.Buffer
	if err := run(ctx, []string{"healthcheck"}, []string{"PORT=" + port}, &out, &out); err != nil {
		t.Fatalf("healthy server on PORT: %v", err)
	}
	if !strings.Contains(out.String(), "healthy") {
		t.Fatalf("output %q", out.String())
	}
	if err := run(ctx, []string{"healthcheck", "--port", port}, []string{"PORT=1"}, &out, &out); err != nil {
		t.Fatalf("healthy server on --port: %v", err)
	}
	status = http.StatusServiceUnavailable
	err := run(ctx, []string{"healthcheck"}, []string{"PORT=" + port}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("a 503 must fail the check, got %v", err)
	}
	srv.Close()
	if err := run(ctx, []string{"healthcheck"}, []string{"PORT=" + port}, &out, &out); err == nil {
		t.Fatal("nothing listening must fail the check")
	}
	if err := run(ctx, []string{"healthcheck"}, []string{"PORT=http"}, &out, &out); err == nil || !strings.Contains(err.Error(), "PORT") {
		t.Fatalf("a bad PORT must be named, got %v", err)
	}
}
