package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/ccp-partner/portal/internal/app"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/billing"
)

// closeCmd runs the monthly close from the shell (M-2): every due month,
// or the one month given by -month, printing one line per partner and a
// summary. Closing a closed month again changes nothing and says so.
func closeCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("close", flag.ContinueOnError)
	fs.SetOutput(stderr)
	month := fs.String("month", "", "the month to close, YYYY-MM (default: every due month)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Close()
	var reports []billing.Report
	ran := true
	if *month == "" {
		reports, ran, err = a.Billing.CloseDue(ctx)
	} else {
		var m billing.Month
		if m, err = billing.ParseMonth(*month); err != nil {
			return err
		}
		var r billing.Report
		r, err = a.Billing.CloseByHand(ctx, m, auth.System("cli"))
		ran = !errors.Is(err, billing.ErrCloseRunning)
		if err == nil {
			reports = append(reports, r)
		}
	}
	if !ran {
		return errors.New("another portal process is running the close now; try again when it has finished")
	}
	for _, r := range reports {
		printReport(stdout, r)
	}
	if len(reports) == 0 && err == nil && *month == "" {
		fmt.Fprintln(stdout, "no month is due")
	}
	return err
}

func printReport(w io.Writer, r billing.Report) {
	for _, p := range r.Results {
		switch p.Outcome {
		case billing.OutcomeFailed:
			fmt.Fprintf(w, "%s  partner %d %s: failed: %v\n", r.Month, p.PartnerID, p.PartnerName, p.Err)
		case billing.OutcomeAlreadyClosed:
			fmt.Fprintf(w, "%s  partner %d %s: already closed, nothing changed\n", r.Month, p.PartnerID, p.PartnerName)
		default:
			fmt.Fprintf(w, "%s  partner %d %s: %s %s, %s (tax included)\n", r.Month, p.PartnerID, p.PartnerName,
				p.Outcome, p.Number, p.Total)
		}
	}
	fmt.Fprintf(w, "%s  %d partners: %d closed now, %d already closed, %d failed\n",
		r.Month, len(r.Results), r.Closed, r.AlreadyClosed, r.Failed)
}
