package serve

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/internal/fakeclock"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// until waits, boundedly, for cond.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("%s: never", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A watcher holding r does not spend the team's budget: a refresh is
// served by an answer a few seconds old, so 200 presses cost a few
// requests, not 200 of each target.
func TestHoldingRefreshCostsFewReads(t *testing.T) {
	tm := startTeam(t, func(o *Options) { o.NoWatch = true })
	c := tm.connect("bob", true)
	c.waitFor(firstName)
	time.Sleep(time.Second) // the first requests are in
	before := gets(tm.sb)
	for range 200 {
		c.keys("r")
		time.Sleep(5 * time.Millisecond) // one key each, not a run of runes
	}
	got := gets(tm.sb) - before
	t.Logf("200 refreshes: %d GETs", got)
	// The page and the selected connector, once per refreshShare, and
	// their polls: nowhere near 200.
	if got > 12 {
		t.Fatalf("200 refreshes sent %d GETs", got)
	}
}

// Each user's reads that reach the API are limited per minute; beyond, the
// read is refused with the wait (a 429 to the dashboard, which holds its
// polls), another user is not affected, and the account's own watch is
// never limited.
func TestReadsAreLimitedPerUser(t *testing.T) {
	c := &countingAPI{}
	c.remaining.Store(100)
	clk := fakeclock.New(t0)
	r := newReads(c, clk.Now, 3)
	for i := range 3 {
		if _, _, err := r.GetConnector(asUser(context.Background(), "bob"), string(rune('a'+i))); err != nil {
			t.Fatalf("read %d: %v", i+1, err)
		}
	}
	_, _, err := r.GetConnector(asUser(context.Background(), "bob"), "z")
	var le *ReadLimitError
	if !errors.As(err, &le) || le.Wait <= 0 || !strings.Contains(err.Error(), "bob") {
		t.Fatalf("a 4th read in a minute: %v, want a ReadLimitError naming bob", err)
	}
	if !errors.Is(err, api.ErrRateLimited) {
		t.Fatal("the refusal does not hold the dashboard's polls as a 429 does")
	}
	if n := c.details.Load(); n != 3 {
		t.Fatalf("%d requests sent, want 3", n)
	}
	// A shared answer still serves bob: it costs the API nothing.
	if _, _, err := r.GetConnector(asUser(monitor.WithFresh(context.Background(), time.Minute), "bob"), "a"); err != nil {
		t.Fatalf("a shared answer was refused: %v", err)
	}
	if _, _, err := r.GetConnector(asUser(context.Background(), "alice"), "z"); err != nil {
		t.Fatalf("alice was limited by bob's reads: %v", err)
	}
	for range 10 {
		if _, _, err := r.GetConnector(context.Background(), "w"); err != nil {
			t.Fatalf("the watch was limited: %v", err)
		}
	}
	clk.Advance(time.Minute)
	if _, _, err := r.GetConnector(asUser(context.Background(), "bob"), "z"); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

// env requests beyond the bounds are refused and not kept; a connection
// opens at most maxChannels sessions at once.
func TestEnvAndChannelsAreBounded(t *testing.T) {
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
	if err := sess.Setenv("BIG", strings.Repeat("x", 200<<10)); err == nil {
		t.Fatal("a 200 KiB env request was accepted")
	}
	refused := 0
	for i := range maxEnvRequests + 20 {
		if sess.Setenv("LC_X", "C") != nil {
			refused++
		}
		_ = i
	}
	if refused != 20 {
		t.Fatalf("%d of %d env requests refused, want those beyond %d (20)", refused, maxEnvRequests+20, maxEnvRequests)
	}
	for i := 1; i < maxChannels; i++ {
		if _, err := conn.NewSession(); err != nil {
			t.Fatalf("session %d of %d: %v", i+1, maxChannels, err)
		}
	}
	if _, err := conn.NewSession(); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Fatalf("a session beyond %d on one connection: %v, want a refusal that says the most", maxChannels, err)
	}
}

// One person has at most SessionsPerUser dashboards; the next is refused
// in one line, and others still get in.
func TestSessionsPerUserAreBounded(t *testing.T) {
	tm := startTeam(t, func(o *Options) { o.Serve.SessionsPerUser = 1 })
	first := tm.connect("bob", true)
	first.waitFor(firstName)
	second := tm.connect("bob", true)
	var exit *gossh.ExitError
	if err := second.waitEnd(); !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("a second session of bob ended with %v, want exit status 1", err)
	}
	if !strings.Contains(second.stderr(), "the most one person may") {
		t.Fatalf("refusal %q does not say why", second.stderr())
	}
	tm.connect("alice", true).waitFor(firstName)
}

// At most MaxConnections connections at once, and at most MaxStartups of
// them not logged in: beyond, a connection is closed with a line saying
// the server is full.
func TestConnectionsAreBounded(t *testing.T) {
	tm := startTeam(t, func(o *Options) { o.Serve.MaxConnections, o.Serve.MaxStartups = 2, 1 })
	raw, err := net.Dial("tcp", tm.addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(raw).ReadString('\n'); err != nil { // admitted: the server's version line
		t.Fatal(err)
	}
	if _, err := dial(tm.addr, gossh.PublicKeys(tm.keys["bob"])); err == nil {
		t.Fatal("a second connection logging in was admitted beside one that never does")
	}
	raw.Close()
	until(t, "the closed connection is forgotten", func() bool { return tm.srv.gate.open() == 0 })
	a, err := dial(tm.addr, gossh.PublicKeys(tm.keys["alice"]))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// The client hears "logged in" a moment before the server has put the
	// connection in its context: until then it still counts as a startup.
	until(t, "alice's connection counts as logged in", func() bool { return tm.srv.gate.loggingIn() == 0 })
	b, err := dial(tm.addr, gossh.PublicKeys(tm.keys["bob"]))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	third, err := net.Dial("tcp", tm.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	_ = third.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, _ := bufio.NewReader(third).ReadString('\n')
	if !strings.Contains(line, "full") {
		t.Fatalf("a third connection read %q, want the server saying it is full", line)
	}
	if n := tm.srv.gate.refused.Load(); n != 2 {
		t.Fatalf("%d connections refused, want 2", n)
	}
}

// A connection that does not log in within the grace is closed, however
// steadily it trickles bytes.
func TestSlowLoginIsCut(t *testing.T) {
	tm := startTeam(t, func(o *Options) { o.Serve.LoginGrace = 300 * time.Millisecond })
	raw, err := net.Dial("tcp", tm.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	closed := make(chan struct{})
	go func() {
		buf := make([]byte, 256)
		for {
			if _, err := raw.Read(buf); err != nil {
				close(closed)
				return
			}
		}
	}()
	// A version line that never ends: the server waits for the rest.
	hello := []byte("SSH-2.0-" + strings.Repeat("x", 200))
	for i := 0; ; i++ {
		select {
		case <-closed:
			if n := tm.srv.gate.late.Load(); n != 1 {
				t.Fatalf("%d connections cut for a slow login, want 1", n)
			}
			return
		case <-time.After(100 * time.Millisecond):
		}
		if i >= 100 {
			t.Fatal("a connection trickling a byte every 100ms was still open after 10s")
		}
		_, _ = raw.Write(hello[i : i+1])
	}
}

// A keystroke flood ends the session that sent it, with a word, before it
// reaches the dashboard; another session goes on.
func TestKeystrokeFloodEndsOnlyItsSession(t *testing.T) {
	tm := startTeam(t, func(o *Options) { o.ListRefresh = time.Second })
	ok, flood := tm.connect("alice", true), tm.connect("bob", true)
	ok.waitFor(firstName)
	flood.waitFor(firstName)
	go func() { _, _ = flood.in.Write(bytes.Repeat([]byte("j"), 1<<20)) }()
	select {
	case err := <-flood.ended:
		// Told why, unless its dashboard was too busy to say it in time
		// and its connection was cut.
		if err == nil && !strings.Contains(flood.screen(), "more input than a person") {
			t.Fatalf("the flooding session was not told why: %q", tail(flood.screen()))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the flooding session did not end")
	}
	if n := tm.srv.flooded.Load(); n != 1 {
		t.Fatalf("%d sessions ended for a flood, want 1", n)
	}
	tm.sb.SetName(tm.sb.IDs()[1], "Renamed After A Flood")
	ok.waitFor("Renamed After A Flood")
}

// The input limit lets a person's bursts through and refills over time.
func TestInputLimit(t *testing.T) {
	clk := fakeclock.New(t0)
	l := newInputLimit(clk.Now)
	if !l.take(inputBurst) {
		t.Fatal("a burst of inputBurst bytes was refused")
	}
	if l.take(1) {
		t.Fatal("a byte beyond the burst was taken")
	}
	l = newInputLimit(clk.Now)
	for range 600 { // ten minutes of steady typing and mouse motion
		clk.Advance(time.Second)
		if !l.take(inputPerSecond) {
			t.Fatal("input at the sustained rate was refused")
		}
	}
}

// Pressing A three thousand times writes a record or two, each naming who
// acknowledged; a watcher's acknowledgement is their own and writes none.
// (The dashboard of a session writes nothing itself: it hands each
// acknowledgement to its hub, as called here.)
func TestAcknowledgementsAreCoalescedAndAttributed(t *testing.T) {
	dir := t.TempDir()
	events, _, err := history.OpenEvents(dir, history.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	clk := fakeclock.New(t0)
	h := shared.NewEventStream(shared.StreamOptions{Log: events, Logf: t.Logf})
	a := &account{hub: h, base: shared.Account{Events: events}, reads: newReads(&countingAPI{}, clk.Now, 0)}
	op := a.sessionFor(config.ServeUser{Name: "alice", Role: config.RoleOperate}, nil).Hub
	w := a.sessionFor(config.ServeUser{Name: "bob", Role: config.RoleWatch}, nil).Hub
	for range 50 {
		w.Acknowledge(nil, clk.Now())
	}
	for range 3000 {
		clk.Advance(time.Millisecond)
		op.Acknowledge(nil, clk.Now())
		op.Acknowledge([]string{"e1"}, time.Time{})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h.Close(ctx) // what is pending is written
	data, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 2 {
		t.Fatalf("3000 A and a wrote %d records", len(lines))
	}
	for _, l := range lines {
		if !strings.Contains(l, `"user":"alice"`) {
			t.Fatalf("record %s does not name alice", l)
		}
	}
}

// SHA-1 is refused as OpenSSH 9 refuses it: key exchange, MAC, and RSA
// signatures; a host key others may read is not used.
func TestSHA1AndReadableHostKeyAreRefused(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaSigner, err := gossh.NewSignerFromKey(rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	tm := startTeam(t, func(o *Options) {
		o.Serve.Users = append(o.Serve.Users, config.ServeUser{Name: "carol", Role: config.RoleWatch, Keys: []gossh.PublicKey{rsaSigner.PublicKey()}})
	})
	try := func(c gossh.Config, signer gossh.Signer) error {
		conn, err := gossh.Dial("tcp", tm.addr, &gossh.ClientConfig{Config: c, User: "x",
			Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)}, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
		if err == nil {
			conn.Close()
		}
		return err
	}
	if err := try(gossh.Config{KeyExchanges: []string{gossh.InsecureKeyExchangeDH14SHA1}}, tm.keys["bob"]); err == nil {
		t.Error("a client offering only diffie-hellman-group14-sha1 got in")
	}
	if err := try(gossh.Config{Ciphers: []string{gossh.CipherAES128CTR}, MACs: []string{gossh.HMACSHA1}}, tm.keys["bob"]); err == nil {
		t.Error("a client offering only hmac-sha1 got in")
	}
	if err := try(gossh.Config{Ciphers: []string{gossh.CipherAES128CTR}, MACs: []string{gossh.InsecureHMACSHA196}}, tm.keys["bob"]); err == nil {
		t.Error("a client offering only hmac-sha1-96 got in")
	}
	sha1Only, err := gossh.NewSignerWithAlgorithms(rsaSigner.(gossh.AlgorithmSigner), []string{gossh.KeyAlgoRSA})
	if err != nil {
		t.Fatal(err)
	}
	if err := try(gossh.Config{}, sha1Only); err == nil {
		t.Error("an RSA key signing with SHA-1 (ssh-rsa) got in")
	}
	if err := try(gossh.Config{}, rsaSigner); err != nil {
		t.Errorf("an RSA key signing with SHA-2 was refused: %v", err)
	}

	path := filepath.Join(t.TempDir(), "ssh_host_ed25519_key")
	first := startTeam(t, func(o *Options) { o.HostKeyPath = path })
	first.shutdown()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	o := Options{HostKeyPath: path, Serve: config.Serve{Users: []config.ServeUser{{Name: "bob", Role: config.RoleWatch}}},
		Accounts: []Account{{Name: "x", Open: func() (shared.Account, error) { return shared.Account{}, nil }}}}
	_, err = New(o)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a host key of mode 0644: %v, want a refusal naming the file and chmod 600", err)
	}
}
