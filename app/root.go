// Package app is the composition root of pixee-tui: the commands, the
// dashboard's start, the team server's start and the sandbox command. It
// wires config → account → ui, cli or serve: it parses the flags, resolves
// the configuration (config), opens the account through the one opener
// (account), and hands it to the dashboard (ui), the commands for scripts
// (cli) or the team server (serve). Nothing else of the program knows the
// command line.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/cli"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// flags are the command line, shared by the dashboard and the commands.
type flags struct {
	configFile, profile string
	baseURL, keyFile    string
	authHeader          string
	timeout             time.Duration
	readOnly            bool
	logFile             string

	// The dashboard's own.
	demo     bool
	apiGen   string
	conns    int
	noJobs   bool
	refresh  time.Duration
	perPage  int
	showVers bool

	accessible bool // lines instead of the dashboard (accessible.go)
}

// Run runs pixee-tui with args (without the program's name) on the given
// standard streams and returns the exit code (cli.ExitCode's).
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err != nil {
		fmt.Fprintln(stderr, "pixee-tui:", oneLine(err.Error()))
	}
	return cli.ExitCode(err)
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var f flags
	root := &cobra.Command{
		Use:   "pixee-tui",
		Short: "Watch and drive the connectors of a Pixee PIM account",
		Long: `pixee-tui: watch and drive the connectors of a Pixee PIM account.

With no command it runs the dashboard, on the profile of the config file
(` + config.DefaultPath() + `, see pixee-tui config init) or on
PIXEE_API_KEY / PIXEE_API_KEY_FILE and PIXEE_BASE_URL; --demo runs it on the
embedded sandbox. Precedence: flag > environment > profile > default.

Environment:
  PIXEE_API_KEY       API key (pm_live_… or pm_test_…); prefer --api-key-file
  PIXEE_API_KEY_FILE  file holding the API key (same as --api-key-file)
  PIXEE_BASE_URL      API base URL (default ` + api.DefaultBaseURL + `)
  PIXEE_AUTH_HEADER   how the key is sent: auto, x-api-key or bearer (same as --auth-header)
  PIXEE_PROFILE       profile of the config file (same as --profile)
  PIXEE_ACCESSIBLE    1: lines for screen readers and braille (same as --accessible)

Exit codes: 0 ok, 1 API or network error, 2 usage or validation, 3 outcome
unknown (a POST was sent, no answer came), 4 rate limited, 5 the sync failed.`,
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       versionString(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDashboard(cmd, &f, cmd.InOrStdin(), stdout, stderr)
		},
	}
	root.SetVersionTemplate("pixee-tui {{.Version}}\n")
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &cli.Error{Code: cli.ExitUsage, Err: fmt.Errorf("%v (see --help)", err)}
	})

	pf := root.PersistentFlags()
	pf.StringVar(&f.configFile, "config", "", "config file (default "+config.DefaultPath()+")")
	pf.StringVar(&f.profile, "profile", "", "profile of the config file to use (env PIXEE_PROFILE)")
	pf.StringVar(&f.baseURL, "base-url", "", "API base URL (env PIXEE_BASE_URL; default "+api.DefaultBaseURL+")")
	pf.StringVar(&f.keyFile, "api-key-file", "", "read the API key from this file (env PIXEE_API_KEY_FILE)")
	pf.StringVar(&f.authHeader, "auth-header", "", "how the key is sent: auto (try X-API-Key, then Authorization: Bearer), x-api-key or bearer (env PIXEE_AUTH_HEADER)")
	pf.DurationVar(&f.timeout, "timeout", api.DefaultTimeout, "deadline of each API request (1s–2m)")
	pf.BoolVar(&f.readOnly, "read-only", false, "send no sync or connection test (also read_only: in a profile)")
	lf := root.Flags()
	lf.BoolVar(&f.demo, "demo", false, "run on the embedded sandbox API, no account needed")
	lf.StringVar(&f.apiGen, "api", "current", "with --demo: the API generation the sandbox speaks, current or seed")
	lf.IntVar(&f.conns, "demo-connectors", 137, "connectors in the demo sandbox (1–100000)")
	lf.BoolVar(&f.noJobs, "demo-no-jobs", false, "with --demo: the sandbox does not offer connector jobs (GET /connectors/{id}/jobs answers 404)")
	lf.DurationVar(&f.refresh, "refresh", config.DefaultRefresh, "detail refresh while a sync runs (500ms–1m)")
	lf.IntVar(&f.perPage, "per-page", config.DefaultPerPage, "connectors per page (1–500)")
	lf.StringVar(&f.logFile, "log", "", "write a debug log to this file (never holds the API key)")
	lf.BoolVar(&f.accessible, "accessible", false, "lines for screen readers and braille displays instead of the dashboard (env PIXEE_ACCESSIBLE=1; accessible: true in the config)")
	root.Flags().BoolVarP(&f.showVers, "version", "v", false, "print the version and exit")

	o := &cli.IO{In: stdin, Out: stdout, Err: stderr, InTTY: isTerminal(stdin), OutTTY: isTerminal(stdout), ErrTTY: isTerminal(stderr),
		Width: terminalWidth(stdout)}
	root.AddCommand(cli.Commands(o, func(ctx context.Context) (*cli.Session, error) { return openSession(ctx, root, &f, stderr) })...)
	root.AddCommand(sandboxCmd(stdout, stderr), configCmd(&f, stdout, stderr), serveCmd(&f, stdout, stderr), notifyCmd(&f, stdout, stderr), metricsCmd(&f, stderr))
	return root
}

// loadConfig reads the config file (--config, else the default path, which
// may be absent) and resolves the settings of this start.
func loadConfig(cmd *cobra.Command, f *flags) (*config.File, config.Settings, error) {
	file, err := readConfigFile(f)
	if err != nil {
		return nil, config.Settings{}, err
	}
	profile := f.profile
	if profile == "" {
		profile = os.Getenv("PIXEE_PROFILE")
	}
	s, err := resolveProfile(cmd, f, file, profile)
	return file, s, err
}

// resolveProfile resolves the settings of profile ("" = the file's
// default) with this start's flags and environment.
func resolveProfile(cmd *cobra.Command, f *flags, file *config.File, profile string) (config.Settings, error) {
	var fl config.Flags
	fl.ReadOnly = f.readOnly
	set := func(name string) bool { return cmd.Flags().Changed(name) }
	if set("base-url") {
		fl.BaseURL = &f.baseURL
	}
	if set("api-key-file") {
		fl.KeyFile = &f.keyFile
	}
	if set("auth-header") {
		fl.AuthHeader = &f.authHeader
	}
	if set("timeout") {
		fl.Timeout = &f.timeout
	}
	if cmd.Flags().Lookup("per-page") != nil && set("per-page") {
		fl.PerPage = &f.perPage
	}
	if cmd.Flags().Lookup("refresh") != nil && set("refresh") {
		fl.Refresh = &f.refresh
	}
	s, err := config.Resolve(file, profile, fl, os.Getenv)
	if err != nil {
		return s, &cli.Error{Code: cli.ExitUsage, Err: err}
	}
	if err := checkRanges(s); err != nil {
		return s, &cli.Error{Code: cli.ExitUsage, Err: err}
	}
	return s, nil
}

// openHomeStart opens the account a dashboard of several profiles, none
// chosen, stands on under its home screen: the first profile in the
// file's order that opens (one whose key cannot be read is said on its
// row of the home screen, and does not keep the others from the screen).
func openHomeStart(ctx context.Context, cmd *cobra.Command, f *flags, op account.Opener, file *config.File, stderr io.Writer) (*account.Account, error) {
	var first error
	for _, id := range file.Order {
		s, err := resolveProfile(cmd, f, file, id)
		if err == nil {
			sayKeyCommand(stderr, s.Key)
			var a *account.Account
			if a, err = op.Open(ctx, s); err == nil {
				return a, nil
			}
			err = usage("%v", err)
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// readConfigFile reads the config file: --config, else the default path,
// which may be absent (then the file is nil).
func readConfigFile(f *flags) (*config.File, error) {
	path, explicit := f.configFile, f.configFile != ""
	if !explicit {
		path = config.DefaultPath()
	}
	file, err := config.Load(path, explicit)
	if err != nil {
		return nil, &cli.Error{Code: cli.ExitUsage, Err: err}
	}
	return file, nil
}

func checkRanges(s config.Settings) error {
	switch {
	case s.PerPage < 1 || s.PerPage > api.MaxPerPage:
		return fmt.Errorf("--per-page must be between 1 and %d, got %d", api.MaxPerPage, s.PerPage)
	case s.Refresh < 500*time.Millisecond || s.Refresh > time.Minute:
		return fmt.Errorf("--refresh must be between 500ms and 1m, got %s", s.Refresh)
	case s.Timeout < time.Second || s.Timeout > 2*time.Minute:
		return fmt.Errorf("--timeout must be between 1s and 2m, got %s", s.Timeout)
	}
	return nil
}

func runDashboard(cmd *cobra.Command, f *flags, stdin io.Reader, stdout, stderr io.Writer) error {
	if f.conns < 1 || f.conns > 100000 {
		return usage("--demo-connectors must be between 1 and 100000, got %d", f.conns)
	}
	if !f.demo {
		for _, name := range []string{"demo-connectors", "api", "demo-no-jobs"} {
			if cmd.Flags().Changed(name) {
				return usage("--%s only applies with --demo", name)
			}
		}
	}
	if f.demo {
		// The demo is its own account: a flag naming another would be
		// dropped without a word, and the person would think they watch it.
		for _, name := range []string{"profile", "base-url", "api-key-file"} {
			if cmd.Flags().Changed(name) {
				return usage("--%s does not apply with --demo: the demo is its own account, on the embedded sandbox", name)
			}
		}
	}
	gen, err := sandbox.ParseGeneration(f.apiGen)
	if err != nil {
		return usage("--api: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	if f.logFile != "" {
		lf, err := tea.LogToFile(f.logFile, "pixee-tui ")
		if err != nil {
			return usage("--log: %v", err)
		}
		defer lf.Close()
	}
	// Every account of this run opens through one opener: a profile the
	// switcher reaches runs exactly as if started with --profile, and
	// --log follows it.
	op := opener(f.logFile != "")
	var file *config.File
	var start *account.Account
	if f.demo {
		// The demo is its own account: no profile's key, server, per_page
		// or refresh. The file's theme, keys, mouse and alerts are the
		// person's, and apply as in any start.
		if file, err = readConfigFile(f); err != nil {
			return err
		}
		s := config.ProfileSettings(config.Profile{})
		s.PerPage, s.Refresh, s.Timeout, s.ReadOnly = f.perPage, f.refresh, f.timeout, f.readOnly
		if err := checkRanges(s); err != nil {
			return usage("%v", err)
		}
		if err := needTerminal(f, file, stdout); err != nil {
			return err // before the sandbox starts
		}
		sb := sandbox.New(sandbox.Options{Seed: time.Now().UnixNano(), Connectors: f.conns, AutoSync: true, API: gen, NoJobs: f.noJobs})
		u, stop, err := sb.Start("127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("starting the demo sandbox: %w", err)
		}
		defer stop()
		if start, err = op.Demo(s, u, sb.APIKey()); err != nil {
			return usage("%v", err)
		}
	} else {
		var s config.Settings
		var none *config.NoProfileChosen
		file, s, err = loadConfig(cmd, f)
		switch {
		case errors.As(err, &none) && !cmd.Flags().Changed("base-url") && os.Getenv("PIXEE_BASE_URL") == "":
			// Several profiles, none chosen: the home screen of every
			// account is the first screen (several accounts bring it),
			// on the first profile in the file's order. A terminal first:
			// the profiles' key commands run as they open.
			if err := needTerminal(f, file, stdout); err != nil {
				return err
			}
			if start, err = openHomeStart(ctx, cmd, f, op, file, stderr); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if s.Key.CommandName() != "" {
				// Before the command runs: a password manager asked for a
				// passphrase for a start that cannot draw serves no one.
				if err := needTerminal(f, file, stdout); err != nil {
					return err
				}
			}
			sayKeyCommand(stderr, s.Key)
			if start, err = op.Open(ctx, s); err != nil {
				return usage("%v", err)
			}
		}
	}
	defer start.Close()
	for _, w := range start.Warnings {
		fmt.Fprintln(stderr, "pixee-tui:", w)
	}
	if accessibleWanted(f, file) {
		return runAccessible(ctx, f, start, file, stdin, stdout, stderr)
	}
	keys, err := keysOf(file)
	if err != nil {
		return err
	}
	notes, prog, err := dashboardNotifier(file, f, stderr)
	if err != nil {
		return err
	}
	defer closeNotifier(notes)
	var specs []shared.AccountSpec
	var views []ui.View
	current := 0
	if !f.demo {
		choices, cur := op.Choices(file, start.Settings, func() (shared.Account, error) { return start.Session, nil })
		if len(choices) > 1 {
			for i, c := range choices {
				open := notifyingChoice(c, func(id string, s *shared.Account) { dashboardNotify(notes, id, i, s, prog) })
				specs = append(specs, shared.AccountSpec{Name: c.Name, Host: c.Host, Open: open})
			}
			current = cur
			views = savedViews(file, choices)
		}
	}
	dashboardNotify(notes, start.ID, current, &start.Session, prog)
	alerts := config.DefaultAlerts()
	if file != nil {
		alerts = file.Alerts
	}
	plain := applyTheme(file)
	if err := needTerminal(f, file, stdout); err != nil {
		return err
	}
	if f.logFile != "" {
		log.Printf("start %s on %s, %d per page, refresh %s", versionString(), start.Title(), start.Settings.PerPage, start.Settings.Refresh)
	}

	var home ui.Watcher
	var watcher *accounts.Watcher
	if len(specs) > 1 {
		// Every account watched, each on its own client and budget; the
		// switcher opens the watched one.
		logf := func(string, ...any) {}
		if f.logFile != "" {
			logf = log.Printf
		}
		watcher = accounts.Start(ctx, specs, current, accounts.Options{PerPage: start.Settings.PerPage, Logf: logf})
		specs, home = watcher.Specs(), watcher
		// The account on screen as the watcher opened it (at once: its
		// spec hands back the session opened above): the dashboard reads
		// its watch's index rather than crawling it a second time.
		if s, err := specs[current].Open(); err == nil {
			start.Session = s
		}
	}

	m := ui.New(ui.Start{
		Context:  ctx,
		Account:  start.Session,
		Name:     start.Name,
		Host:     start.Host,
		Demo:     f.demo,
		Alerts:   ui.AlertOptions{Bell: alerts.Bell, Desktop: alerts.Desktop, StuckAfter: alerts.StuckAfter},
		Terminal: stdout,
		Accounts: specs,
		Current:  current,
		Home:     home,
		Views:    views,
		InTmux:   ui.InTmux(),
		User:     userName(),
		Keys:     keys,
		Plain:    plain,
	}.Options())
	popts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithContext(ctx), tea.WithoutSignalHandler()}
	if file == nil || file.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	var p *tea.Program
	if in, ok := readAheadTerminal(os.Stdin, func() { go p.Quit() }); ok {
		popts = append(popts, tea.WithInput(in))
	}
	p = tea.NewProgram(m, popts...)
	prog.Store(p)
	if watcher != nil {
		go watcher.Forward(ctx, func(s accounts.Snapshot) { p.Send(s) })
	}
	stopSignals := quitOnSignals(p, 3*time.Second, os.Exit)
	_, err = p.Run()
	stopSignals()
	cancel() // end in-flight requests
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// sayKeyCommand says, before the dashboard starts, that it waits for an
// api_key_command (a password manager may take seconds, or ask for a
// passphrase): a person is never left before a blank terminal. The
// command's name only, never its arguments, and never the key.
func sayKeyCommand(stderr io.Writer, k config.KeySource) {
	if name := k.CommandName(); name != "" {
		fmt.Fprintf(stderr, "pixee-tui: reading the API key (api_key_command: %s)…\n", termtext.Sanitize(name))
	}
}

// keysOf is the default keymap with the config file's remaps. A remap of
// an unknown action, or two actions on one key of one screen, is a config
// error naming the line and both actions.
func keysOf(file *config.File) (*keymap.KeyMap, error) {
	k := keymap.Default()
	if file == nil {
		return &k, nil
	}
	at := map[string]config.Pos{}
	for _, r := range file.Keys {
		at[r.Action] = r.Pos
		if err := k.Remap(r.Action, r.Keys...); err != nil {
			return nil, &cli.Error{Code: cli.ExitUsage, Err: r.Pos.Errorf("keys."+r.Action, "%s", strings.TrimPrefix(err.Error(), "keymap: "))}
		}
	}
	if cs := ui.KeyConflicts(&k); len(cs) > 0 {
		c := cs[0] // the first is enough: the file is fixed one line at a time
		pos, ok := at[c.B]
		name := c.B
		if !ok {
			pos, name = at[c.A], c.A
		}
		return nil, &cli.Error{Code: cli.ExitUsage, Err: pos.Errorf("keys."+name, "%v", c)}
	}
	return &k, nil
}

// applyTheme sets the colours the file asks for; it reports whether the
// screen is to be drawn without colour.
func applyTheme(file *config.File) (plain bool) {
	theme := "auto"
	if file != nil {
		theme = file.Theme
	}
	switch theme {
	case "none":
		lipgloss.SetColorProfile(termenv.Ascii)
	case "dark":
		lipgloss.SetHasDarkBackground(true)
	case "light":
		lipgloss.SetHasDarkBackground(false)
	}
	return lipgloss.ColorProfile() == termenv.Ascii
}

func usage(format string, args ...any) error {
	return &cli.Error{Code: cli.ExitUsage, Err: fmt.Errorf(format, args...)}
}
