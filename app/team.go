package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/metrics"
	"github.com/pixee/pixee-tui/notify"
	"github.com/pixee/pixee-tui/serve"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui"
)

// serveCmd is team mode: the dashboard served over SSH, each account read
// once for every watcher (package serve).
func serveCmd(f *flags, stdout, stderr io.Writer) *cobra.Command {
	var (
		listen, authKeys, hostKey string
		idle                      time.Duration
		demo                      bool
		conns                     int
		metricsAddr, accounts     string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard over SSH to a team: one process polls each account once",
		Long: `Serve the dashboard over SSH. One process holds the API keys of the config
file's profiles and reads each account once; every person connects with
ssh and gets the whole dashboard in their own terminal.

Only listed public keys get in: users under serve.users in the config file
(role watch or operate), and the keys of --authorized-keys (role watch, the
comment as user name). Watchers cannot trigger syncs or connection tests;
every action is recorded in the account's history with its SSH user. A user
sees only the accounts serve.users.NAME.accounts lists (default all), with a
role per account under serve.users.NAME.roles.

  pixee-tui serve --listen 127.0.0.1:2222 --authorized-keys ~/.ssh/team.pub
  ssh -p 2222 -t localhost`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd, f, serveFlags{listen: listen, authKeys: authKeys, hostKey: hostKey, idle: idle,
				demo: demo, conns: conns, metrics: metricsAddr, accounts: accountNames(accounts)}, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&listen, "listen", "", "address to listen on (default serve.listen, else "+config.DefaultListen+")")
	fl.StringVar(&authKeys, "authorized-keys", "", "an OpenSSH authorized_keys file: its keys may connect with role watch")
	fl.StringVar(&hostKey, "host-key", "", "the server's SSH host key, generated on first start (default "+filepath.Join(stateHome(), "ssh_host_ed25519_key")+")")
	fl.DurationVar(&idle, "idle-timeout", 0, "end a session after this long without a key pressed (default serve.idle_timeout, else 30m)")
	fl.BoolVar(&demo, "demo", false, "serve the embedded sandbox account instead of the config file's profiles")
	fl.IntVar(&conns, "demo-connectors", 137, "with --demo: connectors in the sandbox (1–100000)")
	fl.StringVar(&metricsAddr, "metrics", "", "also serve Prometheus metrics at http://ADDR/metrics, like 127.0.0.1:9464 (default serve.metrics, else none)")
	fl.StringVar(&accounts, "accounts", "", "serve only these profiles, comma-separated (default serve.accounts, else every profile)")
	return cmd
}

type serveFlags struct {
	listen, authKeys, hostKey string
	idle                      time.Duration
	demo                      bool
	conns                     int
	metrics                   string   // --metrics: /metrics's address
	accounts                  []string // --accounts: the profiles served
}

func runServe(cmd *cobra.Command, f *flags, sf serveFlags, stdout, stderr io.Writer) error {
	if sf.conns < 1 || sf.conns > 100000 {
		return usage("--demo-connectors must be between 1 and 100000, got %d", sf.conns)
	}
	if sf.idle < 0 || (sf.idle > 0 && sf.idle < time.Second) {
		return usage("--idle-timeout must be at least 1s, got %s", sf.idle)
	}
	path, explicit := f.configFile, f.configFile != ""
	if !explicit {
		path = config.DefaultPath()
	}
	file, err := config.Load(path, explicit)
	if err != nil {
		return usage("%v", err)
	}
	// A profile named wrong is said first: it is what was typed, and
	// fixing who may connect would only meet it next.
	if len(sf.accounts) > 0 {
		if sf.demo {
			return usage("--accounts names profiles of the config file; --demo serves the sandbox alone")
		}
		if msg := file.UnknownAccounts(sf.accounts); msg != "" {
			return usage("--accounts: %s", msg)
		}
	}
	team := config.DefaultServe()
	if file != nil {
		team = file.Serve
	}
	if sf.authKeys != "" {
		extra, err := config.ReadAuthorizedKeys(sf.authKeys)
		if err != nil {
			return usage("--authorized-keys: %v", err)
		}
		if team, err = team.WithAuthorizedKeys(extra); err != nil {
			return usage("--authorized-keys: %v", err)
		}
	}
	if len(team.Users) == 0 {
		return usage("no one may connect: list users under serve.users in %s, or give --authorized-keys FILE", path)
	}
	if sf.listen != "" {
		team.Listen = sf.listen
	}
	if sf.idle > 0 {
		team.IdleTimeout = sf.idle
	}
	if err := serveMetricsFlags(&sf, team); err != nil {
		return err
	}
	if sf.hostKey == "" {
		sf.hostKey = filepath.Join(stateHome(), "ssh_host_ed25519_key")
	}
	keys, err := keysOf(file)
	if err != nil {
		return err
	}
	alerts := config.DefaultAlerts()
	mouse, theme := true, "auto"
	if file != nil {
		alerts, mouse, theme = file.Alerts, file.Mouse, file.Theme
	}

	o := serve.Options{HostKeyPath: sf.hostKey, Serve: team, Keys: keys, Mouse: mouse, Theme: theme, Demo: sf.demo, Log: stderr,
		Alerts: ui.AlertOptions{Bell: alerts.Bell, Desktop: alerts.Desktop, StuckAfter: alerts.StuckAfter}}
	req := metrics.NewRequests()
	op := withRequests(opener(false), req)
	notifyFile := file
	if sf.demo {
		notifyFile = demoTargets(file)
	}
	notes, err := startNotifier(notifyFile, stderr, stderrLog(stderr))
	if err != nil {
		return err
	}
	defer closeNotifier(notes) // after Shutdown: the last events are sent
	var stopSandbox func()
	if sf.demo {
		o.Accounts, stopSandbox, err = demoAccount(op, sf.conns)
		if err != nil {
			return err
		}
		defer stopSandbox()
	} else {
		var s config.Settings
		var none *config.NoProfileChosen
		_, s, err = loadConfig(cmd, f)
		if errors.As(err, &none) {
			// Every profile is served: with none chosen, the settings of
			// the start are the first profile's, as for the dashboard.
			s, err = resolveProfile(cmd, f, file, none.Profiles[0])
		}
		if err != nil {
			return err
		}
		o.PerPage, o.Refresh = s.PerPage, s.Refresh
		o.Accounts, o.Current = serveAccounts(op, file, s)
		if o.Accounts, o.Current, err = shard(file, o.Accounts, o.Current, sf.accounts); err != nil {
			return err
		}
	}
	serveNotify(notes, o.Accounts, stderr)

	srv, err := serve.New(o)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", team.Listen)
	if err != nil {
		return usage("--listen: %v", err)
	}
	if sf.metrics != "" {
		ms, err := serveMetrics(srv, sf.metrics, metricsConnectors(file), req)
		if err != nil {
			ln.Close()
			return usage("--metrics: %v", err)
		}
		defer func() {
			mctx, mcancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer mcancel()
			_ = ms.Shutdown(mctx)
		}()
		fmt.Fprintf(stderr, "pixee-tui: metrics on http://%s/metrics\n", ms.Addr())
	}
	who := fmt.Sprintf("%d users may", len(team.Users))
	if len(team.Users) == 1 {
		who = "1 user may"
	}
	fmt.Fprintf(stderr, "pixee-tui: team mode on %s: %s connect (ssh -p %s -t HOST); Ctrl+C stops it\n",
		ln.Addr(), who, portOf(ln.Addr()))
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintf(stderr, "pixee-tui: stopping: ending %d sessions\n", srv.Sessions())
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	<-done
	return nil
}

func portOf(a net.Addr) string {
	_, p, err := net.SplitHostPort(a.String())
	if err != nil {
		return "2222"
	}
	return p
}

// serveAccounts are the accounts served: every profile of the file, or the
// one the flags and environment describe, each opened (the first time a
// session needs it) as the dashboard opens it. Flags and environment apply
// to the start account only, as in the dashboard.
func serveAccounts(op account.Opener, file *config.File, start config.Settings) ([]serve.Account, int) {
	choices, current := op.Choices(file, start, nil)
	out := make([]serve.Account, len(choices))
	for i, c := range choices {
		out[i] = serve.Account{ID: c.ID, Name: c.Name, Host: c.Host, Open: c.Open}
	}
	return out, current
}

// serveNotify gives every account served its notifier (the hub tells it
// what it keeps, package serve) and says where notifications go.
func serveNotify(n *notify.Notifier, accounts []serve.Account, stderr io.Writer) {
	if n == nil {
		return
	}
	for i, a := range accounts {
		c := account.Choice{ID: a.ID, Open: a.Open}
		accounts[i].Open = notifyingChoice(c, func(id string, s *shared.Account) { s.Notify = n.Account(id) })
	}
	fmt.Fprintf(stderr, "pixee-tui: notifications to %s\n", strings.Join(n.Targets(), ", "))
}

// demoAccount is the embedded sandbox as the one account served.
func demoAccount(op account.Opener, conns int) ([]serve.Account, func(), error) {
	sb := sandbox.New(sandbox.Options{Seed: time.Now().UnixNano(), Connectors: conns, AutoSync: true})
	u, stop, err := sb.Start("127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("starting the demo sandbox: %w", err)
	}
	// The demo's history and events live as long as the server: enough to
	// see who did what, and never mixed with a real account's.
	a, err := op.Demo(config.ProfileSettings(config.Profile{}), u, sb.APIKey())
	if err != nil {
		stop()
		return nil, nil, err
	}
	done := func() { stop(); a.Close() }
	return []serve.Account{{ID: "demo", Name: "demo", Host: a.Host, Open: func() (shared.Account, error) {
		return a.Session, nil
	}}}, done, nil
}
