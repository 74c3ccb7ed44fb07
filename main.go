// Command pixee-tui is a terminal dashboard for the connectors that sync a
// Pixee PIM catalog to e-commerce platforms.
//
//	pixee-tui                 the real API (PIXEE_API_KEY, PIXEE_BASE_URL)
//	pixee-tui --demo          the embedded sandbox, no account needed
//	pixee-tui sandbox         serve the sandbox API for curl and tests
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/ui"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `pixee-tui: watch and drive the connectors of a Pixee PIM account

Usage:
  pixee-tui [flags]            the dashboard on the real API
  pixee-tui --demo [flags]     the dashboard on the embedded sandbox (no account)
  pixee-tui sandbox [flags]    serve the sandbox API until interrupted

Configuration:
  PIXEE_API_KEY       API key (pm_live_… or pm_test_…); prefer --api-key-file
  PIXEE_API_KEY_FILE  file holding the API key (same as --api-key-file)
  PIXEE_BASE_URL      API base URL (default ` + api.DefaultBaseURL + `)
  PIXEE_AUTH_HEADER   how the key is sent: auto, x-api-key or bearer (same as --auth-header)

Flags:
`

type config struct {
	demo     bool
	apiGen   string
	authHdr  string
	baseURL  string
	keyFile  string
	refresh  time.Duration
	perPage  int
	timeout  time.Duration
	logFile  string
	version  bool
	conns    int
	addr     string
	seed     int64
	noAuto   bool
	readLim  int
	writeLim int
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "sandbox" {
		return runSandbox(args[1:], stdout, stderr)
	}
	var c config
	fs := flag.NewFlagSet("pixee-tui", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&c.demo, "demo", false, "run on the embedded sandbox API, no account needed")
	fs.StringVar(&c.baseURL, "base-url", "", "API base URL (env PIXEE_BASE_URL; default "+api.DefaultBaseURL+")")
	fs.StringVar(&c.keyFile, "api-key-file", "", "read the API key from this file (env PIXEE_API_KEY_FILE)")
	fs.StringVar(&c.authHdr, "auth-header", "", "how the key is sent: auto (try X-API-Key, then Authorization: Bearer), x-api-key or bearer (env PIXEE_AUTH_HEADER; default auto)")
	fs.StringVar(&c.apiGen, "api", "current", "with --demo: the API generation the sandbox speaks, current or seed")
	fs.DurationVar(&c.refresh, "refresh", 2*time.Second, "detail refresh while a sync runs (500ms–1m)")
	fs.IntVar(&c.perPage, "per-page", 50, "connectors per page (1–500)")
	fs.DurationVar(&c.timeout, "timeout", api.DefaultTimeout, "deadline of each API request (1s–2m)")
	fs.StringVar(&c.logFile, "log", "", "write a debug log to this file (never holds the API key)")
	fs.IntVar(&c.conns, "demo-connectors", 137, "connectors in the demo sandbox (1–100000)")
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	if code, done := parse(fs, args, stdout, stderr, usage); done {
		return code
	}
	if c.version {
		fmt.Fprintln(stdout, "pixee-tui", versionString())
		return 0
	}
	if err := checkRanges(fs, c); err != nil {
		fmt.Fprintln(stderr, "pixee-tui:", err)
		return 2
	}
	gen, err := sandbox.ParseGeneration(c.apiGen)
	if err != nil {
		fmt.Fprintln(stderr, "pixee-tui: --api:", err)
		return 2
	}
	if c.authHdr == "" {
		c.authHdr = os.Getenv("PIXEE_AUTH_HEADER")
	}
	authHeader, err := api.ParseAuthHeader(c.authHdr)
	if err != nil {
		fmt.Fprintln(stderr, "pixee-tui: --auth-header:", err)
		return 2
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var (
		baseURL, key, host string
		stop               = func() {}
	)
	if c.demo {
		sb := sandbox.New(sandbox.Options{Seed: time.Now().UnixNano(), Connectors: c.conns, AutoSync: true, API: gen})
		u, stopSB, err := sb.Start("127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(stderr, "pixee-tui: starting the demo sandbox:", err)
			return 1
		}
		baseURL, key, stop = u, sb.APIKey(), stopSB
		host = "sandbox " + strings.TrimPrefix(u, "http://")
	} else {
		key, err = apiKey(c.keyFile, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "pixee-tui:", err)
			return 2
		}
		baseURL = c.baseURL
		if baseURL == "" {
			baseURL = os.Getenv("PIXEE_BASE_URL")
		}
	}
	defer stop()

	client, err := api.New(baseURL,
		api.WithAPIKey(key),
		api.WithAuthHeader(authHeader),
		api.WithTimeout(c.timeout),
		api.WithUserAgent("pixee-tui/"+versionString()))
	if err != nil {
		fmt.Fprintln(stderr, "pixee-tui:", err)
		return 2
	}
	if host == "" {
		host = client.Host()
	}
	if !isTerminal(stdout) {
		// Refused rather than drawn on /dev/tty: whoever redirected
		// stdout wanted output there, and a screen of escape codes in a
		// file, or a dashboard drawn behind their back, serves neither.
		fmt.Fprintln(stderr, "pixee-tui: stdout is not a terminal; the dashboard needs one (for scripts, serve the API with: pixee-tui sandbox)")
		return 2
	}

	var calls ui.API = client
	if c.logFile != "" {
		f, err := tea.LogToFile(c.logFile, "pixee-tui ")
		if err != nil {
			fmt.Fprintln(stderr, "pixee-tui: --log:", err)
			return 2
		}
		defer f.Close()
		calls = loggingAPI{next: client}
		log.Printf("start %s on %s, %d per page, refresh %s", versionString(), host, c.perPage, c.refresh)
	}

	m := ui.New(ui.Options{
		API:     calls,
		Context: ctx,
		Host:    host,
		Demo:    c.demo,
		PerPage: c.perPage,
		Refresh: c.refresh,
		Plain:   lipgloss.ColorProfile() == termenv.Ascii,
	})
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx))
	stopSignals := quitOnSignals(p)
	_, err = p.Run()
	stopSignals()
	cancel() // end in-flight requests
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "pixee-tui:", err)
		return 1
	}
	return 0
}

// isTerminal says whether w is a terminal the dashboard can be drawn on.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// quitOnSignals ends the program on SIGHUP and SIGQUIT the way Bubble Tea
// ends it on SIGTERM: a closed terminal window, a dropped ssh session or
// kill -HUP must leave the terminal restored (main screen, cursor shown,
// raw mode off). Bubble Tea v1 handles only INT and TERM, and the default
// action of HUP and QUIT exits with the terminal as the program left it. A
// second signal kills the program at once, still restoring the terminal.
func quitOnSignals(p *tea.Program) (stop func()) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGHUP, syscall.SIGQUIT)
	done := make(chan struct{})
	go func() {
		quitting := false
		for {
			select {
			case <-sig:
				if quitting {
					p.Kill()
					continue
				}
				quitting = true
				go p.Quit() // Quit waits for the event loop; the next signal must not
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
	}
}

// parse parses flags; on --help or an error it prints and says to stop.
func parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer, head string) (int, bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, head)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0, true
	case err != nil:
		fmt.Fprintf(stderr, "pixee-tui: %s (see --help)\n", strings.Replace(err.Error(), "flag provided but not defined: -", "unknown flag --", 1))
		return 2, true
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "pixee-tui: unexpected argument %q (see --help)\n", fs.Arg(0))
		return 2, true
	}
	return 0, false
}

func checkRanges(fs *flag.FlagSet, c config) error {
	switch {
	case c.perPage < 1 || c.perPage > api.MaxPerPage:
		return fmt.Errorf("--per-page must be between 1 and %d, got %d", api.MaxPerPage, c.perPage)
	case c.refresh < 500*time.Millisecond || c.refresh > time.Minute:
		return fmt.Errorf("--refresh must be between 500ms and 1m, got %s", c.refresh)
	case c.timeout < time.Second || c.timeout > 2*time.Minute:
		return fmt.Errorf("--timeout must be between 1s and 2m, got %s", c.timeout)
	case c.conns < 1 || c.conns > 100000:
		return fmt.Errorf("--demo-connectors must be between 1 and 100000, got %d", c.conns)
	case !c.demo && flagSet(fs, "demo-connectors"):
		return errors.New("--demo-connectors only applies with --demo")
	case !c.demo && flagSet(fs, "api"):
		return errors.New("--api only applies with --demo (and to pixee-tui sandbox)")
	}
	return nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// maxKeyFile bounds what is read of a key file: a key is under 100 bytes,
// and --api-key-file /dev/zero must not fill the memory.
const maxKeyFile = 4 << 10

// apiKey finds the key: a key file (flag, then env), then PIXEE_API_KEY.
// A key file others can read is used, with a warning on stderr (as ssh
// does for its keys, but without refusing). Errors never quote the key.
func apiKey(file string, stderr io.Writer) (string, error) {
	if file == "" {
		file = os.Getenv("PIXEE_API_KEY_FILE")
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("reading the API key file: %w", err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o044 != 0 {
			fmt.Fprintf(stderr, "pixee-tui: warning: the API key file %s can be read by other users (mode %04o); fix it with: chmod 600 %s\n",
				file, fi.Mode().Perm(), shellQuote(file))
		}
		b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
		if err != nil {
			return "", fmt.Errorf("reading the API key file: %w", err)
		}
		if len(b) > maxKeyFile {
			return "", fmt.Errorf("the API key file %s is larger than 4 KiB: is it the right file?", file)
		}
		key := strings.TrimSpace(string(b))
		if key == "" {
			return "", fmt.Errorf("the API key file %s is empty", file)
		}
		return key, nil
	}
	if key := strings.TrimSpace(os.Getenv("PIXEE_API_KEY")); key != "" {
		return key, nil
	}
	return "", errors.New("no API key: set PIXEE_API_KEY or pass --api-key-file FILE " +
		"(keys look like pm_live_… or pm_test_…), or try the sandbox with --demo")
}

// shellQuote quotes a path for a command to copy and paste.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+=:,@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func runSandbox(args []string, stdout, stderr io.Writer) int {
	var c config
	fs := flag.NewFlagSet("pixee-tui sandbox", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8089", "address to listen on (loopback recommended)")
	fs.IntVar(&c.conns, "connectors", 137, "number of connectors (1–100000)")
	fs.Int64Var(&c.seed, "seed", 1, "seed for the data and its behaviour")
	fs.BoolVar(&c.noAuto, "no-autosync", false, "connectors sync only when asked")
	fs.IntVar(&c.readLim, "read-limit", 100, "GET requests per minute (negative: unlimited)")
	fs.IntVar(&c.writeLim, "write-limit", 50, "POST requests per minute (negative: unlimited)")
	fs.StringVar(&c.apiGen, "api", "current", "the API generation to speak: current (X-API-Key, /connectors/, at most 100 per page) or seed (Bearer, /connectors, at most 500)")
	head := "pixee-tui sandbox: serve the embedded Pixee API sandbox until interrupted\n\nFlags:\n"
	if code, done := parse(fs, args, stdout, stderr, head); done {
		return code
	}
	if c.conns < 1 || c.conns > 100000 {
		fmt.Fprintf(stderr, "pixee-tui: --connectors must be between 1 and 100000, got %d\n", c.conns)
		return 2
	}
	gen, err := sandbox.ParseGeneration(c.apiGen)
	if err != nil {
		fmt.Fprintln(stderr, "pixee-tui: --api:", err)
		return 2
	}
	if c.readLim == 0 || c.writeLim == 0 {
		fmt.Fprintln(stderr, "pixee-tui: --read-limit and --write-limit must not be 0 (negative means unlimited)")
		return 2
	}
	sb := sandbox.New(sandbox.Options{Seed: c.seed, Connectors: c.conns, AutoSync: !c.noAuto,
		ReadLimit: c.readLim, WriteLimit: c.writeLim, API: gen})
	u, stop, err := sb.Start(c.addr)
	if err != nil {
		fmt.Fprintln(stderr, "pixee-tui: sandbox:", err)
		return 1
	}
	defer stop()
	fmt.Fprintf(stdout, "Pixee API sandbox (%s API) on %s\n  PIXEE_BASE_URL=%s\n  PIXEE_API_KEY=%s\n  curl -H '%s' %s%s\nCtrl+C stops it.\n",
		gen, u, u, sb.APIKey(), gen.CurlHeader(sb.APIKey()), u, gen.ListPath())
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	<-ctx.Done()
	return 0
}

func itoa(n int) string { return strconv.Itoa(n) }

func versionString() string {
	if version != "" {
		return version
	}
	bi, _ := debug.ReadBuildInfo()
	return buildVersion(bi)
}

// pseudoVersion matches the versions the go command makes up for an
// untagged commit (v0.0.0-20261203085800-0123456789ab): the revision says
// the same, and more plainly.
var pseudoVersion = regexp.MustCompile(`(^|[.-])[0-9]{14}-[0-9a-f]{12}(\+incompatible)?(\+dirty)?$`)

// buildVersion names the build from its build info: the module's tag when
// it has one, else the VCS revision (12 characters), "-dirty" for
// uncommitted changes, and the commit's time; "dev" when nothing is known
// (go run, or a build without VCS stamping).
func buildVersion(bi *debug.BuildInfo) string {
	if bi == nil {
		return "dev"
	}
	v := bi.Main.Version
	tagged := v != "" && v != "(devel)" && !pseudoVersion.MatchString(v)
	if tagged {
		return v
	}
	var rev, at string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		if v != "" && v != "(devel)" {
			return v // a pseudo-version without its settings: still better than "dev"
		}
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	if at != "" {
		rev += " (" + at + ")"
	}
	return rev
}
