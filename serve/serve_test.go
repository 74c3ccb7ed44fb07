package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/ssh"
	"go.uber.org/goleak"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui"
)

// The first connector of the sandbox's data.
const firstName = "My Shopify Store"

type team struct {
	t       *testing.T
	sb      *sandbox.Server
	srv     *Server
	addr    string
	hist    *history.Store
	keys    map[string]gossh.Signer
	served  chan error
	apiKey  string
	stopped bool
}

func newKey(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// startTeam serves the sandbox account to alice (operate) and bob (watch)
// on a loopback port.
func startTeam(t *testing.T, tune func(*Options)) *team {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 1, Connectors: 137, ReadLimit: -1, WriteLimit: -1})
	u, stop, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	c, err := api.New(u, api.WithAPIKey(sb.APIKey()))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	h, _, err := history.Open(dir, "team", history.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev, _, err := history.OpenEvents(dir, history.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tm := &team{t: t, sb: sb, hist: h, apiKey: sb.APIKey(), keys: map[string]gossh.Signer{
		"alice": newKey(t), "bob": newKey(t)}, served: make(chan error, 1)}
	users := config.DefaultServe()
	users.Users = []config.ServeUser{
		{Name: "alice", Role: config.RoleOperate, Keys: []gossh.PublicKey{tm.keys["alice"].PublicKey()}},
		{Name: "bob", Role: config.RoleWatch, Keys: []gossh.PublicKey{tm.keys["bob"].PublicKey()}},
	}
	o := Options{
		HostKeyPath: filepath.Join(dir, "host", "ssh_host_ed25519_key"),
		Serve:       users,
		Accounts: []Account{{Name: "sandbox", Host: "sandbox", Open: func() (shared.Account, error) {
			return shared.Account{API: c, History: h, Events: ev}, nil
		}}},
		Alerts: ui.AlertOptions{Bell: true},
	}
	if tune != nil {
		tune(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tm.srv, tm.addr = srv, ln.Addr().String()
	go func() { tm.served <- srv.Serve(ln) }()
	t.Cleanup(func() { tm.shutdown() })
	return tm
}

func (tm *team) shutdown() {
	if tm.stopped {
		return
	}
	tm.stopped = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tm.srv.Shutdown(ctx); err != nil {
		tm.t.Errorf("shutdown: %v", err)
	}
	select {
	case err := <-tm.served:
		if err != nil {
			tm.t.Errorf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		tm.t.Error("Serve did not return after Shutdown")
	}
}

// client is one person's ssh session, its screen collected as it comes.
type client struct {
	t     *testing.T
	conn  *gossh.Client
	sess  *gossh.Session
	in    interface{ Write([]byte) (int, error) }
	mu    sync.Mutex
	out   bytes.Buffer
	errs  bytes.Buffer
	ended chan error
}

type lockedWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func dial(addr string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "whoever", Auth: auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
}

// connect opens a session for user with a terminal of 120x40, or without
// one when pty is false.
func (tm *team) connect(user string, pty bool) *client {
	tm.t.Helper()
	conn, err := dial(tm.addr, gossh.PublicKeys(tm.keys[user]))
	if err != nil {
		tm.t.Fatalf("%s: dial: %v", user, err)
	}
	sess, err := conn.NewSession()
	if err != nil {
		tm.t.Fatal(err)
	}
	c := &client{t: tm.t, conn: conn, sess: sess, ended: make(chan error, 1)}
	sess.Stdout = lockedWriter{&c.mu, &c.out}
	sess.Stderr = lockedWriter{&c.mu, &c.errs}
	if c.in, err = sess.StdinPipe(); err != nil {
		tm.t.Fatal(err)
	}
	if pty {
		if err := sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
			tm.t.Fatal(err)
		}
	}
	if err := sess.Shell(); err != nil {
		tm.t.Fatal(err)
	}
	go func() { c.ended <- sess.Wait() }()
	tm.t.Cleanup(func() { conn.Close() })
	return c
}

func (c *client) screen() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

func (c *client) stderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.errs.String()
}

// waitFor waits until the output holds s.
func (c *client) waitFor(s string) {
	c.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(c.screen(), s) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatalf("%q never came; the session wrote %d bytes, ending %q", s, len(c.screen()), tail(c.screen()))
}

func tail(s string) string {
	if len(s) > 300 {
		return s[len(s)-300:]
	}
	return s
}

func (c *client) keys(s string) {
	c.t.Helper()
	if _, err := c.in.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// waitEnd waits for the session to end.
func (c *client) waitEnd() error {
	c.t.Helper()
	select {
	case err := <-c.ended:
		return err
	case <-time.After(10 * time.Second):
		c.t.Fatal("the session did not end")
		return nil
	}
}

func posts(sb *sandbox.Server) int {
	n := 0
	for k, v := range sb.Stats().ByRoute {
		if strings.HasPrefix(k, "POST ") {
			n += v
		}
	}
	return n
}

func gets(sb *sandbox.Server) int {
	n := 0
	for k, v := range sb.Stats().ByRoute {
		if strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

// Only listed public keys get in: an unlisted key, a password and no
// credentials at all are refused.
func TestOnlyListedKeysGetIn(t *testing.T) {
	tm := startTeam(t, nil)
	if _, err := dial(tm.addr, gossh.PublicKeys(newKey(t))); err == nil {
		t.Fatal("an unlisted key got in")
	}
	if _, err := dial(tm.addr, gossh.Password("hunter2")); err == nil {
		t.Fatal("a password got in")
	}
	if _, err := dial(tm.addr, gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
		return []string{"yes"}, nil
	})); err == nil {
		t.Fatal("keyboard-interactive got in")
	}
	conn, err := dial(tm.addr, gossh.PublicKeys(tm.keys["bob"]))
	if err != nil {
		t.Fatalf("a listed key was refused: %v", err)
	}
	conn.Close()
}

// A listed user sees the account's connectors, and the API key is on no
// screen.
func TestListedUserSeesTheDashboard(t *testing.T) {
	tm := startTeam(t, nil)
	c := tm.connect("bob", true)
	c.waitFor(firstName)
	c.waitFor("READ-ONLY") // a watcher
	if strings.Contains(c.screen(), tm.apiKey) {
		t.Fatal("the API key reached a session's screen")
	}
}

// A session without a terminal gets a one-line refusal and exit status 1.
func TestSessionWithoutTerminalIsRefused(t *testing.T) {
	tm := startTeam(t, nil)
	c := tm.connect("alice", false)
	err := c.waitEnd()
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("ended with %v, want exit status 1", err)
	}
	msg := c.stderr()
	if !strings.Contains(msg, "needs a terminal") || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
		t.Fatalf("refusal %q: want one line saying a terminal is needed", msg)
	}
	if c.screen() != "" {
		t.Fatalf("a dashboard was drawn without a terminal: %q", tail(c.screen()))
	}
}

// A watcher's sync keys send nothing: s, S and t reach no POST, whatever
// is typed after them.
func TestWatcherSendsNoPOST(t *testing.T) {
	tm := startTeam(t, nil)
	c := tm.connect("bob", true)
	c.waitFor(firstName)
	c.keys("S")
	time.Sleep(100 * time.Millisecond)
	c.keys("y")
	c.keys("s")
	time.Sleep(100 * time.Millisecond)
	c.keys("4006381333931\r")
	time.Sleep(100 * time.Millisecond)
	c.keys("y")
	c.keys("t")
	time.Sleep(500 * time.Millisecond)
	if n := posts(tm.sb); n != 0 {
		t.Fatalf("a watcher's keys sent %d POSTs", n)
	}
	// The server refuses too, whatever a dashboard asks.
	a, err := tm.srv.account(0)
	if err != nil {
		t.Fatal(err)
	}
	api := &userAPI{account: a, user: config.ServeUser{Name: "bob", Role: config.RoleWatch}}
	id := tm.sb.IDs()[0]
	if _, _, err := api.SyncCatalog(context.Background(), id); !errors.As(err, new(*WatcherError)) {
		t.Fatalf("a watcher's sync: %v, want a WatcherError", err)
	}
	if _, _, err := api.TestConnector(context.Background(), id); err == nil {
		t.Fatal("a watcher's connection test was not refused")
	}
	if n := posts(tm.sb); n != 0 {
		t.Fatalf("the server sent %d POSTs for a watcher", n)
	}
}

// An operator's sync is sent once and recorded with their SSH user.
func TestOperatorSyncIsRecordedWithTheirUser(t *testing.T) {
	tm := startTeam(t, nil)
	c, watcher := tm.connect("alice", true), tm.connect("bob", true)
	c.waitFor(firstName)
	watcher.waitFor(firstName)
	c.keys("S")
	c.waitFor("ENTIRE catalog")
	c.keys("y")
	deadline := time.Now().Add(10 * time.Second)
	var acts []history.Action
	for time.Now().Before(deadline) {
		acts, _, _ = tm.hist.Actions()
		if len(acts) > 0 && acts[0].Outcome != history.OutcomeUnknown {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(acts) != 1 {
		t.Fatalf("history holds %d actions, want 1", len(acts))
	}
	if acts[0].User != "alice" || acts[0].ConnectorID != tm.sb.IDs()[0] || acts[0].Outcome != history.OutcomeQueued {
		t.Fatalf("recorded %+v, want alice's queued sync of %s", acts[0], tm.sb.IDs()[0])
	}
	if n := posts(tm.sb); n != 1 {
		t.Fatalf("%d POSTs, want 1", n)
	}
	// The others see who did it: as an event, and in the history.
	watcher.waitFor("1 new")
	watcher.keys("E")
	watcher.waitFor("alice queued a sync of the whole catalog")
	watcher.keys("\x1b")
	time.Sleep(200 * time.Millisecond) // an esc then a key at once is alt+key
	watcher.keys("H")
	watcher.waitFor("· alice")
}

// N sessions on one account cost one session's requests: they share the
// page, the selected connector's detail and the crawl.
func TestSessionsShareTheAccountsReads(t *testing.T) {
	fast := func(o *Options) {
		o.ListRefresh, o.IdleRefresh, o.Refresh = time.Second, time.Second, time.Second
		o.Serve.SessionsPerUser = 8
	}
	measure := func(n int) int {
		tm := startTeam(t, fast)
		cs := make([]*client, n)
		for i := range cs {
			cs[i] = tm.connect("bob", true)
		}
		for _, c := range cs {
			c.waitFor(firstName)
		}
		time.Sleep(time.Second) // the first requests are in
		before := gets(tm.sb)
		time.Sleep(4 * time.Second)
		got := gets(tm.sb) - before
		tm.shutdown()
		return got
	}
	one, many := measure(1), measure(8)
	t.Logf("GETs in 4s: 1 session %d, 8 sessions %d", one, many)
	if one == 0 {
		t.Fatal("one session sent no request in 4s")
	}
	// Each poll interval of each target costs one request however many
	// look; a session's timer may fall just past another's answer, so
	// allow one more per target and a second.
	if many > one*3/2+3 {
		t.Fatalf("8 sessions sent %d GETs in 4s where one sent %d", many, one)
	}
}

// Closing the server ends every session: each dashboard leaves the
// alternate screen (the terminal is restored) and says why.
func TestShutdownEndsEverySession(t *testing.T) {
	tm := startTeam(t, nil)
	cs := []*client{tm.connect("alice", true), tm.connect("bob", true), tm.connect("bob", true)}
	for _, c := range cs {
		c.waitFor(firstName)
	}
	if n := tm.srv.Sessions(); n != 3 {
		t.Fatalf("%d sessions, want 3", n)
	}
	tm.shutdown()
	for i, c := range cs {
		if err := c.waitEnd(); err != nil {
			t.Errorf("session %d ended with %v, want exit 0", i, err)
		}
		out := c.screen()
		if !strings.Contains(out, "\x1b[?1049l") {
			t.Errorf("session %d: the alternate screen was not left", i)
		}
		if !strings.Contains(out, "the team server is stopping") {
			t.Errorf("session %d was not told why it ended: %q", i, tail(out))
		}
	}
	if _, err := dial(tm.addr, gossh.PublicKeys(tm.keys["bob"])); err == nil {
		t.Error("the server still accepts connections after Shutdown")
	}
}

// A session nobody types in ends after the idle timeout, and says so;
// another, in use, goes on.
func TestIdleSessionEnds(t *testing.T) {
	tm := startTeam(t, func(o *Options) { o.Serve.IdleTimeout = 2 * time.Second })
	idle, busy := tm.connect("bob", true), tm.connect("alice", true)
	idle.waitFor(firstName)
	busy.waitFor(firstName)
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(300 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_, _ = busy.in.Write([]byte("j"))
			}
		}
	}()
	defer close(stop)
	if err := idle.waitEnd(); err != nil {
		t.Fatalf("the idle session ended with %v", err)
	}
	if !strings.Contains(idle.screen(), "without a key pressed") {
		t.Fatalf("the idle session was not told why: %q", tail(idle.screen()))
	}
	select {
	case err := <-busy.ended:
		t.Fatalf("the busy session ended too: %v", err)
	default:
	}
}

// An event reaches every session once, and is written once, however many
// sessions saw it.
func TestEventsReachEverySessionOnce(t *testing.T) {
	var events *history.EventLog
	tm := startTeam(t, func(o *Options) {
		o.ListRefresh, o.IdleRefresh = time.Second, time.Second
		open := o.Accounts[0].Open
		o.Accounts[0].Open = func() (shared.Account, error) {
			s, err := open()
			events = s.Events
			return s, err
		}
	})
	a, b := tm.connect("alice", true), tm.connect("bob", true)
	a.waitFor(firstName)
	b.waitFor(firstName)
	if !tm.sb.SetStatus(tm.sb.IDs()[1], "error") {
		t.Fatal("no such connector")
	}
	a.waitFor("1 new")
	b.waitFor("1 new")
	time.Sleep(2 * time.Second) // both sessions' next refreshes see it too
	seen, _, err := events.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range seen {
		if e.ConnectorID == tm.sb.IDs()[1] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the events log holds %d events of the connector, want 1: %+v", n, seen)
	}
	if strings.Contains(a.screen(), "2 new") || strings.Contains(b.screen(), "2 new") {
		t.Fatal("a session counted the event twice")
	}
}

// With nobody connected, the account is still watched: a connector turning
// to error is in the events log for the next shift, once.
func TestAccountWatchedWithNobodyConnected(t *testing.T) {
	var events *history.EventLog
	tm := startTeam(t, func(o *Options) {
		o.ListRefresh = time.Second
		open := o.Accounts[0].Open
		o.Accounts[0].Open = func() (shared.Account, error) {
			s, err := open()
			events = s.Events
			return s, err
		}
	})
	time.Sleep(1500 * time.Millisecond) // the first page is known
	id := tm.sb.IDs()[2]
	tm.sb.SetStatus(id, "error")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		seen, _, _ := events.Load()
		for _, e := range seen {
			if e.ConnectorID == id && e.Kind == monitor.TurnedError {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	seen, _, _ := events.Load()
	t.Fatalf("no turned_error event for %s with nobody connected: %+v", id, seen)
}

// An operator's writes are limited per minute: beyond the limit nothing is
// sent and the refusal says when the next may go.
func TestOperatorWritesAreLimited(t *testing.T) {
	tm := startTeam(t, func(o *Options) { o.Serve.SyncsPerUser = 2 })
	a, err := tm.srv.account(0)
	if err != nil {
		t.Fatal(err)
	}
	alice := &userAPI{account: a, user: config.ServeUser{Name: "alice", Role: config.RoleOperate}}
	id := tm.sb.IDs()[0]
	for i := range 2 {
		if _, _, err := alice.SyncEANs(context.Background(), id, []string{"4006381333931"}); err != nil {
			t.Fatalf("sync %d: %v", i+1, err)
		}
	}
	_, _, err = alice.TestConnector(context.Background(), id)
	var le *LimitError
	if !errors.As(err, &le) || le.Wait <= 0 || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("a third write in a minute: %v, want a LimitError that says nothing was sent", err)
	}
	if n := posts(tm.sb); n != 2 {
		t.Fatalf("%d POSTs, want 2", n)
	}
	carol := &userAPI{account: a, user: config.ServeUser{Name: "carol", Role: config.RoleOperate}}
	if _, _, err := carol.SyncEANs(context.Background(), id, []string{"4006381333931"}); err != nil {
		t.Fatalf("another operator was limited by alice's writes: %v", err)
	}
}

// An account whose opening failed is tried again by the next session.
func TestAccountOpeningIsRetried(t *testing.T) {
	fails := true
	tm := startTeam(t, func(o *Options) {
		open := o.Accounts[0].Open
		o.Accounts = append(o.Accounts, Account{Name: "flaky", Host: "flaky", Open: func() (shared.Account, error) {
			if fails {
				return shared.Account{}, errors.New("key command timed out")
			}
			return open()
		}})
	})
	if _, err := tm.srv.account(1); err == nil {
		t.Fatal("a failing opening succeeded")
	}
	fails = false
	if _, err := tm.srv.account(1); err != nil {
		t.Fatalf("the second try: %v", err)
	}
}

// A client that stops reading fills only its own session: another
// session's dashboard goes on, and Shutdown still ends both.
func TestStuckClientAffectsNoOther(t *testing.T) {
	tm := startTeam(t, func(o *Options) { o.ListRefresh = time.Second })
	ok := tm.connect("alice", true)
	ok.waitFor(firstName)

	conn, err := dial(tm.addr, gossh.PublicKeys(tm.keys["bob"]))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stuck, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stuck.StdoutPipe(); err != nil { // never read
		t.Fatal(err)
	}
	if err := stuck.RequestPty("xterm-256color", 200, 400, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := stuck.Shell(); err != nil {
		t.Fatal(err)
	}
	// The SSH library writes the pty's size unguarded as resizes come:
	// resize only once the session has read it.
	for deadline := time.Now().Add(5 * time.Second); tm.srv.Sessions() < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	// Every resize repaints the whole screen, some 100 KB at 400x200: a
	// few dozen, one per frame, fill the channel's window (2 MiB) and the
	// session's writes block.
	for i := range 200 {
		if err := stuck.WindowChange(200+i%2, 400-i%2); err != nil {
			break
		}
		time.Sleep(17 * time.Millisecond)
	}
	// The other session still follows the account.
	id := tm.sb.IDs()[1]
	tm.sb.SetName(id, "Renamed While Another Hangs")
	ok.waitFor("Renamed While Another Hangs")

	tm.shutdown()
	if err := ok.waitEnd(); err != nil {
		t.Fatalf("the healthy session ended with %v", err)
	}
	if n := tm.srv.cut.Load(); n != 1 {
		t.Fatalf("%d sessions cut after the grace, want the stuck one", n)
	}
}

// Nothing a session does writes a file on the server: export (x) is not
// offered, whatever is typed after it.
func TestExportIsNotOfferedOnATeamServer(t *testing.T) {
	tm := startTeam(t, nil)
	c := tm.connect("alice", true)
	c.waitFor(firstName)
	target := filepath.Join(t.TempDir(), "exported.csv")
	c.keys("x")
	time.Sleep(200 * time.Millisecond)
	c.keys(target + "\r")
	time.Sleep(200 * time.Millisecond)
	c.keys("y")
	time.Sleep(300 * time.Millisecond)
	if _, err := os.Stat(target); err == nil {
		t.Fatal("a session wrote a file on the server")
	}
	if strings.Contains(c.screen(), "enter writes") {
		t.Fatalf("the export overlay opened: %q", tail(c.screen()))
	}
}

// A client's claimed terminal size is bounded: a billion columns would
// take the server's memory, every session's with it.
func TestHugeWindowIsClamped(t *testing.T) {
	tm := startTeam(t, nil)
	conn, err := dial(tm.addr, gossh.PublicKeys(tm.keys["bob"]))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm", 1<<30, 1<<30, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	var mu sync.Mutex
	sess.Stdout = lockedWriter{&mu, &out}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	// The server is still there for others, and this session got a frame
	// of at most maxCols columns.
	ok := tm.connect("alice", true)
	ok.waitFor(firstName)
	if got := clampSize(ssh.Window{Width: 1 << 30, Height: 1 << 30}); got.Width != maxCols || got.Height != maxRows {
		t.Fatalf("clamped to %dx%d", got.Width, got.Height)
	}
	if got := clampSize(ssh.Window{Width: 0, Height: -3}); got.Width != 1 || got.Height != 1 {
		t.Fatalf("clamped to %dx%d", got.Width, got.Height)
	}
}

// The host key is generated once, private to the server, and kept: a
// restart keeps the fingerprint the team's known_hosts hold.
func TestHostKeyIsKeptAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "pixee-tui", "ssh_host_ed25519_key")
	var fingerprints []string
	for range 2 {
		tm := startTeam(t, func(o *Options) { o.HostKeyPath = path })
		var got gossh.PublicKey
		conn, err := gossh.Dial("tcp", tm.addr, &gossh.ClientConfig{User: "x",
			Auth:            []gossh.AuthMethod{gossh.PublicKeys(tm.keys["bob"])},
			HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error { got = k; return nil },
			Timeout:         5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		conn.Close()
		fingerprints = append(fingerprints, gossh.FingerprintSHA256(got))
		tm.shutdown()
	}
	if fingerprints[0] != fingerprints[1] {
		t.Fatalf("the host key changed across a restart: %v", fingerprints)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		t.Fatalf("host key mode %v: others may read it", st.Mode().Perm())
	}
}

// Sessions leave nothing running: after Shutdown, no goroutine of a
// session, the watch or the hub remains (the sandbox's own are ignored).
func TestShutdownLeavesNoGoroutine(t *testing.T) {
	tm := startTeam(t, nil)
	before := goleak.IgnoreCurrent() // the sandbox, the listener
	cs := []*client{tm.connect("alice", true), tm.connect("bob", true)}
	for _, c := range cs {
		c.waitFor(firstName)
	}
	cs[0].keys("j")
	tm.shutdown()
	for _, c := range cs {
		c.waitEnd()
		c.conn.Close()
	}
	goleak.VerifyNone(t, before,
		// A client connection's reader ends when the server's side closes.
		goleak.IgnoreTopFunction("golang.org/x/crypto/ssh.(*handshakeTransport).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreAnyFunction("internal/poll.runtime_pollWait"),
	)
}

// Sessions read the watch's index of the account instead of crawling and
// holding it each; without a watch each crawls its own.
func TestSessionsReadTheWatchsIndex(t *testing.T) {
	tm := startTeam(t, nil)
	a, err := tm.srv.account(0)
	if err != nil {
		t.Fatal(err)
	}
	if a.sessionFor(config.ServeUser{Name: "bob", Role: config.RoleWatch}, nil).Fleet == nil {
		t.Fatal("a session of a watched account has no shared index")
	}
	deadline := time.Now().Add(10 * time.Second)
	for a.Fleet() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the watch published no index")
		}
		time.Sleep(20 * time.Millisecond)
	}
	c := tm.connect("bob", true)
	c.waitFor(firstName)
	c.keys("/")
	time.Sleep(200 * time.Millisecond)
	c.keys("shopify")
	c.waitFor(" of 137")

	nw := startTeam(t, func(o *Options) { o.NoWatch = true })
	b, _ := nw.srv.account(0)
	if b.sessionFor(config.ServeUser{Name: "bob", Role: config.RoleWatch}, nil).Fleet != nil {
		t.Fatal("without a watch, a session was given an index nobody builds")
	}
}
