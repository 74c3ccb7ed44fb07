// Command perf measures pixee-tui end to end beside the floor, the smallest
// Bubble Tea program that does the dashboard's idle job, in one run, so the
// ratios hold even when the machine's absolute speed drifts.
//
// It builds both programs, serves `pixee-tui sandbox` on a free loopback
// port behind a counting reverse proxy (one per program), runs each program
// in a pseudo-terminal of 160x48 (TERM=xterm-256color) that answers the
// colour and cursor queries a terminal answers, and measures: launch to the
// first connector name on screen, key-to-screen latency, CPU and bytes
// written while idle, CPU while a sync runs, resident memory over time, and
// the API requests each program makes. It prints a table of metric, floor,
// pixee-tui, ratio, target and verdict.
//
//	go run ./perf -quick          about two minutes
//	go run ./perf                 full run, about 15 minutes (10 of them RSS)
//	go run ./perf -team           team mode (issue 14): 1, 10, 50 SSH sessions on
//	                              one account of pixee-tui serve, about 5 minutes
//
// It is a measurement tool, not part of the product: nothing imports it.
// Everything stays on loopback, every wait is bounded, and it stops by
// itself. See perf/README.md for the flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	apiKey    = "pm_test_sandbox" // the sandbox's default key; not a secret
	basePath  = "/api/v1"
	termRows  = 48
	termCols  = 160
	floorName = "floor"
	pixeeName = "pixee-tui"
)

type config struct {
	quick       bool
	rssDur      time.Duration
	rssEvery    time.Duration
	idle        time.Duration
	syncWin     time.Duration
	settle      time.Duration
	presses     int
	launches    int
	connectors  int
	frame       time.Duration
	repo        string
	floorDir    string
	phases      map[string]bool
	answer      bool
	keep        bool
	verbose     bool
	noFloor     bool
	dump        string
	deadlineFor time.Duration

	team         bool  // -team: pixee-tui serve and SSH sessions instead of the phases
	teamSessions []int // sessions connected in each round
}

func main() { os.Exit(run()) }

func run() int {
	var c config
	var phases, sessions string
	flag.BoolVar(&c.quick, "quick", false, "short windows: about two minutes in all")
	flag.DurationVar(&c.rssDur, "duration", 0, "length of the RSS run (default 10m, 30s with -quick)")
	flag.DurationVar(&c.rssEvery, "rss-every", 0, "RSS sampling interval (default 10s, 5s with -quick)")
	flag.DurationVar(&c.idle, "idle", 0, "idle CPU/bytes/requests window (default 60s, 20s with -quick)")
	flag.DurationVar(&c.syncWin, "sync", 0, "CPU/requests window while a sync runs (default 60s, 20s with -quick)")
	flag.DurationVar(&c.settle, "settle", 0, "wait after start-up before a window opens (default 5s, 3s with -quick)")
	flag.IntVar(&c.presses, "presses", 0, "key presses per latency series (default 50, 15 with -quick)")
	flag.IntVar(&c.launches, "launches", 0, "launches per program (default 10, 3 with -quick); with -team: local starts and fresh servers (default 5, 3 with -quick)")
	flag.IntVar(&c.connectors, "connectors", 0, "connectors in the sandbox (default 1200; 137 with -team)")
	flag.DurationVar(&c.frame, "frame", 10*time.Millisecond, "output quiet this long after the change = its frame is complete (frames are flushed ≥16.7ms apart)")
	flag.StringVar(&c.repo, "repo", "", "pixee-tui module root (default: the module of the working directory)")
	flag.StringVar(&c.floorDir, "floor", "", "floor source directory (default <repo>/../shared/bench/floor)")
	flag.StringVar(&phases, "phases", "launch,keys,idle,sync,rss", "phases to run, comma-separated")
	flag.BoolVar(&c.answer, "answer-queries", true, "answer OSC 10/11 (colours), DSR (cursor position) and DA1 (device attributes) queries as a terminal does")
	flag.BoolVar(&c.keep, "keep", false, "keep the temporary directory with the binaries")
	flag.BoolVar(&c.noFloor, "no-floor", false, "do not build or run the floor")
	flag.BoolVar(&c.verbose, "v", false, "log progress details")
	flag.StringVar(&c.dump, "dump", "", "write each session's output (escape sequences removed) to this directory")
	flag.BoolVar(&c.team, "team", false, "team mode (issue 14): SSH sessions on one account of pixee-tui serve, not the phases")
	flag.StringVar(&sessions, "sessions", "1,10,50", "with -team: sessions connected in each round, comma-separated")
	flag.Parse()
	def := func(d *time.Duration, full, quick time.Duration) {
		if *d <= 0 {
			*d = full
			if c.quick {
				*d = quick
			}
		}
	}
	defInt := func(n *int, full, quick int) {
		if *n <= 0 {
			*n = full
			if c.quick {
				*n = quick
			}
		}
	}
	def(&c.rssDur, 10*time.Minute, 30*time.Second)
	def(&c.rssEvery, 10*time.Second, 5*time.Second)
	def(&c.idle, 60*time.Second, 20*time.Second)
	def(&c.syncWin, 60*time.Second, 20*time.Second)
	def(&c.settle, 5*time.Second, 3*time.Second)
	defInt(&c.presses, 50, 15)
	if c.team {
		defInt(&c.launches, 5, 3)
		defInt(&c.connectors, 137, 137)
		for _, f := range strings.Split(sessions, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > 500 {
				fmt.Fprintf(os.Stderr, "perf: -sessions: %q is not a number of sessions (1–500)\n", f)
				return 2
			}
			c.teamSessions = append(c.teamSessions, n)
		}
	}
	defInt(&c.launches, 10, 3)
	defInt(&c.connectors, 1200, 1200)
	c.phases = map[string]bool{}
	for _, p := range strings.Split(phases, ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.phases[p] = true
		}
	}
	// Every wait is bounded; this is the bound on the whole run.
	c.deadlineFor = c.idle + c.syncWin + c.rssDur + 6*time.Minute +
		time.Duration(c.presses*4)*3*time.Second + time.Duration(c.launches*2)*20*time.Second
	parent := context.Background()
	if c.team {
		// Build, first paint (each launch up to 20 s, each fresh server up
		// to 20 s to listen and 20 s to paint), then per round up to a
		// minute to connect, the settle and the window.
		c.deadlineFor = 6*time.Minute + time.Duration(c.launches)*70*time.Second +
			time.Duration(len(c.teamSessions))*(c.settle+settleMax+c.idle+90*time.Second)
		// A Ctrl+C ends the run through the cleanup below, which stops the
		// servers and sessions.
		var stop context.CancelFunc
		parent, stop = signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	ctx, cancel := context.WithTimeout(parent, c.deadlineFor)
	defer cancel()

	h := &harness{cfg: c, ctx: ctx, start: time.Now()}
	defer h.cleanup()
	if c.team {
		return h.runTeam()
	}
	if err := h.setup(); err != nil {
		fmt.Fprintln(os.Stderr, "perf:", err)
		return 1
	}
	if err := h.measure(); err != nil {
		fmt.Fprintln(os.Stderr, "perf:", err)
		h.report()
		return 1
	}
	h.report()
	return 0
}

// ---- the harness -----------------------------------------------------------

type harness struct {
	cfg   config
	ctx   context.Context
	start time.Time
	tmp   string

	sandboxCmd  *exec.Cmd
	sandboxURL  string // http://127.0.0.1:port/api/v1
	sandboxKey  string // the key the sandbox printed
	sandboxDone chan struct{}

	names    []string // connector names in list order (pages of 500)
	ids      []string
	baseline []time.Duration // bare GET of the first page

	progs    []*program // floor first when built
	floorErr string
	syncNote string
	failures []string
	sessions []*session // every session started, for cleanup
	servers  []*teamServer
	team     *teamRun // -team: its state and results
	mu       sync.Mutex
}

type program struct {
	name        string
	bin         string
	perPageFlag string
	proxy       *proxy
	res         result
}

type result struct {
	launch, firstByte []time.Duration
	launchQuery       []time.Duration // when the terminal query was seen
	keys              map[string][]time.Duration
	keyMatch          map[string][]time.Duration
	keyMiss           map[string]int
	idle, sync, rss   window
	rssSamples        []rssSample
	notes             []string
}

type window struct {
	ok       bool
	wall     time.Duration
	cpuNs    int64 // from /proc/PID/task/*/schedstat (ns)
	cpuTicks int64 // utime+stime from /proc/PID/stat (clock ticks)
	bytes    int64
	reqs     int
	byRoute  map[string]int
}

type rssSample struct {
	at  time.Duration
	kib int64
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%6.1fs] "+format+"\n", append([]any{time.Since(h.start).Seconds()}, args...)...)
}

func (h *harness) vlogf(format string, args ...any) {
	if h.cfg.verbose {
		h.logf(format, args...)
	}
}
func (h *harness) measure() error {
	steps := []struct {
		name string
		f    func() error
	}{
		{"launch", h.launchPhase},
		{"keys", h.keysPhase},
		{"idle", h.idlePhase},
		{"rss", h.rssPhase},
		{"sync", h.syncPhase}, // last: its syncs drain for a minute or two
	}
	for _, st := range steps {
		if !h.cfg.phases[st.name] {
			continue
		}
		if err := h.ctx.Err(); err != nil {
			return fmt.Errorf("run deadline reached before phase %s", st.name)
		}
		for _, p := range h.progs {
			p.proxy.setPhase(st.name)
		}
		if err := st.f(); err != nil {
			// One phase failing says something about the program; the
			// other phases still measure.
			h.logf("phase %s failed: %v", st.name, err)
			h.failures = append(h.failures, fmt.Sprintf("phase %s: %v", st.name, err))
		}
	}
	if len(h.failures) > 0 {
		return errors.New(strings.Join(h.failures, "; "))
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
