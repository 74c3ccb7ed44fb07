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
//
// It is a measurement tool, not part of the product: nothing imports it.
// Everything stays on loopback, every wait is bounded, and it stops by
// itself. See perf/README.md for the flags.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
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
}

func main() { os.Exit(run()) }

func run() int {
	var c config
	var phases string
	flag.BoolVar(&c.quick, "quick", false, "short windows: about two minutes in all")
	flag.DurationVar(&c.rssDur, "duration", 0, "length of the RSS run (default 10m, 30s with -quick)")
	flag.DurationVar(&c.rssEvery, "rss-every", 0, "RSS sampling interval (default 10s, 5s with -quick)")
	flag.DurationVar(&c.idle, "idle", 0, "idle CPU/bytes/requests window (default 60s, 20s with -quick)")
	flag.DurationVar(&c.syncWin, "sync", 0, "CPU/requests window while a sync runs (default 60s, 20s with -quick)")
	flag.DurationVar(&c.settle, "settle", 0, "wait after start-up before a window opens (default 5s, 3s with -quick)")
	flag.IntVar(&c.presses, "presses", 0, "key presses per latency series (default 50, 15 with -quick)")
	flag.IntVar(&c.launches, "launches", 0, "launches per program (default 10, 3 with -quick)")
	flag.IntVar(&c.connectors, "connectors", 1200, "connectors in the sandbox")
	flag.DurationVar(&c.frame, "frame", 10*time.Millisecond, "output quiet this long after the change = its frame is complete (frames are flushed ≥16.7ms apart)")
	flag.StringVar(&c.repo, "repo", "", "pixee-tui module root (default: the module of the working directory)")
	flag.StringVar(&c.floorDir, "floor", "", "floor source directory (default <repo>/../shared/bench/floor)")
	flag.StringVar(&phases, "phases", "launch,keys,idle,sync,rss", "phases to run, comma-separated")
	flag.BoolVar(&c.answer, "answer-queries", true, "answer OSC 11 (background colour) and DSR (cursor position) queries as a terminal does")
	flag.BoolVar(&c.keep, "keep", false, "keep the temporary directory with the binaries")
	flag.BoolVar(&c.noFloor, "no-floor", false, "do not build or run the floor")
	flag.BoolVar(&c.verbose, "v", false, "log progress details")
	flag.StringVar(&c.dump, "dump", "", "write each session's output (escape sequences removed) to this directory")
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
	defInt(&c.launches, 10, 3)
	c.phases = map[string]bool{}
	for _, p := range strings.Split(phases, ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.phases[p] = true
		}
	}
	// Every wait is bounded; this is the bound on the whole run.
	c.deadlineFor = c.idle + c.syncWin + c.rssDur + 6*time.Minute +
		time.Duration(c.presses*4)*3*time.Second + time.Duration(c.launches*2)*20*time.Second
	ctx, cancel := context.WithTimeout(context.Background(), c.deadlineFor)
	defer cancel()

	h := &harness{cfg: c, ctx: ctx, start: time.Now()}
	defer h.cleanup()
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
	sandboxDone chan struct{}

	names    []string // connector names in list order (pages of 500)
	ids      []string
	baseline []time.Duration // bare GET of the first page

	progs    []*program // floor first when built
	floorErr string
	syncNote string
	failures []string
	sessions []*session // every session started, for cleanup
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
	extra    string
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

func (h *harness) setup() error {
	c := &h.cfg
	if c.repo == "" {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		gomod := strings.TrimSpace(string(out))
		if err != nil || gomod == "" || gomod == os.DevNull {
			return errors.New("not inside the pixee-tui module: run from the repository or pass -repo")
		}
		c.repo = filepath.Dir(gomod)
	}
	if c.floorDir == "" {
		c.floorDir = filepath.Join(c.repo, "..", "shared", "bench", "floor")
	}
	tmp, err := os.MkdirTemp("", "pixee-perf-")
	if err != nil {
		return err
	}
	h.tmp = tmp

	h.logf("building pixee-tui (%s)", c.repo)
	pixeeBin := filepath.Join(tmp, "pixee-tui")
	if err := goBuild(h.ctx, c.repo, pixeeBin); err != nil {
		return fmt.Errorf("building pixee-tui: %w", err)
	}
	var floorBin string
	switch {
	case c.noFloor:
		h.floorErr = "not run (-no-floor)"
	default:
		h.logf("building the floor (%s)", c.floorDir)
		floorBin = filepath.Join(tmp, "floor")
		if _, err := os.Stat(filepath.Join(c.floorDir, "main.go")); err != nil {
			h.floorErr = "no floor source at " + c.floorDir
			floorBin = ""
		} else if err := goBuild(h.ctx, c.floorDir, floorBin); err != nil {
			h.floorErr = "floor did not build: " + firstLine(err.Error())
			floorBin = ""
		}
	}
	if h.floorErr != "" {
		h.logf("floor columns will be n/a: %s", h.floorErr)
	}

	if err := h.startSandbox(pixeeBin); err != nil {
		return err
	}
	if floorBin != "" {
		h.progs = append(h.progs, &program{name: floorName, bin: floorBin, perPageFlag: "-per-page"})
	}
	h.progs = append(h.progs, &program{name: pixeeName, bin: pixeeBin, perPageFlag: "--per-page"})
	for _, p := range h.progs {
		px, err := newProxy(p.name, h.sandboxURL)
		if err != nil {
			return err
		}
		p.proxy = px
		p.res.keys = map[string][]time.Duration{}
		p.res.keyMatch = map[string][]time.Duration{}
		p.res.keyMiss = map[string]int{}
	}
	return h.loadCatalog()
}

func goBuild(ctx context.Context, dir, out string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ".")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(b)))
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// startSandbox serves `pixee-tui sandbox` on a free loopback port, with no
// auto-syncs (nothing pending unless the harness queues a sync) and no rate
// limits (nothing measured is throttled).
func (h *harness) startSandbox(bin string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "sandbox", "--addr", addr, "--connectors", strconv.Itoa(h.cfg.connectors),
		"--no-autosync", "--read-limit", "-1", "--write-limit", "-1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the sandbox: %w", err)
	}
	h.sandboxCmd = cmd
	h.sandboxDone = make(chan struct{})
	urlCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			if u, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "PIXEE_BASE_URL="); ok && !sent {
				urlCh <- u
				sent = true
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(h.sandboxDone) }()
	select {
	case u := <-urlCh:
		h.sandboxURL = u
	case <-h.sandboxDone:
		return errors.New("the sandbox exited before serving")
	case <-time.After(15 * time.Second):
		return errors.New("the sandbox did not start in 15s")
	}
	h.logf("sandbox on %s (%d connectors, no auto-sync, no rate limits)", h.sandboxURL, h.cfg.connectors)
	return nil
}

// loadCatalog reads every connector name in list order straight from the
// sandbox (not through a proxy), to know what each screen must show, and
// times bare GETs of the first page through a proxy as a baseline.
func (h *harness) loadCatalog() error {
	client := &http.Client{Timeout: 10 * time.Second}
	for skip := 0; skip < h.cfg.connectors; skip += 500 {
		var page struct {
			Items []struct{ ID, Name string }
		}
		if err := getJSON(client, fmt.Sprintf("%s/connectors?skip=%d&limit=500", h.sandboxURL, skip), &page); err != nil {
			return fmt.Errorf("reading the catalog: %w", err)
		}
		for _, it := range page.Items {
			h.ids = append(h.ids, it.ID)
			h.names = append(h.names, it.Name)
		}
	}
	if len(h.names) < 501 {
		return fmt.Errorf("the sandbox has %d connectors; the key phases need more than 500 (-connectors)", len(h.names))
	}
	// A fresh connection each time, as a program that just started has,
	// through a proxy of its own so the programs' counts stay theirs.
	px, err := newProxy("baseline", h.sandboxURL)
	if err != nil {
		return err
	}
	defer px.close()
	for range 10 {
		tr := &http.Transport{}
		c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		t0 := time.Now()
		var page struct{ Items []json.RawMessage }
		err := getJSON(c, px.url+basePath+"/connectors?skip=0&limit=50", &page)
		d := time.Since(t0)
		tr.CloseIdleConnections()
		if err != nil {
			return fmt.Errorf("baseline GET: %w", err)
		}
		h.baseline = append(h.baseline, d)
	}
	return nil
}

func getJSON(c *http.Client, u string, out any) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body) // to the end, so the answer is complete when we return
	return err
}

func (h *harness) cleanup() {
	h.mu.Lock()
	ss := slices.Clone(h.sessions)
	h.mu.Unlock()
	for _, s := range ss {
		s.stop()
	}
	for _, p := range h.progs {
		if p.proxy != nil {
			p.proxy.close()
		}
	}
	if h.sandboxCmd != nil && h.sandboxCmd.Process != nil {
		_ = h.sandboxCmd.Process.Signal(os.Interrupt)
		select {
		case <-h.sandboxDone:
		case <-time.After(8 * time.Second):
			_ = h.sandboxCmd.Process.Kill()
			<-h.sandboxDone
		}
	}
	if h.tmp != "" {
		if h.cfg.keep {
			h.logf("kept %s", h.tmp)
		} else {
			os.RemoveAll(h.tmp)
		}
	}
}

func (h *harness) prog(name string) *program {
	for _, p := range h.progs {
		if p.name == name {
			return p
		}
	}
	return nil
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

// start runs a program in a fresh pseudo-terminal. perPage 0 keeps its
// default page size.
func (h *harness) launch(p *program, perPage int) (*session, error) {
	var args []string
	if perPage > 0 {
		args = []string{p.perPageFlag, strconv.Itoa(perPage)}
	}
	s, err := startSession(p.name, p.bin, args, p.proxy.url+basePath, h.cfg.answer)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.sessions = append(h.sessions, s)
	if h.cfg.dump != "" {
		s.dump = filepath.Join(h.cfg.dump, fmt.Sprintf("%02d-%s.txt", len(h.sessions), p.name))
	}
	h.mu.Unlock()
	return s, nil
}

// namePrefix is what of a connector name any column shows: its first 24
// bytes, cut on a character boundary.
func namePrefix(s string) string {
	if len(s) <= 24 {
		return s
	}
	n := 24
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ---- launch ------------------------------------------------------------------

func (h *harness) launchPhase() error {
	want := namePrefix(h.names[0])
	h.logf("launch: %d launches per program, until %q is on screen", h.cfg.launches, want)
	for i := 0; i < h.cfg.launches; i++ {
		for _, p := range h.progs {
			s, err := h.launch(p, 0)
			if err != nil {
				return err
			}
			at, ok := s.waitFor(want, 0, s.started.Add(20*time.Second))
			if !ok {
				p.res.notes = append(p.res.notes, fmt.Sprintf("launch %d: no connector name within 20s", i+1))
				s.stop()
				continue
			}
			p.res.launch = append(p.res.launch, at.Sub(s.started))
			p.res.firstByte = append(p.res.firstByte, s.firstByte().Sub(s.started))
			if q := s.firstQuery(); !q.IsZero() {
				p.res.launchQuery = append(p.res.launchQuery, q.Sub(s.started))
			}
			h.vlogf("  %s launch %d: %v (first byte %v, queries %v)", p.name, i+1,
				at.Sub(s.started).Round(time.Millisecond), s.firstByte().Sub(s.started).Round(time.Millisecond), s.queryLog())
			s.waitQuiet(100*time.Millisecond, time.Now(), time.Now().Add(2*time.Second))
			s.stop()
		}
	}
	return nil
}

// ---- keys ----------------------------------------------------------------------

func (h *harness) keysPhase() error {
	n := h.cfg.presses
	h.logf("keys: %d presses per series, 500 rows a page", n)
	for _, p := range h.progs {
		s, err := h.launch(p, 500)
		if err != nil {
			return err
		}
		ready := namePrefix(h.names[0])
		if p.name == pixeeName {
			ready = "page 1/"
		}
		if _, ok := s.waitFor(ready, 0, time.Now().Add(20*time.Second)); !ok {
			s.stop()
			return fmt.Errorf("%s: first page not on screen within 20s", p.name)
		}
		s.waitQuiet(500*time.Millisecond, time.Now(), time.Now().Add(5*time.Second))

		// j: the cursor moves one row; the new row must be drawn selected.
		for i := 0; i < n && i+1 < 500; i++ {
			want := namePrefix(h.names[i+1])
			if p.name == pixeeName {
				want = "▶ " + want
			}
			h.press(p, s, "j", "j", want)
		}
		if p.name == pixeeName {
			// ]: page 2 arrives and its first row is drawn selected; [
			// (not measured) goes back.
			for range n {
				h.press(p, s, "]", "]", "▶ "+namePrefix(h.names[500]))
				h.unmeasured(s, "[", "▶ "+namePrefix(h.names[0]))
			}
			// s: the form opens; esc (not measured) closes it.
			for range n {
				h.press(p, s, "s", "s", "Sync EANs to")
				h.unmeasured(s, "\x1b", "")
			}
		}
		s.stop()
	}
	return nil
}

// press writes one key and records the time until the expected text is on
// screen and the frame that holds it is complete; then it lets the program
// settle (a debounced detail fetch, say) before the next press.
func (h *harness) press(p *program, s *session, label, key, want string) {
	// A person's key lands anywhere between two renderer ticks (60 a
	// second). Without this the press would always follow the settle wait
	// by a fixed time, in a fixed phase of the tick, and every sample would
	// wait the same part of a frame.
	time.Sleep(time.Duration(rand.Int64N(int64(50 * time.Millisecond))))
	lat, match, ok := s.press(key, want, h.cfg.frame, 5*time.Second)
	if ok {
		p.res.keys[label] = append(p.res.keys[label], lat)
		p.res.keyMatch[label] = append(p.res.keyMatch[label], match)
	} else {
		p.res.keyMiss[label]++
	}
	h.vlogf("  %s %q: %v (match %v) ok=%v", p.name, label, lat.Round(100*time.Microsecond), match.Round(100*time.Microsecond), ok)
	s.waitQuiet(300*time.Millisecond, time.Now(), time.Now().Add(3*time.Second))
}

func (h *harness) unmeasured(s *session, key, want string) {
	mark := s.offset()
	t0 := time.Now()
	s.write(key)
	if want != "" {
		s.waitFor(want, mark, t0.Add(5*time.Second))
	}
	s.waitQuiet(300*time.Millisecond, t0, t0.Add(3*time.Second))
}

// ---- idle and sync ---------------------------------------------------------------

// startAll runs every program with the given page size and waits until
// each shows the first connector, then lets them settle.
func (h *harness) startAll(perPage int) (map[string]*session, error) {
	sess := map[string]*session{}
	for _, p := range h.progs {
		s, err := h.launch(p, perPage)
		if err != nil {
			return sess, err
		}
		sess[p.name] = s
	}
	for _, p := range h.progs {
		if _, ok := sess[p.name].waitFor(namePrefix(h.names[0]), 0, time.Now().Add(20*time.Second)); !ok {
			return sess, fmt.Errorf("%s: no connector name within 20s; its screen ends with %q", p.name, sess[p.name].tail(300))
		}
	}
	sleepCtx(h.ctx, h.cfg.settle)
	return sess, nil
}

// idlePhase runs both programs side by side with their defaults and nothing
// pending (the sandbox has no auto-syncs and no sync has been queued yet).
func (h *harness) idlePhase() error {
	sess, err := h.startAll(0)
	defer func() {
		for _, s := range sess {
			s.stop()
		}
	}()
	if err != nil {
		return err
	}
	h.logf("idle: %v window, both programs side by side, defaults, nothing pending", h.cfg.idle)
	h.windowAll(sess, h.cfg.idle, func(p *program, w window) { p.res.idle = w })
	return nil
}

// syncPhase runs pixee-tui with its defaults (2 s refresh while a sync
// runs), queues whole-catalog syncs of the selected connector straight on
// the sandbox, as another user or the PIM would, and measures while pending
// drains. It runs last: the syncs it queues would otherwise still be
// draining in later phases.
func (h *harness) syncPhase() error {
	px := h.prog(pixeeName)
	s, err := h.launch(px, 0)
	if err != nil {
		return err
	}
	defer s.stop()
	if _, ok := s.waitFor(namePrefix(h.names[0]), 0, time.Now().Add(20*time.Second)); !ok {
		return fmt.Errorf("%s: no connector name within 20s", px.name)
	}
	sleepCtx(h.ctx, h.cfg.settle)
	// A whole-catalog sync of the first connector (selected at start)
	// drains in about a minute: queue enough back to back to cover the
	// wait for pixee-tui to notice (its idle refresh is 10 s) and the window.
	id := h.ids[0]
	n := max(int(math.Ceil((h.cfg.syncWin.Seconds()+20)/45)), 1)
	mark := s.offset()
	for range n {
		if err := postSync(h.sandboxURL, id); err != nil {
			return fmt.Errorf("queuing a sync: %w", err)
		}
	}
	h.logf("sync: queued %d whole-catalog syncs of %s on the sandbox; waiting for pixee-tui to show progress", n, id)
	if _, ok := s.waitFor("products/s", mark, time.Now().Add(25*time.Second)); !ok {
		if _, ok := s.waitFor("measuring throughput", mark, time.Now()); !ok {
			return errors.New("pixee-tui showed no sync progress within 25s")
		}
	}
	sleepCtx(h.ctx, time.Second)
	before := pending(h.sandboxURL, id)
	h.logf("sync: %v window, pending %d at start", h.cfg.syncWin, before)
	h.windowAll(map[string]*session{pixeeName: s}, h.cfg.syncWin, func(p *program, w window) { p.res.sync = w })
	after := pending(h.sandboxURL, id)
	h.syncNote = fmt.Sprintf("pending %d → %d over the sync window (progress moving: %v)", before, after, after < before && after > 0)
	return nil
}

// windowAll measures each session over the same wall-clock window.
func (h *harness) windowAll(sess map[string]*session, d time.Duration, set func(*program, window)) {
	type snap struct {
		ns, ticks, bytes int64
	}
	start := map[string]snap{}
	t0 := time.Now()
	for name, s := range sess {
		h.prog(name).proxy.reset()
		ns, _ := cpuNs(s.pid())
		ticks, _ := cpuTicks(s.pid())
		start[name] = snap{ns, ticks, s.bytes()}
	}
	sleepCtx(h.ctx, d)
	wall := time.Since(t0)
	for name, s := range sess {
		p := h.prog(name)
		ns, err1 := cpuNs(s.pid())
		ticks, err2 := cpuTicks(s.pid())
		st := p.proxy.snapshot()
		w := window{ok: err1 == nil && err2 == nil && s.alive(), wall: wall,
			cpuNs: ns - start[name].ns, cpuTicks: ticks - start[name].ticks,
			bytes: s.bytes() - start[name].bytes, reqs: st.total, byRoute: st.byRoute}
		set(p, w)
		h.vlogf("  %s: cpu %v (%d ticks), %d bytes, %d requests %v", name,
			time.Duration(w.cpuNs).Round(time.Millisecond), w.cpuTicks, w.bytes, w.reqs, w.byRoute)
	}
}

func postSync(base, id string) error {
	req, err := http.NewRequest(http.MethodPost, base+"/connectors/"+url.PathEscape(id)+"/sync", strings.NewReader("{}"))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return errors.New(resp.Status)
	}
	return nil
}

func pending(base, id string) int {
	var d struct {
		SyncStats struct {
			ProductsPending int `json:"products_pending"`
		} `json:"sync_stats"`
	}
	if err := getJSON(&http.Client{Timeout: 10 * time.Second}, base+"/connectors/"+url.PathEscape(id), &d); err != nil {
		return -1
	}
	return d.SyncStats.ProductsPending
}

// ---- RSS -----------------------------------------------------------------------

func (h *harness) rssPhase() error {
	h.logf("rss: %v run, both programs side by side, 500 rows a page, a sample every %v", h.cfg.rssDur, h.cfg.rssEvery)
	sess, err := h.startAll(500)
	defer func() {
		for _, s := range sess {
			s.stop()
		}
	}()
	if err != nil {
		return err
	}
	type snap struct{ ns, ticks, bytes int64 }
	start := map[string]snap{}
	for name, s := range sess {
		h.prog(name).proxy.reset()
		ns, _ := cpuNs(s.pid())
		ticks, _ := cpuTicks(s.pid())
		start[name] = snap{ns, ticks, s.bytes()}
	}
	t0 := time.Now()
	for {
		at := time.Since(t0)
		for name, s := range sess {
			if kib, err := rssKiB(s.pid()); err == nil {
				p := h.prog(name)
				p.res.rssSamples = append(p.res.rssSamples, rssSample{at: at, kib: kib})
			}
		}
		if at >= h.cfg.rssDur || h.ctx.Err() != nil {
			break
		}
		next := min(h.cfg.rssEvery, h.cfg.rssDur-at)
		if next <= 0 {
			break
		}
		sleepCtx(h.ctx, next)
		if h.cfg.verbose {
			var parts []string
			for _, p := range h.progs {
				if n := len(p.res.rssSamples); n > 0 {
					parts = append(parts, fmt.Sprintf("%s %d KiB", p.name, p.res.rssSamples[n-1].kib))
				}
			}
			h.vlogf("  rss at %v: %s", time.Since(t0).Round(time.Second), strings.Join(parts, ", "))
		}
	}
	wall := time.Since(t0)
	for name, s := range sess {
		p := h.prog(name)
		ns, _ := cpuNs(s.pid())
		ticks, _ := cpuTicks(s.pid())
		st := p.proxy.snapshot()
		p.res.rss = window{ok: s.alive(), wall: wall, cpuNs: ns - start[name].ns, cpuTicks: ticks - start[name].ticks,
			bytes: s.bytes() - start[name].bytes, reqs: st.total, byRoute: st.byRoute}
		s.stop()
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

// ---- /proc -----------------------------------------------------------------------

// cpuTicks is utime+stime of the process in clock ticks (1/100 s here).
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("bad stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short stat")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	s, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, errors.New("bad stat fields")
	}
	return u + s, nil
}

// cpuNs is the CPU time of every thread of the process in nanoseconds, from
// the scheduler's own accounting: /proc/PID/stat counts in 10 ms ticks, too
// coarse for an idle program over a short window.
func cpuNs(pid int) (int64, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, errors.New("no schedstat")
	}
	var sum int64
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that just ended
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err == nil {
			sum += n
		}
	}
	return sum, nil
}

func rssKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				return strconv.ParseInt(f[0], 10, 64)
			}
		}
	}
	return 0, errors.New("no VmRSS")
}

// ---- the counting proxy ----------------------------------------------------------

// proxy forwards to the sandbox and counts what passes: requests by route,
// and requests in flight at once per target (the list, one connector's
// detail, one connector's sync).
type proxy struct {
	name string
	url  string
	srv  *http.Server
	ln   net.Listener

	mu        sync.Mutex
	phase     string // what the harness is doing, for overlap reports
	total     int
	byRoute   map[string]int
	inFlight  map[string]int
	maxFlight map[string]int // over the whole run
	overlaps  []string       // the first few moments a target had two requests out
}

type proxyStats struct {
	total   int
	byRoute map[string]int
}

func newProxy(name, sandboxURL string) (*proxy, error) {
	u, err := url.Parse(sandboxURL)
	if err != nil {
		return nil, err
	}
	target := &url.URL{Scheme: u.Scheme, Host: u.Host}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second}
	rp.ErrorLog = log.New(io.Discard, "", 0) // a program quitting mid-request is not news
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{name: name, url: "http://" + ln.Addr().String(), ln: ln,
		byRoute: map[string]int{}, inFlight: map[string]int{}, maxFlight: map[string]int{}}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, tgt := classify(r.Method, r.URL.Path)
		p.mu.Lock()
		p.total++
		p.byRoute[route]++
		p.inFlight[tgt]++
		if p.inFlight[tgt] > p.maxFlight[tgt] {
			p.maxFlight[tgt] = p.inFlight[tgt]
		}
		if p.inFlight[tgt] > 1 && len(p.overlaps) < 10 {
			p.overlaps = append(p.overlaps, fmt.Sprintf("%d in flight for %s during %s (%s %s at %s)",
				p.inFlight[tgt], shortTarget(tgt), p.phase, r.Method, r.URL.RequestURI(), time.Now().Format("15:04:05.000")))
		}
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			p.inFlight[tgt]--
			p.mu.Unlock()
		}()
		rp.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func classify(method, path string) (route, target string) {
	p := strings.TrimPrefix(path, basePath)
	switch {
	case p == "/connectors" || p == "/connectors/":
		return method + " /connectors", "list"
	case strings.HasPrefix(p, "/connectors/"):
		rest := strings.TrimPrefix(p, "/connectors/")
		if id, ok := strings.CutSuffix(rest, "/sync"); ok {
			return method + " /connectors/{id}/sync", "sync " + id
		}
		return method + " /connectors/{id}", "detail " + rest
	}
	return method + " (other)", "other"
}

func (p *proxy) setPhase(s string) {
	p.mu.Lock()
	p.phase = s
	p.mu.Unlock()
}

func (p *proxy) overlapLog() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.overlaps)
}

func (p *proxy) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = 0
	clear(p.byRoute)
}

func (p *proxy) snapshot() proxyStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := proxyStats{total: p.total, byRoute: map[string]int{}}
	for k, v := range p.byRoute {
		st.byRoute[k] = v
	}
	return st
}

// maxInFlight is the most requests one target had out at once, and which.
func (p *proxy) maxInFlight() (int, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	best, which := 0, ""
	keys := make([]string, 0, len(p.maxFlight))
	for k := range p.maxFlight {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := p.maxFlight[k]; v > best {
			best, which = v, k
		}
	}
	return best, which
}

func (p *proxy) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = p.srv.Shutdown(ctx)
}

// ---- a program in a pseudo-terminal -------------------------------------------------

// session is one program running in a pty. A reader goroutine keeps every
// byte count, the text of the output with escape sequences removed (for
// "is X on screen yet"), the arrival time of each read, and answers the
// terminal queries a real terminal answers.
type session struct {
	name    string
	cmd     *exec.Cmd
	pty     *os.File
	started time.Time
	exited  chan struct{}
	readEnd chan struct{}
	answer  bool
	dump    string // file to write the output text to when stopped

	mu        sync.Mutex
	total     int64
	text      []byte // stripped output; text[0] is at offset base
	base      int64
	chunks    []chunk
	lastOut   time.Time
	first     time.Time
	queries   []string
	queryAt   time.Time
	qtail     []byte
	strip     stripper
	notify    chan struct{}
	stopOnce  sync.Once
	writeLock sync.Mutex
}

type chunk struct {
	end int64 // text offset after this read
	at  time.Time
}

func startSession(name, bin string, args []string, baseURL string, answer bool) (*session, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
		"PIXEE_BASE_URL=" + baseURL,
		"PIXEE_API_KEY=" + apiKey,
	}
	s := &session{name: name, cmd: cmd, exited: make(chan struct{}), readEnd: make(chan struct{}),
		notify: make(chan struct{}, 1), answer: answer}
	s.started = time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: termRows, Cols: termCols})
	if err != nil {
		return nil, fmt.Errorf("starting %s in a pty: %w", name, err)
	}
	s.pty = f
	go func() { _ = cmd.Wait(); close(s.exited) }()
	go s.read()
	return s, nil
}

func (s *session) pid() int { return s.cmd.Process.Pid }

func (s *session) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

var (
	oscBackground = []byte("\x1b]11;?")
	oscForeground = []byte("\x1b]10;?")
	dsrCursor     = []byte("\x1b[6n")
)

func (s *session) read() {
	defer close(s.readEnd)
	buf := make([]byte, 64<<10)
	for {
		n, err := s.pty.Read(buf)
		if n > 0 {
			now := time.Now()
			var replies [][]byte
			s.mu.Lock()
			if s.first.IsZero() {
				s.first = now
			}
			s.total += int64(n)
			s.lastOut = now
			s.text = s.strip.feed(s.text, buf[:n])
			if len(s.text) > 4<<20 { // keep the last MiB: waits look only at recent output
				drop := len(s.text) - 1<<20
				s.text = append(s.text[:0], s.text[drop:]...)
				s.base += int64(drop)
			}
			end := s.base + int64(len(s.text))
			s.chunks = append(s.chunks, chunk{end: end, at: now})
			if len(s.chunks) > 1<<14 {
				s.chunks = append(s.chunks[:0], s.chunks[len(s.chunks)-1<<12:]...)
			}
			// Terminal queries, possibly split across reads.
			scan := append(slices.Clone(s.qtail), buf[:n]...)
			for _, q := range []struct {
				seq, reply []byte
				name       string
			}{
				{oscBackground, []byte("\x1b]11;rgb:0000/0000/0000\x1b\\"), "OSC 11"},
				{oscForeground, []byte("\x1b]10;rgb:ffff/ffff/ffff\x1b\\"), "OSC 10"},
				{dsrCursor, []byte("\x1b[1;1R"), "DSR"},
			} {
				for i := 0; ; {
					j := bytes.Index(scan[i:], q.seq)
					if j < 0 {
						break
					}
					if i+j+len(q.seq) > len(s.qtail) { // not already seen in the tail
						s.queries = append(s.queries, fmt.Sprintf("%s@%v", q.name, now.Sub(s.started).Round(time.Millisecond)))
						if s.queryAt.IsZero() {
							s.queryAt = now
						}
						if s.answer {
							replies = append(replies, q.reply)
						}
					}
					i += j + 1
				}
			}
			if len(scan) > 8 {
				scan = scan[len(scan)-8:]
			}
			s.qtail = append(s.qtail[:0], scan...)
			s.mu.Unlock()
			for _, r := range replies {
				s.write(string(r))
			}
			select {
			case s.notify <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

func (s *session) write(k string) {
	s.writeLock.Lock()
	defer s.writeLock.Unlock()
	_, _ = s.pty.Write([]byte(k))
}

// tail is the last n bytes of the output text.
func (s *session) tail(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.text[max(len(s.text)-n, 0):])
}

func (s *session) offset() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.base + int64(len(s.text))
}

func (s *session) bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

func (s *session) firstByte() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first
}

func (s *session) firstQuery() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queryAt
}

func (s *session) queryLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.queries)
}

// waitFor waits until want appears in the output from offset since on, and
// returns the arrival time of the read that completed it.
func (s *session) waitFor(want string, since int64, deadline time.Time) (time.Time, bool) {
	w := []byte(want)
	for {
		s.mu.Lock()
		from := max(since-s.base, 0)
		if from <= int64(len(s.text)) {
			if i := bytes.Index(s.text[from:], w); i >= 0 {
				end := s.base + from + int64(i+len(w))
				at := s.lastOut
				for _, c := range s.chunks {
					if c.end >= end {
						at = c.at
						break
					}
				}
				s.mu.Unlock()
				return at, true
			}
		}
		s.mu.Unlock()
		d := time.Until(deadline)
		if d <= 0 {
			return time.Time{}, false
		}
		t := time.NewTimer(d)
		select {
		case <-s.notify:
		case <-s.readEnd:
			t.Stop()
			// Nothing more will come; one last look.
			deadline = time.Now()
			continue
		case <-t.C:
		}
		t.Stop()
	}
}

// waitQuiet waits until the program has written nothing for gap, counting
// from since at the earliest (a key just sent may not have been answered
// yet), and returns the time of its last write.
func (s *session) waitQuiet(gap time.Duration, since, deadline time.Time) time.Time {
	for {
		s.mu.Lock()
		last := s.lastOut
		s.mu.Unlock()
		from := last
		if since.After(from) {
			from = since
		}
		idle := time.Since(from)
		if idle >= gap || time.Now().After(deadline) {
			return last
		}
		time.Sleep(gap - idle)
	}
}

// press writes key and measures until want is on screen and the frame is
// complete (the output then stays quiet for frame).
func (s *session) press(key, want string, frame, timeout time.Duration) (lat, match time.Duration, ok bool) {
	mark := s.offset()
	t0 := time.Now()
	s.write(key)
	mt, ok := s.waitFor(want, mark, t0.Add(timeout))
	if !ok {
		return 0, 0, false
	}
	end := s.waitQuiet(frame, mt, t0.Add(timeout))
	if end.Before(mt) {
		end = mt
	}
	return end.Sub(t0), mt.Sub(t0), true
}

// stop asks the program to quit with ctrl+c and kills it if it does not.
func (s *session) stop() {
	s.stopOnce.Do(func() {
		if s.alive() {
			s.write("\x03")
			select {
			case <-s.exited:
			case <-time.After(3 * time.Second):
				_ = s.cmd.Process.Kill()
				<-s.exited
			}
		}
		s.pty.Close()
		select {
		case <-s.readEnd:
		case <-time.After(2 * time.Second):
		}
		if s.dump != "" {
			s.mu.Lock()
			_ = os.MkdirAll(filepath.Dir(s.dump), 0o755)
			_ = os.WriteFile(s.dump, s.text, 0o644)
			s.mu.Unlock()
		}
	})
}

// stripper removes escape sequences and control characters from a byte
// stream, across reads, leaving the text a person would see (and newlines).
type stripper struct{ st int }

const (
	stGround = iota
	stEsc
	stCSI
	stOSC
	stOSCEsc
	stStr
	stStrEsc
	stCharset
)

func (p *stripper) feed(dst, src []byte) []byte {
	for _, c := range src {
		switch p.st {
		case stGround:
			switch {
			case c == 0x1b:
				p.st = stEsc
			case c == '\n':
				dst = append(dst, '\n')
			case c < 0x20 || c == 0x7f:
			default:
				dst = append(dst, c)
			}
		case stEsc:
			switch c {
			case '[':
				p.st = stCSI
			case ']':
				p.st = stOSC
			case 'P', 'X', '^', '_':
				p.st = stStr
			case '(', ')', '*', '+', '#', '%':
				p.st = stCharset
			default:
				p.st = stGround
			}
		case stCSI:
			if c >= 0x40 && c <= 0x7e {
				p.st = stGround
			}
		case stOSC:
			switch c {
			case 0x07:
				p.st = stGround
			case 0x1b:
				p.st = stOSCEsc
			}
		case stStr:
			if c == 0x1b {
				p.st = stStrEsc
			}
		case stOSCEsc, stStrEsc, stCharset:
			p.st = stGround
		}
	}
	return dst
}

// ---- the report ----------------------------------------------------------------

func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	// Nearest rank.
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) }

type row struct {
	metric, floor, pixee, ratio, target, verdict string
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func (w window) perMin(n float64) float64 { return n / w.wall.Minutes() }

// cpuPct is CPU time as a percentage of one core over the window.
func (w window) cpuPct() float64 { return float64(w.cpuNs) / float64(w.wall) * 100 }

func (w window) ticksPct() float64 {
	return float64(w.cpuTicks) * 10e6 / float64(w.wall) * 100 // 100 ticks a second
}

func ratioStr(a, b float64) (string, float64) {
	if b <= 0 || math.IsNaN(a) || math.IsNaN(b) {
		return "n/a", math.NaN()
	}
	r := a / b
	return strconv.FormatFloat(r, 'f', 2, 64) + "x", r
}

func (h *harness) report() {
	f, px := h.prog(floorName), h.prog(pixeeName)
	na := "n/a"
	var rows []row
	add := func(r row) { rows = append(rows, r) }

	if px != nil && len(px.res.launch) > 0 {
		r := row{metric: "launch → first connector name (median ms)", pixee: ms(quantile(px.res.launch, 0.5)),
			floor: na, ratio: na, target: "≤ 1.5x floor", verdict: "?"}
		if f != nil && len(f.res.launch) > 0 {
			r.floor = ms(quantile(f.res.launch, 0.5))
			var x float64
			r.ratio, x = ratioStr(float64(quantile(px.res.launch, 0.5)), float64(quantile(f.res.launch, 0.5)))
			r.verdict = verdict(x <= 1.5)
		}
		add(r)
	}
	keyRow := func(label, name string) {
		if px == nil || len(px.res.keys[label]) == 0 {
			return
		}
		p50, p95 := quantile(px.res.keys[label], 0.5), quantile(px.res.keys[label], 0.95)
		r := row{metric: "key " + name + ", 500 rows (p50 / p95 ms)", pixee: ms(p50) + " / " + ms(p95),
			floor: na, ratio: "-", target: "p95 ≤ 25 ms", verdict: verdict(p95 <= 25*time.Millisecond && px.res.keyMiss[label] == 0)}
		if f != nil && len(f.res.keys[label]) > 0 {
			r.floor = ms(quantile(f.res.keys[label], 0.5)) + " / " + ms(quantile(f.res.keys[label], 0.95))
		}
		add(r)
	}
	keyRow("j", "j")
	keyRow("]", "] next page")
	keyRow("s", "s open form")

	if px != nil && px.res.idle.ok {
		r := row{metric: "CPU idle, defaults (% of a core)", pixee: fmt.Sprintf("%.3f", px.res.idle.cpuPct()),
			floor: na, ratio: na, target: "≤ 1.25x floor", verdict: "?"}
		if f != nil && f.res.idle.ok {
			r.floor = fmt.Sprintf("%.3f", f.res.idle.cpuPct())
			var x float64
			r.ratio, x = ratioStr(px.res.idle.cpuPct(), f.res.idle.cpuPct())
			r.verdict = verdict(x <= 1.25)
		}
		add(r)
	}
	if px != nil && px.res.sync.ok {
		r := row{metric: "CPU while a sync runs (% of a core; floor: idle)", pixee: fmt.Sprintf("%.3f", px.res.sync.cpuPct()),
			floor: na, ratio: na, target: "≤ 2x floor idle", verdict: "?"}
		if f != nil && f.res.idle.ok {
			r.floor = fmt.Sprintf("%.3f", f.res.idle.cpuPct())
			var x float64
			r.ratio, x = ratioStr(px.res.sync.cpuPct(), f.res.idle.cpuPct())
			r.verdict = verdict(x <= 2)
		}
		add(r)
	}
	if px != nil && px.res.idle.ok {
		r := row{metric: "bytes to the terminal per idle minute", pixee: fmt.Sprintf("%.0f", px.res.idle.perMin(float64(px.res.idle.bytes))),
			floor: na, ratio: na, target: "≤ 2x floor", verdict: "?"}
		if f != nil && f.res.idle.ok {
			r.floor = fmt.Sprintf("%.0f", f.res.idle.perMin(float64(f.res.idle.bytes)))
			var x float64
			r.ratio, x = ratioStr(px.res.idle.perMin(float64(px.res.idle.bytes)), f.res.idle.perMin(float64(f.res.idle.bytes)))
			r.verdict = verdict(x <= 2)
		}
		add(r)
	}
	rssOf := func(p *program) (first, last, peak int64, growth float64, ok bool) {
		if p == nil || len(p.res.rssSamples) < 2 {
			return 0, 0, 0, 0, false
		}
		s := p.res.rssSamples
		first, last = s[0].kib, s[len(s)-1].kib
		for _, x := range s {
			peak = max(peak, x.kib)
		}
		return first, last, peak, float64(last-first) / float64(first) * 100, true
	}
	if pf, pl, _, pg, ok := rssOf(px); ok {
		r := row{metric: "RSS, 500-row page (MiB, last sample)", pixee: fmt.Sprintf("%.1f", float64(pl)/1024),
			floor: na, ratio: na, target: "≤ 2.5x floor", verdict: "?"}
		ff, fl, _, fg, fok := rssOf(f)
		if fok {
			r.floor = fmt.Sprintf("%.1f", float64(fl)/1024)
			var x float64
			r.ratio, x = ratioStr(float64(pl), float64(fl))
			r.verdict = verdict(x <= 2.5)
		}
		add(r)
		g := row{metric: fmt.Sprintf("RSS growth over %v (first → last)", px.res.rss.wall.Round(time.Second)),
			pixee: fmt.Sprintf("%+.1f%% (%.1f→%.1f)", pg, float64(pf)/1024, float64(pl)/1024), floor: na, ratio: "-",
			target: "≤ 5 %", verdict: verdict(pg <= 5)}
		if fok {
			g.floor = fmt.Sprintf("%+.1f%% (%.1f→%.1f)", fg, float64(ff)/1024, float64(fl)/1024)
		}
		add(g)
		// A Go heap grows to its GC target in the first minute: the same
		// figure from the sample at one minute (or mid-run, if shorter) says
		// whether it is flat afterwards.
		warm := func(p *program) (from, to rssSample, ok bool) {
			if p == nil || len(p.res.rssSamples) < 3 {
				return from, to, false
			}
			s := p.res.rssSamples
			i := len(s) / 2
			for j, x := range s {
				if x.at >= time.Minute && j < len(s)-1 {
					i = min(i, j)
					break
				}
			}
			return s[i], s[len(s)-1], true
		}
		if a, z, ok := warm(px); ok {
			pg := float64(z.kib-a.kib) / float64(a.kib) * 100
			w := row{metric: fmt.Sprintf("RSS growth after warm-up (%v → %v)", a.at.Round(time.Second), z.at.Round(time.Second)),
				pixee: fmt.Sprintf("%+.1f%% (%.1f→%.1f)", pg, float64(a.kib)/1024, float64(z.kib)/1024), floor: na, ratio: "-",
				target: "≤ 5 %", verdict: verdict(pg <= 5)}
			if fa, fz, ok := warm(f); ok {
				w.floor = fmt.Sprintf("%+.1f%% (%.1f→%.1f)", float64(fz.kib-fa.kib)/float64(fa.kib)*100, float64(fa.kib)/1024, float64(fz.kib)/1024)
			}
			add(w)
		}
	}
	if px != nil && px.res.idle.ok {
		r := row{metric: "API requests per minute, idle", pixee: fmt.Sprintf("%.1f", px.res.idle.perMin(float64(px.res.idle.reqs))),
			floor: na, ratio: "-", target: "≤ 10", verdict: verdict(px.res.idle.perMin(float64(px.res.idle.reqs)) <= 10)}
		if f != nil && f.res.idle.ok {
			r.floor = fmt.Sprintf("%.1f", f.res.idle.perMin(float64(f.res.idle.reqs)))
		}
		add(r)
	}
	if px != nil && px.res.sync.ok {
		add(row{metric: "API requests per minute, sync running", pixee: fmt.Sprintf("%.1f", px.res.sync.perMin(float64(px.res.sync.reqs))),
			floor: na, ratio: "-", target: "≤ 35", verdict: verdict(px.res.sync.perMin(float64(px.res.sync.reqs)) <= 35)})
	}
	if px != nil && px.proxy != nil {
		n, which := px.proxy.maxInFlight()
		r := row{metric: "max requests in flight per target (whole run)", pixee: fmt.Sprintf("%d (%s)", n, shortTarget(which)),
			floor: na, ratio: "-", target: "≤ 1", verdict: verdict(n <= 1)}
		if f != nil && f.proxy != nil {
			fn, fw := f.proxy.maxInFlight()
			r.floor = fmt.Sprintf("%d (%s)", fn, shortTarget(fw))
		}
		add(r)
	}

	fmt.Printf("\npixee-tui beside the floor — %s, %dx%d pty, TERM=xterm-256color, %d connectors, terminal queries answered: %v\n",
		time.Now().Format("2006-01-02 15:04"), termCols, termRows, h.cfg.connectors, h.cfg.answer)
	if h.floorErr != "" {
		fmt.Printf("floor: %s\n", h.floorErr)
	}
	fmt.Println()
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tfloor\tpixee-tui\tratio\ttarget\tverdict")
	fmt.Fprintln(tw, "------\t-----\t---------\t-----\t------\t-------")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.metric, r.floor, r.pixee, r.ratio, r.target, r.verdict)
	}
	tw.Flush()

	fmt.Println("\ndetails:")
	if len(h.baseline) > 0 {
		fmt.Printf("  bare GET of the first page (50 items, fresh connection, via proxy): median %s ms, min %s ms\n",
			ms(quantile(h.baseline, 0.5)), ms(quantile(h.baseline, 0)))
	}
	for _, p := range h.progs {
		r := &p.res
		if len(r.launch) > 0 {
			fmt.Printf("  %s launch: n=%d min %s / median %s / max %s ms; first byte median %s ms",
				p.name, len(r.launch), ms(quantile(r.launch, 0)), ms(quantile(r.launch, 0.5)), ms(quantile(r.launch, 1)), ms(quantile(r.firstByte, 0.5)))
			if len(r.launchQuery) > 0 {
				fmt.Printf("; terminal query at median %s ms", ms(quantile(r.launchQuery, 0.5)))
			}
			fmt.Println()
		}
		for _, k := range []string{"j", "]", "s"} {
			if len(r.keys[k]) == 0 && r.keyMiss[k] == 0 {
				continue
			}
			fmt.Printf("  %s key %q: n=%d missed=%d; frame complete p50 %s p95 %s max %s ms; change first seen p50 %s p95 %s ms\n",
				p.name, k, len(r.keys[k]), r.keyMiss[k], ms(quantile(r.keys[k], 0.5)), ms(quantile(r.keys[k], 0.95)), ms(quantile(r.keys[k], 1)),
				ms(quantile(r.keyMatch[k], 0.5)), ms(quantile(r.keyMatch[k], 0.95)))
		}
		for _, w := range []struct {
			name string
			w    window
		}{{"idle", r.idle}, {"sync", r.sync}, {"rss run", r.rss}} {
			if !w.w.ok {
				continue
			}
			fmt.Printf("  %s %s window %v: CPU %.3f%% (schedstat %v; /proc stat %d ticks = %.3f%%), %.0f bytes/min, %.1f req/min %v\n",
				p.name, w.name, w.w.wall.Round(time.Second), w.w.cpuPct(), time.Duration(w.w.cpuNs).Round(time.Millisecond),
				w.w.cpuTicks, w.w.ticksPct(), w.w.perMin(float64(w.w.bytes)), w.w.perMin(float64(w.w.reqs)), routes(w.w.byRoute))
		}
		if len(r.rssSamples) > 0 {
			var parts []string
			for _, s := range r.rssSamples {
				parts = append(parts, fmt.Sprintf("%.1f", float64(s.kib)/1024))
			}
			_, _, peak, _, _ := rssOf(p)
			mid := r.rssSamples[len(r.rssSamples)/2]
			last := r.rssSamples[len(r.rssSamples)-1]
			fmt.Printf("  %s RSS MiB every %v: %s (peak %.1f; second half %+.1f%%, %v → %v)\n", p.name, h.cfg.rssEvery,
				strings.Join(parts, " "), float64(peak)/1024, float64(last.kib-mid.kib)/float64(mid.kib)*100,
				mid.at.Round(time.Second), last.at.Round(time.Second))
		}
		for _, n := range r.notes {
			fmt.Printf("  %s: %s\n", p.name, n)
		}
		if p.proxy != nil {
			for _, o := range p.proxy.overlapLog() {
				fmt.Printf("  %s: %s\n", p.name, o)
			}
		}
	}
	if h.syncNote != "" {
		fmt.Printf("  sync window: %s\n", h.syncNote)
	}
	for _, f := range h.failures {
		fmt.Printf("  FAILED %s\n", f)
	}
	fmt.Println("  CPU is the scheduler's per-thread run time (ns) summed over the process; /proc/PID/stat utime+stime is shown beside it (10 ms ticks).")
	fmt.Println("  View() ≤ 1 ms and parsing 10 000 EANs ≤ 10 ms are Go benchmarks: go test -run '^$' -bench . -benchmem ./ui/ ./api/")
}

func shortTarget(t string) string {
	if strings.HasPrefix(t, "detail ") {
		return "detail"
	}
	if strings.HasPrefix(t, "sync ") {
		return "sync"
	}
	if t == "" {
		return "none"
	}
	return t
}

func routes(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
