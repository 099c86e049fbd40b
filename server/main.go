// Command server runs Codecredit: the web process, the job worker, or both
// (the default), plus a few administrative subcommands. Run `server help`.
//
// Read it from the top down: main.go, commands.go (the subcommands),
// config.go and mode.go (the environment and the sandbox and newcomer
// modes), serve.go (web and worker, and the order they stop in), app.go
// and embedded.go (the database and Redis, or their embedded stand-ins),
// then wiring.go and platforms.go, which build the handlers, the worker
// and the platform adapters; sandboxes.go starts the local sandboxes.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "server: "+strings.ReplaceAll(err.Error(), "\n", "\n  "))
		os.Exit(1)
	}
}
