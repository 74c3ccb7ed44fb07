package app

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/cli"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/notify"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// startNotifier is the config file's notify: targets at work (nil when it
// has none); warnings go to stderr. logf is the server's log.
func startNotifier(file *config.File, stderr io.Writer, logf func(string, ...any)) (*notify.Notifier, error) {
	if file == nil || len(file.Notify) == 0 {
		return nil, nil
	}
	n, warns, err := notify.New(notify.Options{Targets: file.Notify, Getenv: os.Getenv, Dir: history.DeliveriesDir(stateHome()),
		Logf: logf, UserAgent: "pixee-tui/" + versionString()})
	for _, w := range warns {
		fmt.Fprintln(stderr, "pixee-tui:", w)
	}
	if err != nil {
		return nil, usage("%v", err)
	}
	return n, nil
}

// demoTargets is file with only the targets whose route names the
// account "demo": a demo's made-up failures reach no one by mistake.
func demoTargets(file *config.File) *config.File {
	if file == nil {
		return nil
	}
	out := &config.File{}
	for _, t := range file.Notify {
		for _, a := range t.Route.Accounts {
			if a == "demo" {
				out.Notify = append(out.Notify, t)
				break
			}
		}
	}
	return out
}

func closeNotifier(n *notify.Notifier) {
	if n != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		n.Close(ctx)
	}
}

// stderrLog is the team server's log line for the notifier: the same
// shape as serve's own.
func stderrLog(stderr io.Writer) func(string, ...any) {
	return func(format string, args ...any) {
		fmt.Fprint(stderr, time.Now().Format("2006-01-02 15:04:05")+" notify: "+termtext.Sanitize(fmt.Sprintf(format, args...))+"\n")
	}
}

// dashboardLog is the dashboard's: the --log file when there is one; the
// screen is never written to.
func dashboardLog(logging bool) func(string, ...any) {
	if !logging {
		return nil
	}
	return func(format string, args ...any) { log.Printf("notify: "+format, args...) }
}

// dashboardNotifier is the dashboard's notifier (nil without notify:
// targets), and where the program will be for its reports.
func dashboardNotifier(file *config.File, f *flags, stderr io.Writer) (*notify.Notifier, *atomic.Pointer[tea.Program], error) {
	if f.demo {
		file = demoTargets(file)
	}
	n, err := startNotifier(file, stderr, dashboardLog(f.logFile != ""))
	return n, &atomic.Pointer[tea.Program]{}, err
}

// dashboardNotify gives an opened account of the dashboard its notifier: a
// delivery that fails is written to the account's events and shown (the
// program, once it runs, gets it as an Events message).
func dashboardNotify(n *notify.Notifier, id string, index int, s *shared.Account, p *atomic.Pointer[tea.Program]) {
	if n == nil {
		return
	}
	a := n.Account(id)
	events := s.Events
	a.ReportTo(func(evs []monitor.Event) {
		if events != nil {
			_, _ = events.Append(evs)
		}
		if prog := p.Load(); prog != nil {
			go prog.Send(shared.Events{Account: index, Events: evs})
		}
	})
	s.Notify = a
}

// notifyingChoice is c, opened with its notifier set.
func notifyingChoice(c account.Choice, set func(id string, s *shared.Account)) func() (shared.Account, error) {
	return func() (shared.Account, error) {
		s, err := c.Open()
		if err == nil {
			set(c.ID, &s)
		}
		return s, err
	}
}

func notifyCmd(f *flags, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "notify", Short: "Try the notify: targets of the config file, and read their delivery logs"}
	var last int
	logCmd := &cobra.Command{
		Use: "log [TARGET]", Short: "Print the delivery log of a target (or of every target), oldest first", Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			file, err := readConfigFile(f)
			if err != nil {
				return err
			}
			return printDeliveries(file, args, last, stdout)
		},
	}
	logCmd.Flags().IntVarP(&last, "last", "n", 50, "how many of the latest deliveries (0: all kept)")
	cmd.AddCommand(logCmd, &cobra.Command{
		Use: "test TARGET", Short: "Send a test message to a target now and say what it answered", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := readConfigFile(f)
			if err != nil {
				return err
			}
			return testTarget(cmd.Context(), file, args[0], stdout, stderr)
		},
	})
	return cmd
}

func testTarget(ctx context.Context, file *config.File, name string, stdout, stderr io.Writer) error {
	t, ok := file.NotifyTarget(name)
	if !ok {
		return usage("%v", noTarget(file, name))
	}
	if ctx == nil {
		ctx = context.Background()
	}
	n, err := startNotifier(&config.File{Notify: []config.NotifyTarget{t}}, stderr, nil)
	if err != nil {
		return err
	}
	defer closeNotifier(n)
	r, err := n.Test(ctx, name)
	if err != nil {
		return usage("%v", err)
	}
	where := name + " (" + notify.Where(t.URL) + ")"
	if !r.OK() {
		return &cli.Error{Code: cli.ExitAPI, Err: fmt.Errorf("✗ not delivered to %s: %s", where, termtext.Sanitize(r.String()))}
	}
	_, err = fmt.Fprintf(stdout, "✓ delivered to %s · %s · %d ms\n", where, r.String(), r.Took.Milliseconds())
	return err
}

func noTarget(file *config.File, name string) error {
	var names []string
	if file != nil {
		for _, t := range file.Notify {
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("no notify: targets in the config file (see the README's Notifications)")
	}
	return fmt.Errorf("no notify target %q (have %s)", name, strings.Join(names, ", "))
}

// checkNotifySecrets reads every target's secret, as a start would, never
// printing it (config check).
func checkNotifySecrets(file *config.File, path string, stderr io.Writer) error {
	bad := 0
	for _, t := range file.Notify {
		_, warns, err := t.Secret.Read(os.Getenv)
		for _, w := range warns {
			fmt.Fprintf(stderr, "%s: notify %s: %s\n", path, t.Name, w)
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: notify %s: %v\n", path, t.Name, err)
			bad++
		}
	}
	if bad > 0 {
		return usage("%d of %d notify targets cannot sign their messages", bad, len(file.Notify))
	}
	return nil
}

// printDeliveries prints the delivery logs, neutralised: a summary holds
// connector names from the server.
func printDeliveries(file *config.File, args []string, last int, stdout io.Writer) error {
	var names []string
	switch {
	case len(args) == 1:
		if _, ok := file.NotifyTarget(args[0]); !ok {
			return usage("%v", noTarget(file, args[0]))
		}
		names = args
	case file != nil:
		for _, t := range file.Notify {
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		return usage("%v", noTarget(file, ""))
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tTARGET\tACCOUNT\tOUTCOME\tTRY\tHTTP\tWHAT")
	for _, name := range names {
		l, _, err := history.OpenDeliveries(history.DeliveriesDir(stateHome()), name, history.Limits{}, nil)
		if err != nil {
			return err
		}
		ds, _, err := l.Load()
		if err != nil {
			return err
		}
		if last > 0 && len(ds) > last {
			ds = ds[len(ds)-last:]
		}
		for _, d := range ds {
			what := d.Summary
			if d.Error != "" {
				what = d.Error + " · " + what
			}
			status := "-"
			if d.Status != 0 {
				status = fmt.Sprint(d.Status)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.Time.Local().Format("2006-01-02 15:04:05 -07:00"),
				termtext.Sanitize(d.Target), termtext.Sanitize(d.Account), d.Outcome, d.Attempt, status,
				termtext.Sanitize(termtext.OneLine(what, 160)))
		}
	}
	return tw.Flush()
}
