package app

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/linemode"
)

// accessibleWanted says whether this start asked for the line mode:
// --accessible, PIXEE_ACCESSIBLE=1 (or true, yes) or accessible: true in
// the config file.
func accessibleWanted(f *flags, file *config.File) bool {
	switch os.Getenv("PIXEE_ACCESSIBLE") {
	case "1", "true", "yes":
		return true
	}
	return f.accessible || (file != nil && file.Accessible)
}

// runAccessible runs the line mode (package linemode) on the opened start
// account instead of the dashboard: the same account, monitor, write path
// and history, told as lines. It needs no terminal: its output may go to
// a file or a pipe, and a signal ends it (nothing to restore).
//
// With notify: in the config file, its events go to the team's tools as
// the dashboard's do; a delivery that fails is kept in the account's
// events.
func runAccessible(ctx context.Context, f *flags, start *account.Account, file *config.File, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	notes, prog, err := dashboardNotifier(file, f, stderr)
	if err != nil {
		return err
	}
	defer closeNotifier(notes)
	dashboardNotify(notes, start.ID, 0, &start.Session, prog)
	alerts := config.DefaultAlerts()
	if file != nil {
		alerts = file.Alerts
	}
	return linemode.Run(ctx, linemode.Options{
		Account: start.Session, Name: start.Name, Host: start.Host, Demo: f.demo, User: userName(),
		In: stdin, Out: stdout, Bell: alerts.Bell, StuckAfter: alerts.StuckAfter,
	})
}
