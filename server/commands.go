package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"codecredit/models"
)

const usage = `Usage: server [command] [flags]

Commands:
  all             web and worker in one process (the default)
  web             the HTTP server only (needs REDIS_URL)
  worker          the job worker only (needs REDIS_URL)
  migrate         create or update the database schema, then exit
  create-account  --name NAME [--email EMAIL] [--currency USD]
                  create a merchant account; prints its id and an API key
  create-api-key  --account ID [--name NAME] [--scopes "orders:write reports:read"]
                  print a new API key for an account (scopes: full by default)
  jobs [retry TASK_ID]
                  show the job queue and its dead letters, or retry one (needs REDIS_URL)
  healthcheck [--port N]
                  ask the server on PORT (or N: a worker's METRICS_PORT) for
                  /healthz; exit 0 when healthy (the container image's HEALTHCHECK)
  help            this text

Configuration comes from environment variables; see README.md.
`

// run parses the subcommand, reads the configuration from environ and runs
// the command. Logs go to stdout, except for the commands that print a
// result there, which log to stderr.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	cmd, rest := modeAll, args
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "healthcheck":
		return helpIsNoError(healthcheck(ctx, rest, environ, stdout))
	case modeAll, modeWeb, modeWorker, "migrate", "create-account", "create-api-key", "jobs":
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	cfg, err := LoadConfig(environ)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	switch cmd {
	case "create-account":
		return helpIsNoError(createAccount(ctx, rest, cfg, newLogger(stderr, cfg), stdout))
	case "create-api-key":
		return helpIsNoError(createAPIKey(ctx, rest, cfg, newLogger(stderr, cfg), stdout))
	case "jobs":
		return jobsCommand(ctx, rest, cfg, newLogger(stderr, cfg), stdout)
	}
	if len(rest) > 0 {
		return fmt.Errorf("%s takes no arguments, got %q", cmd, rest)
	}
	log := newLogger(stdout, cfg)
	if cmd == "migrate" {
		a, err := openApp(ctx, cfg, log, false) // opening migrates
		if err == nil {
			a.Close()
		}
		return err
	}
	return serve(ctx, cmd, cfg, log)
}

// createAccount creates a merchant account and prints its id and a new API key.
func createAccount(ctx context.Context, args []string, cfg Config, log *slog.Logger, out io.Writer) error {
	fs := flag.NewFlagSet("create-account", flag.ContinueOnError)
	name := fs.String("name", "", "account (shop) name, required")
	email := fs.String("email", "", "merchant email")
	currency := fs.String("currency", "USD", "ISO 4217 currency of the shop")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *name == "" {
		return errors.New("create-account: --name is required")
	}
	a, err := openApp(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer a.Close()
	acct, err := a.store.CreateAccount(ctx, *name, *email, *currency)
	if err != nil {
		return fmt.Errorf("create-account: %w", err)
	}
	key, err := a.store.CreateAPIKey(ctx, acct.ID)
	if err != nil {
		return fmt.Errorf("create-account: %w", err)
	}
	log.Info("account created", "account_id", acct.ID)
	_, err = fmt.Fprintf(out, "account_id=%d\napi_key=%s\n", acct.ID, key)
	return err
}

// createAPIKey prints a new API key for an existing account.
func createAPIKey(ctx context.Context, args []string, cfg Config, log *slog.Logger, out io.Writer) error {
	fs := flag.NewFlagSet("create-api-key", flag.ContinueOnError)
	account := fs.Uint64("account", 0, "account id, required")
	name := fs.String("name", "Full access", "what the key is for, shown in the admin")
	scopes := fs.String("scopes", models.ScopeFull, "space- or comma-separated scopes: full, read, write, or <area>:read / <area>:write")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *account == 0 {
		return errors.New("create-api-key: --account is required")
	}
	a, err := openApp(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer a.Close()
	key, _, err := a.store.CreateNamedAPIKey(ctx, *account, *name, strings.FieldsFunc(*scopes, func(r rune) bool { return r == ',' || r == ' ' }))
	if err != nil {
		return fmt.Errorf("create-api-key: %w", err)
	}
	log.Info("api key created", "account_id", *account)
	_, err = fmt.Fprintf(out, "api_key=%s\n", key)
	return err
}

// parseFlags parses args and refuses stray positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// helpIsNoError turns the -h of a subcommand, whose flags were printed, into success.
func helpIsNoError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
