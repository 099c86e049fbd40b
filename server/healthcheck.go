package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// healthcheck asks the server running beside it (on PORT, default 8080)
// for /healthz and fails unless it answers 200 within three seconds. It is
// the container image's HEALTHCHECK: the image has no shell and no curl.
// It reads only PORT, so a half-set environment cannot fail it; --port
// names another port (a worker's METRICS_PORT).
func healthcheck(ctx context.Context, args, environ []string, stdout io.Writer) error {
	port := "8080"
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "PORT="); ok && v != "" {
			port = v
		}
	}
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.StringVar(&port, "port", port, "the port the server's /healthz answers on")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("PORT must be between 1 and 65535, got %q", port)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://127.0.0.1:" + port + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d: %s", url, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(stdout, "healthy: %s\n", strings.TrimSpace(string(body)))
	return nil
}
