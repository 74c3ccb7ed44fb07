package serve

import (
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/pixee/pixee-tui/config"
)

// connectLines opens a session for user that asks for the line mode
// (ssh -t host accessible, or ssh host accessible without pty).
func (tm *team) connectLines(user string, pty bool) *client {
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
	if err := sess.Start(linesCommand); err != nil {
		tm.t.Fatal(err)
	}
	go func() { c.ended <- sess.Wait() }()
	tm.t.Cleanup(func() { conn.Close() })
	return c
}

// assertLines fails on an escape sequence, a control other than the bell,
// the line ends and what a raw terminal's echo writes (a backspace), box
// drawing or braille in a session's output.
func assertLines(t *testing.T, out string) {
	t.Helper()
	for i, r := range out {
		if r == 0x1b || (r < ' ' && r != '\n' && r != '\r' && r != '\a' && r != '\b') || (r >= 0x7f && r < 0xa0) ||
			(r >= 0x2500 && r <= 0x259f) || (r >= 0x2800 && r <= 0x28ff) {
			t.Fatalf("%U at byte %d: %q", r, i, out[max(0, i-60):min(len(out), i+30)])
		}
	}
}

// On a team server a person asks for the line mode with ssh -t host
// accessible, or has it by their serve.users setting: an operator's sync
// is asked, sent once and recorded with their user; a watcher, given the
// line mode by the setting, hears of it as one line and has every write
// refused in words; neither session writes an escape sequence.
func TestLineModeOverSSH(t *testing.T) {
	tm := startTeam(t, func(o *Options) {
		for i := range o.Serve.Users {
			if o.Serve.Users[i].Name == "bob" {
				o.Serve.Users[i].Accessible = true
			}
		}
	})
	bob := tm.connect("bob", true) // no command: the setting gives the lines
	bob.waitFor("accessible mode")
	bob.waitFor("watch role on a team server): no sync or test will be sent.")
	alice := tm.connectLines("alice", true)
	alice.waitFor("Type list for the connectors")
	alice.keys("list\r")
	alice.waitFor("Type next for more.")
	alice.keys("sync 1 4006381333931\r")
	alice.waitFor("? yes or no.")
	if n := posts(tm.sb); n != 0 {
		t.Fatalf("%d POSTs before the answer", n)
	}
	alice.keys("yes\r")
	alice.waitFor("is queued: 1 product")
	if n := posts(tm.sb); n != 1 {
		t.Fatalf("%d POSTs after one yes, want 1", n)
	}
	bob.waitFor("alice queued a sync of 1 EAN")
	if got := strings.Count(bob.screen(), "alice queued a sync"); got != 1 {
		t.Errorf("bob heard the sync %d times", got)
	}
	acts, _, _ := tm.hist.Actions()
	if len(acts) != 1 || acts[0].User != "alice" {
		t.Fatalf("history %+v, want alice's sync", acts)
	}
	bob.keys("list\r")
	bob.waitFor("Type next for more.")
	bob.keys("sync 1 4006381333931\r")
	bob.waitFor("watch role on a team server). Nothing sent.")
	bob.keys("test 2\r")
	time.Sleep(100 * time.Millisecond)
	bob.keys("quit\r")
	bob.waitFor("Goodbye.")
	if err := bob.waitEnd(); err != nil {
		t.Errorf("bob's session ended with %v", err)
	}
	if n := posts(tm.sb); n != 1 {
		t.Errorf("%d POSTs in all, want alice's one", n)
	}
	for _, c := range []*client{alice, bob} {
		assertLines(t, c.screen())
		if !strings.Contains(c.screen(), "\r\n") {
			t.Errorf("a raw terminal's lines must end with CR LF")
		}
	}
	// A session without a terminal may ask for the lines too; Shutdown
	// ends it, saying why.
	plain := tm.connectLines("alice", false)
	plain.waitFor("Type list for the connectors")
	plain.keys("status\n")
	plain.waitFor("Index: ")
	tm.shutdown()
	plain.waitEnd()
	alice.waitEnd()
	assertLines(t, plain.screen())
}

// The serve.users setting is read from the config file.
func TestServeUserAccessibleIsRead(t *testing.T) {
	key := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(newKey(t).PublicKey())))
	f, err := config.Parse("config.yaml", []byte("serve:\n  users:\n    carol: {public_key: \""+key+"\", role: watch, accessible: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Serve.Users) != 1 || !f.Serve.Users[0].Accessible {
		t.Fatalf("users %+v", f.Serve.Users)
	}
}
