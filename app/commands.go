package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/cli"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/ui"
)

// stateHome is where per-account state (the history) lives.
func stateHome() string { return filepath.Join(xdg.StateHome, "pixee-tui") }

// opener opens accounts for this run; --log wraps the dashboard's calls.
func opener(logging bool) account.Opener {
	o := account.Opener{StateHome: stateHome(), UserAgent: "pixee-tui/" + versionString()}
	if logging {
		o.Decorate = func(c *api.Client) ui.API { return loggingAPI{next: c} }
	}
	return o
}

// openSession is the account the script commands act on.
func openSession(ctx context.Context, root *cobra.Command, f *flags, stderr io.Writer) (*cli.Session, error) {
	_, s, err := loadConfig(root, f)
	if err != nil {
		return nil, err
	}
	a, err := opener(false).Open(ctx, s)
	if err != nil {
		return nil, &cli.Error{Code: cli.ExitUsage, Err: err}
	}
	for _, w := range a.Warnings {
		fmt.Fprintln(stderr, "pixee-tui:", w)
	}
	// Without a history, reads work and every write is refused (write).
	return &cli.Session{Client: a.Client, ReadOnly: s.ReadOnly, Account: a.ID, User: userName(),
		History: a.Session.History, NoHistory: a.Session.HistoryErr}, nil
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
		noAuto, noJobs    bool
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
				ReadLimit: readLim, WriteLimit: writeLim, API: gen, NoJobs: noJobs})
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
	fl.BoolVar(&noJobs, "no-jobs", false, "be a server without connector jobs: GET /connectors/{id}/jobs answers 404")
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
		keys := slices.Clone(a.Binding.Keys())
		for i, k := range keys {
			if k == " " { // as a config file writes it
				keys[i] = "space"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, strings.Join(keys, " "), what)
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
	// Exactly what a start refuses: the file is refused for it here.
	if _, err := keysOf(file); err != nil {
		return err
	}
	bad := 0
	for _, id := range file.Order {
		p := file.Profiles[id]
		if err := checkRanges(config.ProfileSettings(p)); err != nil {
			fmt.Fprintf(stderr, "%s: profile %s: %v\n", path, id, err)
			bad++
			continue
		}
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
	if err := checkNotifySecrets(file, path, stderr); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s: ok, %d profiles\n", path, len(file.Order))
	return err
}
