// Team mode (issue 14): idle SSH sessions on one account of `pixee-tui
// serve`, and first paint over SSH beside a local start.

package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// teamUser is the one user of the config's serve: section.
const teamUser = "alice"

// teamRun is -team's state and results.
type teamRun struct {
	bin       string
	proxy     *proxy   // between the sandbox and every dashboard: servers and local starts
	serverEnv []string // XDG dirs of the run; no terminal
	localEnv  []string // the same dirs, and a terminal
	signer    gossh.Signer
	want      string // the first connector's name, as the list shows it

	localPaint  []time.Duration // exec → first connector name, the dashboard in a pty
	sshPaint    []time.Duration // Shell() → first connector name, first session of a fresh server
	sshConnect  []time.Duration // TCP dial → first connector name, the same sessions
	serverReady []time.Duration // exec of `pixee-tui serve` → its port accepts
	queries     []string        // terminal queries the first SSH session saw
	notes       []string
	rounds      []teamRound
	measured    *teamServer   // the server of the rounds
	startup     time.Duration // the first round's: its session opened → its last request new to the run
}

type teamRound struct {
	n          int
	w          window // CPU of the server process; bytes summed over the sessions
	byURI      map[string]int
	rssKiB     int64
	alive      int
	perSession []int64         // bytes each session received in the window
	paints     []time.Duration // Shell() → first connector name of the sessions opened for this round
	settled    time.Duration   // from the last session open to the window
	settleNote string          // "" when the reads went quiet in time
	join       proxyStats      // requests from the first open of the round to the window
	joinWall   time.Duration
}

// Settling. A dashboard crawls its account at start: the other pages, then
// one error connector's detail every few seconds (about 45 s for the
// sandbox's 137). A window opened during the crawl would count start-up,
// not idle. So the first round waits for -settle and then until no request
// new to the run has been sent for settleQuiet (at most settleMax); its
// start-up is the time from its session's open to that last new request.
// Sessions that join later crawl too, asking again what was asked before
// (a crawl's detail is shared for a minute only), so a later round waits,
// after its last open, as long as the first round's start-up took plus
// settleQuiet. What joining and settling cost is counted apart (join).
const (
	settleQuiet = 15 * time.Second
	settleMax   = 3 * time.Minute
)

// ---- set-up ------------------------------------------------------------------

// setupTeam builds pixee-tui, serves the sandbox (137 connectors, the
// current API) behind a counting proxy and writes the run's config: one
// profile on the proxy, one serve user with a key made now.
func (h *harness) setupTeam() error {
	if err := h.cfg.findRepo(); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "pixee-perf-team-")
	if err != nil {
		return err
	}
	h.tmp = tmp
	t := &teamRun{bin: filepath.Join(tmp, "pixee-tui")}
	h.team = t
	h.logf("building pixee-tui (%s)", h.cfg.repo)
	if err := goBuild(h.ctx, h.cfg.repo, t.bin); err != nil {
		return fmt.Errorf("building pixee-tui: %w", err)
	}
	if err := h.startSandbox(t.bin, h.cfg.connectors, "current"); err != nil {
		return err
	}
	if t.proxy, err = newProxy("team", h.sandboxURL); err != nil {
		return err
	}
	h.progs = append(h.progs, &program{name: pixeeName, bin: t.bin, proxy: t.proxy}) // closed by cleanup
	if h.cfg.verbose {
		t.proxy.trace = func(method, uri string) { h.logf("    proxy: %s %s", method, uri) }
	}
	name, err := firstConnector(h.sandboxURL, h.sandboxKey)
	if err != nil {
		return fmt.Errorf("reading the first connector: %w", err)
	}
	t.want = namePrefix(name)

	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	if t.signer, err = gossh.NewSignerFromKey(priv); err != nil {
		return err
	}
	pub := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(t.signer.PublicKey()))) + " perf@loopback"

	home, cfgHome, stateHome := filepath.Join(tmp, "home"), filepath.Join(tmp, "config"), filepath.Join(tmp, "state")
	dir := filepath.Join(cfgHome, "pixee-tui")
	for _, d := range []string{home, dir, stateHome} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	keyFile := filepath.Join(dir, "sandbox.key")
	if err := os.WriteFile(keyFile, []byte(h.sandboxKey+"\n"), 0o600); err != nil {
		return err
	}
	conf := fmt.Sprintf(`# Written by go run ./perf -team for one run.
default_profile: sandbox
profiles:
  sandbox:
    name: Sandbox
    base_url: %q
    api_key_file: %q
serve:
  users:
    %s:
      public_key: %q
      role: watch
`, t.proxy.url+basePath, keyFile, teamUser, pub)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(conf), 0o600); err != nil {
		return err
	}
	// HOME too, so nothing of the person running this is read or written.
	t.serverEnv = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"LANG=C.UTF-8",
		"XDG_CONFIG_HOME=" + cfgHome,
		"XDG_STATE_HOME=" + stateHome,
	}
	t.localEnv = append([]string{"TERM=xterm-256color"}, t.serverEnv...)
	h.logf("team: config in %s (profile sandbox on the proxy %s, serve user %s, role watch); first connector %q",
		dir, t.proxy.url, teamUser, name)
	return nil
}

// firstConnector is the name of the first connector of the list, read
// straight from the sandbox (the current API: X-API-Key, /connectors/).
func firstConnector(base, key string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, base+"/connectors/?page=1&per_page=1", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("X-API-Key", key)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", errors.New(resp.Status)
	}
	var page struct{ Items []struct{ Name string } }
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&page); err != nil {
		return "", err
	}
	if len(page.Items) == 0 || page.Items[0].Name == "" {
		return "", errors.New("the list is empty")
	}
	return page.Items[0].Name, nil
}

// ---- the server ------------------------------------------------------------------

// teamServer is one `pixee-tui serve` process.
type teamServer struct {
	cmd     *exec.Cmd
	addr    string
	done    chan struct{}
	logPath string
	log     *os.File
	once    sync.Once
}

// startServer runs `pixee-tui serve --listen 127.0.0.1:<free port>` and
// waits until the port accepts.
func (h *harness) startServer(label string) (*teamServer, error) {
	t := h.team
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(h.tmp, "serve-"+label+".log")
	lf, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(t.bin, "serve", "--listen", addr)
	cmd.Env = t.serverEnv
	cmd.Stdout, cmd.Stderr = lf, lf
	// Its own process group: a Ctrl+C at the terminal reaches the harness,
	// which stops the server in order. Killed with the harness regardless.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("starting pixee-tui serve: %w", err)
	}
	srv := &teamServer{cmd: cmd, addr: addr, done: make(chan struct{}), logPath: path, log: lf}
	go func() { _ = cmd.Wait(); close(srv.done) }()
	h.mu.Lock()
	h.servers = append(h.servers, srv)
	h.mu.Unlock()
	deadline := t0.Add(20 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.serverReady = append(t.serverReady, time.Since(t0))
			return srv, nil
		}
		select {
		case <-srv.done:
			return nil, fmt.Errorf("pixee-tui serve exited before listening: %s", srv.logTail(400))
		case <-h.ctx.Done():
			srv.stop()
			return nil, h.ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			srv.stop()
			return nil, fmt.Errorf("pixee-tui serve did not accept on %s within 20s: %s", addr, srv.logTail(400))
		}
	}
}

func (t *teamServer) pid() int { return t.cmd.Process.Pid }

func (t *teamServer) alive() bool {
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}

// stop interrupts the server, which ends every session cleanly (it waits
// up to 5 s for them), and kills it if it is still there after 8 s.
func (t *teamServer) stop() {
	t.once.Do(func() {
		if t.alive() {
			_ = t.cmd.Process.Signal(os.Interrupt)
			select {
			case <-t.done:
			case <-time.After(8 * time.Second):
				_ = t.cmd.Process.Kill()
				<-t.done
			}
		}
		t.log.Close()
	})
}

func (t *teamServer) logText() string {
	b, _ := os.ReadFile(t.logPath)
	return string(b)
}

func (t *teamServer) logTail(n int) string {
	s := strings.TrimSpace(t.logText())
	return s[max(len(s)-n, 0):]
}

// ---- SSH sessions ------------------------------------------------------------------

// sshSession is one dashboard over SSH: the harness's session on the
// channel's stdout and stdin.
type sshSession struct {
	*session
	dialed time.Time
}

// openSSH connects as the serve user with the run's key, asks for a
// 160x48 xterm-256color terminal and starts the shell. s.started is the
// moment just before Shell(). Every step is bounded: the connection's
// deadline covers the handshake and the session's set-up.
func (h *harness) openSSH(addr, name string) (*sshSession, error) {
	if err := h.ctx.Err(); err != nil {
		return nil, err
	}
	dialed := time.Now()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	cc, chans, reqs, err := gossh.NewClientConn(conn, addr, &gossh.ClientConfig{
		User: teamUser, Auth: []gossh.AuthMethod{gossh.PublicKeys(h.team.signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // loopback, a server this run started
	})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("ssh handshake: %w", err)
	}
	client := gossh.NewClient(cc, chans, reqs)
	fail := func(what string, err error) (*sshSession, error) {
		client.Close()
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	sess, err := client.NewSession()
	if err != nil {
		return fail("ssh session", err)
	}
	modes := gossh.TerminalModes{gossh.ECHO: 0, gossh.TTY_OP_ISPEED: 14400, gossh.TTY_OP_OSPEED: 14400}
	if err := sess.RequestPty("xterm-256color", termRows, termCols, modes); err != nil {
		return fail("pty request", err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return fail("stdout", err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		return fail("stdin", err)
	}
	sess.Stderr = io.Discard // with a pty the dashboard writes to stdout only
	s := newSession(name, h.cfg.answer)
	s.out, s.in = stdout, stdin
	s.closeIO = func() { client.Close() }
	s.kill = s.closeIO
	s.started = time.Now()
	go s.read()
	if err := sess.Shell(); err != nil {
		return fail("shell", err) // the reader ends with the connection
	}
	_ = conn.SetDeadline(time.Time{})
	go func() { _ = sess.Wait(); close(s.exited) }()
	h.mu.Lock()
	h.sessions = append(h.sessions, s)
	if h.cfg.dump != "" {
		s.dump = filepath.Join(h.cfg.dump, fmt.Sprintf("%02d-%s.txt", len(h.sessions), name))
	}
	h.mu.Unlock()
	return &sshSession{session: s, dialed: dialed}, nil
}

// openMany opens k sessions, eight at a time, and waits for each one's
// first connector name; the sessions are named after base.
func (h *harness) openMany(addr string, k, base int) ([]*sshSession, []time.Duration, error) {
	got := make([]*sshSession, k)
	paints := make([]time.Duration, k)
	errs := make([]error, k)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			name := fmt.Sprintf("ssh-%02d", base+i+1)
			s, err := h.openSSH(addr, name)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", name, err)
				return
			}
			got[i] = s
			at, ok := s.waitFor(h.team.want, 0, s.started.Add(30*time.Second))
			if !ok {
				errs[i] = fmt.Errorf("%s: no connector name within 30s; its screen ends with %q", name, s.tail(300))
				return
			}
			paints[i] = at.Sub(s.started)
		}()
	}
	wg.Wait()
	var open []*sshSession
	var ok []time.Duration
	for i, s := range got {
		if s != nil {
			open = append(open, s)
		}
		if errs[i] == nil {
			ok = append(ok, paints[i])
		}
	}
	return open, ok, errors.Join(errs...)
}

// ---- the phases ------------------------------------------------------------------

func (h *harness) measureTeam() error {
	// A deadline or a Ctrl+C stops the servers, which ends every SSH
	// session: whatever waits on one returns at once.
	go func() {
		<-h.ctx.Done()
		h.mu.Lock()
		srvs := append([]*teamServer(nil), h.servers...)
		h.mu.Unlock()
		for _, s := range srvs {
			go s.stop()
		}
	}()
	if err := h.teamPaint(); err != nil {
		h.failures = append(h.failures, "first paint: "+err.Error())
		h.logf("team: first paint failed: %v", err)
	}
	if err := h.teamRounds(); err != nil {
		h.failures = append(h.failures, "rounds: "+err.Error())
		h.logf("team: rounds failed: %v", err)
	}
	if len(h.failures) > 0 {
		return errors.New(strings.Join(h.failures, "; "))
	}
	return nil
}

// teamPaint alternates a local start of the dashboard in a pty (same
// profile, same proxy) with the first session of a fresh server.
func (h *harness) teamPaint() error {
	t := h.team
	h.logf("team: first paint, %d local starts and %d fresh servers, alternating, until %q is on screen", h.cfg.launches, h.cfg.launches, t.want)
	for i := range h.cfg.launches {
		if err := h.ctx.Err(); err != nil {
			return err
		}
		s, err := startSession("local", t.bin, nil, t.localEnv, h.cfg.answer)
		if err != nil {
			return err
		}
		h.mu.Lock()
		h.sessions = append(h.sessions, s)
		h.mu.Unlock()
		if at, ok := s.waitFor(t.want, 0, s.started.Add(20*time.Second)); ok {
			t.localPaint = append(t.localPaint, at.Sub(s.started))
			h.vlogf("  local start %d: %v", i+1, at.Sub(s.started).Round(time.Millisecond))
		} else {
			t.notes = append(t.notes, fmt.Sprintf("local start %d: no connector name within 20s; screen ends %q", i+1, s.tail(200)))
		}
		s.waitQuiet(100*time.Millisecond, time.Now(), time.Now().Add(2*time.Second))
		s.stop()

		srv, err := h.startServer(fmt.Sprintf("paint-%d", i+1))
		if err != nil {
			return err
		}
		ss, err := h.openSSH(srv.addr, fmt.Sprintf("paint-%d", i+1))
		if err != nil {
			srv.stop()
			return err
		}
		if at, ok := ss.waitFor(t.want, 0, ss.started.Add(20*time.Second)); ok {
			t.sshPaint = append(t.sshPaint, at.Sub(ss.started))
			t.sshConnect = append(t.sshConnect, at.Sub(ss.dialed))
			h.vlogf("  ssh first session %d: %v from Shell(), %v from dial", i+1,
				at.Sub(ss.started).Round(time.Millisecond), at.Sub(ss.dialed).Round(time.Millisecond))
		} else {
			t.notes = append(t.notes, fmt.Sprintf("ssh session %d: no connector name within 20s; screen ends %q", i+1, ss.tail(200)))
		}
		if i == 0 {
			t.queries = ss.queryLog()
		}
		ss.waitQuiet(100*time.Millisecond, time.Now(), time.Now().Add(2*time.Second))
		ss.stop()
		srv.stop()
	}
	return nil
}

// teamRounds opens sessions on one server round by round and keeps them:
// 1, then 9 more, then 40 more. Going down a list (-sessions 10,1) closes
// the newest.
func (h *harness) teamRounds() error {
	t := h.team
	srv, err := h.startServer("rounds")
	if err != nil {
		return err
	}
	t.measured = srv
	var open []*sshSession
	for _, n := range h.cfg.teamSessions {
		if err := h.ctx.Err(); err != nil {
			return fmt.Errorf("stopped before %d sessions: %w", n, err)
		}
		r := teamRound{n: n}
		t.proxy.reset() // from here to the window: what joining costs
		roundStart := time.Now()
		if n < len(open) {
			for _, s := range open[n:] {
				s.stop()
			}
			open = open[:n]
		}
		if add := n - len(open); add > 0 {
			h.logf("team: opening %s (%d in all)", sessionsStr(add), n)
			fresh, paints, err := h.openMany(srv.addr, add, len(open))
			open = append(open, fresh...)
			r.paints = paints
			if err != nil {
				return fmt.Errorf("opening %d sessions: %w", n, err)
			}
		}
		lastOpen := time.Now()
		least := h.cfg.settle
		if len(t.rounds) > 0 {
			least = max(least, t.startup+settleQuiet)
		}
		r.settled, r.settleNote = h.settleTeam(lastOpen, least)
		if len(t.rounds) == 0 {
			t.startup = max(t.proxy.lastNewRequest().Sub(roundStart), 0)
		}
		r.join, r.joinWall = t.proxy.snapshot(), time.Since(roundStart)
		h.logf("team: %s, settled for %v; idle window of %v", sessionsStr(n), r.settled.Round(100*time.Millisecond), h.cfg.idle)
		h.teamWindow(srv, open, &r)
		t.rounds = append(t.rounds, r)
		h.vlogf("  %s: %d requests %v, CPU %d ticks, RSS %d KiB, %d bytes", sessionsStr(n), r.w.reqs, r.w.byRoute, r.w.cpuTicks, r.rssKiB, r.w.bytes)
		if !r.w.ok {
			return fmt.Errorf("the window of %s did not complete (server alive %v, %d sessions alive)", sessionsStr(n), srv.alive(), r.alive)
		}
	}
	return nil
}

// settleTeam waits until least has passed since t0, then until the proxy
// has seen no new request for settleQuiet (see settleQuiet).
func (h *harness) settleTeam(t0 time.Time, least time.Duration) (time.Duration, string) {
	sleepCtx(h.ctx, time.Until(t0.Add(least)))
	for h.ctx.Err() == nil {
		quietFor := time.Since(h.team.proxy.lastNewRequest())
		if quietFor >= settleQuiet {
			return time.Since(t0), ""
		}
		if time.Since(t0) >= settleMax {
			return time.Since(t0), fmt.Sprintf("requests new to the run still came after %v: the window includes them", settleMax)
		}
		sleepCtx(h.ctx, min(settleQuiet-quietFor, time.Second))
	}
	return time.Since(t0), "interrupted"
}

// teamWindow measures the server and the sessions over one idle window.
func (h *harness) teamWindow(srv *teamServer, open []*sshSession, r *teamRound) {
	pid := srv.pid()
	h.team.proxy.reset()
	ns0, err0 := cpuNs(pid)
	ticks0, err1 := cpuTicks(pid)
	b0 := make([]int64, len(open))
	for i, s := range open {
		b0[i] = s.bytes()
	}
	t0 := time.Now()
	sleepCtx(h.ctx, h.cfg.idle)
	wall := time.Since(t0)
	ns1, err2 := cpuNs(pid)
	ticks1, err3 := cpuTicks(pid)
	rss, err4 := rssKiB(pid)
	st := h.team.proxy.snapshot()
	var sum int64
	for i, s := range open {
		d := s.bytes() - b0[i]
		r.perSession = append(r.perSession, d)
		sum += d
		if s.alive() {
			r.alive++
		}
	}
	r.rssKiB = rss
	r.byURI = st.byURI
	r.w = window{ok: errors.Join(err0, err1, err2, err3, err4) == nil && srv.alive() && r.alive == len(open) && h.ctx.Err() == nil,
		wall: wall, cpuNs: ns1 - ns0, cpuTicks: ticks1 - ticks0, bytes: sum, reqs: st.total, byRoute: st.byRoute}
}

// runTeam is -team from start to end; cleanup is the caller's.
func (h *harness) runTeam() int {
	if err := h.setupTeam(); err != nil {
		fmt.Fprintln(os.Stderr, "perf -team:", err)
		return 1
	}
	err := h.measureTeam()
	h.reportTeam()
	if err != nil {
		fmt.Fprintln(os.Stderr, "perf -team:", err)
		if errors.Is(h.ctx.Err(), context.Canceled) {
			fmt.Fprintln(os.Stderr, "perf -team: interrupted")
		}
		return 1
	}
	return 0
}

func sessionsStr(n int) string {
	if n == 1 {
		return "1 session"
	}
	return fmt.Sprintf("%d sessions", n)
}
