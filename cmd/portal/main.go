// Command portal is the partner portal: the web server and its maintenance
// commands (migrations, demo data, the test clock).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the first signal stops gracefully; a second one ends the process at once
	}()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

const usage = `usage: portal <command> [arguments]

commands:
  serve                     run the web server and its workers
  dev                       find or start a development database, migrate it,
                            load demo data when empty, then serve (make run)
  devdb [name]              print the URL of a development database, finding or
                            starting PostgreSQL as dev does (used by make test)
  cleandb                   drop the development and test databases and delete the
                            private cluster in .data/ (make clean-db)
  migrate up|down|version   apply, revert or show the database migrations
  demo                      load demo data into an empty database (not in production);
                            says so and succeeds when the demo data is already there
  clock show|set <time>|advance <duration>|reset
                            move the shared test clock (not in production)
  close [-month YYYY-MM]    close every due month (or the given one): invoices,
                            statements and credit notes for partners with activity
  healthcheck               exit 0 if the portal on PORTAL_ADDR answers /readyz with 200
  version                   print the version

configuration comes from the environment; see README.md.
`

// run is the whole program, with its inputs and outputs passed in so that
// tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return stoppedCleanly(ctx, serve(ctx, getenv, stdout, stderr))
	case "dev":
		return stoppedCleanly(ctx, dev(ctx, getenv, stdout, stderr))
	case "devdb":
		return devdbCmd(ctx, rest, getenv, stdout, stderr)
	case "cleandb":
		return cleandbCmd(ctx, getenv, stdout)
	case "healthcheck":
		return healthcheck(ctx, getenv, stdout)
	case "migrate":
		return migrateCmd(ctx, rest, getenv, stdout)
	case "demo":
		return demoCmd(ctx, getenv, stdout)
	case "clock":
		return clockCmd(ctx, rest, getenv, stdout)
	case "close":
		return closeCmd(ctx, rest, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "portal", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// stoppedCleanly returns nil for the error of a server command that was
// told to stop (SIGINT or SIGTERM cancel ctx) before or while it started:
// stopping is what was asked, not a failure. Serving itself already returns
// nil after a graceful shutdown.
func stoppedCleanly(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
