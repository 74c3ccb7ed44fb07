package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/cli"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/ui"
)

// stateHome is where per-account state (the history) lives.
func stateHome() string { return filepath.Join(xdg.StateHome, "pixee-tui") }

// openSession is the account the script commands act on.
func openSession(ctx context.Context, root *cobra.Command, f *flags, stderr io.Writer) (*cli.Session, error) {
	_, s, err := loadConfig(root, f)
	if err != nil {
		return nil, err
	}
	c, err := newClient(ctx, s, stderr)
	if err != nil {
		return nil, err
	}
	sess := &cli.Session{Client: c, ReadOnly: s.ReadOnly, Account: s.ProfileID, User: userName()}
	if sess.Account == "" {
		sess.Account = s.BaseURL
	}
	h, warns, err := history.Open(history.AccountDir(stateHome(), s.ProfileID, s.BaseURL), sess.Account, history.Limits{}, nil)
	for _, w := range warns {
		fmt.Fprintln(stderr, "pixee-tui:", w)
	}
	if err != nil {
		// Reads work without it; a sync refuses to go unrecorded (cli).
		fmt.Fprintln(stderr, "pixee-tui: warning: no history:", err)
	} else {
		sess.History = h
	}
	return sess, nil
}

// openHistory opens the account's history for the dashboard; the demo's
// lives in a temporary folder removed at exit. Without one the dashboard
// still runs; its syncs then go unrecorded, with a warning.
func openHistory(demo bool, s config.Settings, stderr io.Writer) (*history.Store, *history.EventLog, func()) {
	dir, done := history.AccountDir(stateHome(), s.ProfileID, s.BaseURL), func() {}
	if demo {
		tmp, err := os.MkdirTemp("", "pixee-tui-demo-")
		if err != nil {
			return nil, nil, done
		}
		dir, done = tmp, func() { os.RemoveAll(tmp) }
	}
	account := s.ProfileID
	if account == "" {
		account = s.BaseURL
	}
	h, warns, err := history.Open(dir, account, history.Limits{}, nil)
	for _, w := range warns {
		fmt.Fprintln(stderr, "pixee-tui:", w)
	}
	if err != nil {
		fmt.Fprintln(stderr, "pixee-tui: warning: no history (syncs will not be recorded):", err)
		h = nil
	}
	ev, warns, err := history.OpenEvents(dir, history.Limits{}, nil)
	for _, w := range warns {
		fmt.Fprintln(stderr, "pixee-tui:", w)
	}
	if err != nil {
		fmt.Fprintln(stderr, "pixee-tui: warning: events are not kept for the next start:", err)
		ev = nil
	}
	return h, ev, done
}

func userName() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

func sandboxCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		addr, apiGen      string
		conns             int
		seed              int64
		noAuto            bool
		readLim, writeLim int
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the embedded Pixee API sandbox until interrupted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if conns < 1 || conns > 100000 {
				return usage("--connectors must be between 1 and 100000, got %d", conns)
			}
			gen, err := sandbox.ParseGeneration(apiGen)
			if err != nil {
				return usage("--api: %v", err)
			}
			if readLim == 0 || writeLim == 0 {
				return usage("--read-limit and --write-limit must not be 0 (negative means unlimited)")
			}
			sb := sandbox.New(sandbox.Options{Seed: seed, Connectors: conns, AutoSync: !noAuto,
				ReadLimit: readLim, WriteLimit: writeLim, API: gen})
			u, stop, err := sb.Start(addr)
			if err != nil {
				return fmt.Errorf("sandbox: %w", err)
			}
			defer stop()
			fmt.Fprintf(stdout, "Pixee API sandbox (%s API) on %s\n  PIXEE_BASE_URL=%s\n  PIXEE_API_KEY=%s\n  curl -H '%s' %s%s\nCtrl+C stops it.\n",
				gen, u, u, sb.APIKey(), gen.CurlHeader(sb.APIKey()), u, gen.ListPath())
			ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer cancel()
			<-ctx.Done()
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", "127.0.0.1:8089", "address to listen on (loopback recommended)")
	fl.IntVar(&conns, "connectors", 137, "number of connectors (1–100000)")
	fl.Int64Var(&seed, "seed", 1, "seed for the data and its behaviour")
	fl.BoolVar(&noAuto, "no-autosync", false, "connectors sync only when asked")
	fl.IntVar(&readLim, "read-limit", 100, "GET requests per minute (negative: unlimited)")
	fl.IntVar(&writeLim, "write-limit", 50, "POST requests per minute (negative: unlimited)")
	fl.StringVar(&apiGen, "api", "current", "the API generation to speak: current (X-API-Key, /connectors/, at most 100 per page) or seed (Bearer, /connectors, at most 500)")
	return cmd
}

func configCmd(f *flags, stdout, stderr io.Writer) *cobra.Command {
	path := func() string {
		if f.configFile != "" {
			return f.configFile
		}
		return config.DefaultPath()
	}
	cmd := &cobra.Command{Use: "config", Short: "Find, check or start the configuration file"}
	cmd.AddCommand(
		&cobra.Command{
			Use: "path", Short: "Print where the config file is read from", Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				_, err := fmt.Fprintln(stdout, path())
				return err
			},
		},
		&cobra.Command{
			Use: "init", Short: "Write a commented example config file (never overwrites)", Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				if err := config.WriteExample(path()); err != nil {
					return usage("%v", err)
				}
				_, err := fmt.Fprintf(stdout, "wrote %s: edit its profiles, then run pixee-tui config check\n", path())
				return err
			},
		},
		&cobra.Command{
			Use: "check", Short: "Check the config file and that each profile's key can be read", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return checkConfig(cmd.Context(), path(), stdout, stderr) },
		},
		&cobra.Command{
			Use: "keys", Short: "List the action names keys: remaps, with their keys and what they do", Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error { return listKeys(path(), stdout) },
		},
	)
	return cmd
}

// listKeys prints every action a config file's keys: can remap, by name,
// with its keys (the file's remaps applied, when there is a file) and what
// it does: the list the example config points to.
func listKeys(path string, stdout io.Writer) error {
	var file *config.File
	if _, err := os.Stat(path); err == nil {
		if file, err = config.Load(path, true); err != nil {
			return usage("%v", err)
		}
	}
	k, err := keysOf(file)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTION\tKEYS\tWHAT IT DOES")
	for _, a := range k.Actions() {
		what := a.Binding.Help().Desc
		if a.Writes {
			what += " (writes: off in read-only mode)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, strings.Join(a.Binding.Keys(), " "), what)
	}
	fmt.Fprintln(tw, "\nctrl+c always quits, whatever is remapped.")
	return tw.Flush()
}

// checkConfig parses the file and reads every profile's key (never
// printing it); api_key_command is run, as a start would.
func checkConfig(ctx context.Context, path string, stdout, stderr io.Writer) error {
	file, err := config.Load(path, true)
	if err != nil {
		return usage("%v", err)
	}
	bad := 0
	for _, id := range file.Order {
		p := file.Profiles[id]
		if p.Key.Kind == config.KeyNone {
			fmt.Fprintf(stderr, "%s: profile %s has no API key source\n", path, id)
			bad++
			continue
		}
		_, warns, err := p.Key.Read(ctx, os.Getenv)
		for _, w := range warns {
			fmt.Fprintf(stderr, "%s: profile %s: %s\n", path, id, w)
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: profile %s: %v\n", path, id, err)
			bad++
		}
	}
	if bad > 0 {
		return usage("%d of %d profiles cannot start", bad, len(file.Order))
	}
	_, err = fmt.Fprintf(stdout, "%s: ok, %d profiles\n", path, len(file.Order))
	return err
}

// accountsOf is the switcher's list: every profile of the file, and the
// account started from the environment when it is none of them. A profile
// is opened (its key read, its client built) the first time it is chosen,
// with its own settings: the flags and environment of this start apply to
// the start account only.
func accountsOf(file *config.File, start config.Settings, startHost string) ([]ui.AccountSpec, int) {
	if file == nil || len(file.Order) == 0 {
		return nil, 0
	}
	var specs []ui.AccountSpec
	current := -1
	if start.ProfileID == "" {
		specs = append(specs, ui.AccountSpec{Name: "(from the environment)", Host: startHost})
		current = 0
	}
	for _, id := range file.Order {
		p := file.Profiles[id]
		ps := config.ProfileSettings(p)
		host := ps.BaseURL
		if u, err := url.Parse(ps.BaseURL); err == nil && u.Host != "" {
			host = u.Host
		}
		if id == start.ProfileID {
			current = len(specs)
			host = startHost
		}
		specs = append(specs, ui.AccountSpec{Name: p.Name, Host: host, Open: func() (ui.AccountSession, error) {
			return openAccount(ps)
		}})
	}
	if len(specs) < 2 {
		return nil, 0
	}
	return specs, current
}

// openAccount reads a profile's key and opens its client and state.
func openAccount(s config.Settings) (ui.AccountSession, error) {
	key, warns, err := s.Key.Read(context.Background(), os.Getenv)
	if err != nil {
		return ui.AccountSession{}, err
	}
	c, err := buildClient(s, key)
	if err != nil {
		return ui.AccountSession{}, err
	}
	var buf strings.Builder
	h, ev, _ := openHistory(false, s, &buf)
	if msg := strings.TrimSpace(buf.String()); msg != "" {
		warns = append(warns, strings.Split(msg, "\n")...)
	}
	return ui.AccountSession{API: c, History: h, Events: ev, ReadOnly: s.ReadOnly, Warnings: warns}, nil
}
