// Command paypal-sandbox serves the local PayPal Payouts sandbox for
// browser tests and local runs: PAYPAL_SANDBOX_ADDR (default
// 127.0.0.1:8790) to listen on, PAYPAL_SANDBOX_WEBHOOK_URL to deliver
// signed payout webhooks to, PAYPAL_SANDBOX_SETTLE (a Go duration,
// default 2s) between item states. Items settle and webhooks go out once a
// second; POST /__sandbox/tick does it at once.
package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"codecredit/platforms/paypal/sandbox"
)

func main() {
	addr := envOr("PAYPAL_SANDBOX_ADDR", "127.0.0.1:8790")
	settle, err := time.ParseDuration(envOr("PAYPAL_SANDBOX_SETTLE", "2s"))
	if err != nil {
		slog.Error("paypal sandbox: bad PAYPAL_SANDBOX_SETTLE", "err", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		slog.Error("paypal sandbox: listen", "addr", addr, "err", err)
		os.Exit(1)
	}
	sb := sandbox.New(sandbox.Options{BaseURL: "http://" + ln.Addr().String(),
		WebhookURL: os.Getenv("PAYPAL_SANDBOX_WEBHOOK_URL"), SettleAfter: settle})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go sb.Run(ctx, time.Second)
	srv := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	slog.Info("paypal sandbox listening", "addr", ln.Addr().String(), "client_id", sandbox.DefaultClientID,
		"webhook_id", sb.WebhookID())
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		slog.Error("paypal sandbox", "err", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
