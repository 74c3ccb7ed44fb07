package serve

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pixee/pixee-tui/ui"
)

// A terminal as the tests play it: whether it answers the background
// question, with what, and when.
type terminal struct {
	background string        // the OSC 11 answer's colour; "" answers nothing
	after      time.Duration // how long the answer takes
	env        map[string]string
	keysWith   string // typed in the same write as the answer
}

// connectAs opens user's session on a terminal of 120x40 that answers
// the background question (OSC 11) and the cursor position (DSR) as
// term says, the way xterm does.
func (tm *team) connectAs(user string, term terminal) *client {
	tm.t.Helper()
	conn, err := dial(tm.addr, gossh.PublicKeys(tm.keys[user]))
	if err != nil {
		tm.t.Fatalf("%s: dial: %v", user, err)
	}
	tm.t.Cleanup(func() { conn.Close() })
	sess, err := conn.NewSession()
	if err != nil {
		tm.t.Fatal(err)
	}
	c := &client{t: tm.t, conn: conn, sess: sess, ended: make(chan error, 1)}
	if c.in, err = sess.StdinPipe(); err != nil {
		tm.t.Fatal(err)
	}
	sess.Stdout = &answering{screen: lockedWriter{&c.mu, &c.out}, term: term, in: c.in}
	sess.Stderr = lockedWriter{&c.mu, &c.errs}
	for k, v := range term.env {
		if err := sess.Setenv(k, v); err != nil {
			tm.t.Fatal(err)
		}
	}
	if err := sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		tm.t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		tm.t.Fatal(err)
	}
	go func() { c.ended <- sess.Wait() }()
	return c
}

// answering is a terminal's screen that answers the queries written to it.
type answering struct {
	screen io.Writer
	term   terminal
	in     io.Writer
	mu     sync.Mutex
	seen   []byte
	done   bool
}

func (a *answering) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.done {
		a.seen = append(a.seen, p...)
		if bytes.Contains(a.seen, []byte("\x1b]11;?")) && bytes.Contains(a.seen, []byte("\x1b[6n")) {
			a.done = true
			if a.term.background != "" {
				answer := "\x1b]11;" + a.term.background + "\x1b\\" + "\x1b[40;1R" + a.term.keysWith
				go func() {
					time.Sleep(a.term.after)
					_, _ = io.WriteString(a.in, answer)
				}()
			}
		}
	}
	return a.screen.Write(p)
}

// titleIn is the header's title as a session on a light or dark
// background draws it (xterm-256color).
func titleIn(dark bool) string {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	r.SetHasDarkBackground(dark)
	st := ui.NewStylesFor(r)
	return st.Title.Render("pixee-tui")
}

func checkPalette(t *testing.T, c *client, dark bool) {
	t.Helper()
	want, other := titleIn(dark), titleIn(!dark)
	if want == other {
		t.Fatal("the title is drawn alike on light and dark: the test proves nothing")
	}
	c.waitFor("pixee-tui") // the header's title
	if s := c.screen(); !strings.Contains(s, want) || strings.Contains(s, other) {
		t.Fatalf("the session is not drawn for a %s background (title %q, drawn %q)", map[bool]string{true: "dark", false: "light"}[dark], want, tail(s))
	}
}

// A terminal that says its background is light (xterm -bg white answers
// rgb:ffff/ffff/ffff) gets the light palette; one that says dark, the
// dark one. A key typed with the answer reaches the dashboard.
func TestSessionGetsThePaletteItsTerminalAnswers(t *testing.T) {
	tm := startTeam(t, nil)
	light := tm.connectAs("bob", terminal{background: "rgb:ffff/ffff/ffff", keysWith: "?"})
	checkPalette(t, light, false)
	light.waitFor("closes this help") // ? came with the answer, and was a key

	dark := tm.connectAs("alice", terminal{background: "rgb:1e1e/1e1e/1e1e"})
	checkPalette(t, dark, true)
}

// A terminal that never answers still gets its first paint, within the
// question's deadline; its answer, when it comes late, is never read as
// keys (the dashboard would take "/" for the filter, "r" for refresh…).
func TestSilentTerminalIsPaintedAndALateAnswerIsNoKey(t *testing.T) {
	tm := startTeam(t, nil)
	start := time.Now()
	c := tm.connectAs("bob", terminal{})
	c.waitFor(firstName)
	if waited := time.Since(start); waited > askBackgroundFor+5*time.Second {
		t.Fatalf("the first paint took %s", waited)
	}
	checkPalette(t, c, true) // nothing said: the config's theme (auto) falls to dark

	late := tm.connectAs("alice", terminal{background: "rgb:ffff/ffff/ffff", after: askBackgroundFor + 300*time.Millisecond})
	late.waitFor(firstName)
	time.Sleep(askBackgroundFor + 600*time.Millisecond) // the answer has come, late
	late.keys("?")
	late.waitFor("closes this help")
	if s := late.screen(); strings.Contains(s, "filter:") || strings.Contains(s, "ffff") {
		t.Fatalf("the late answer was read as keys: %q", tail(s))
	}
}

// Without an answer: the client's COLORFGBG (0;15 is black on white),
// then the user's theme:, then the config's.
func TestSilentTerminalFallsBackToColorFGBGThenTheUsersTheme(t *testing.T) {
	tm := startTeam(t, func(o *Options) {
		o.Theme = "dark"
		o.Serve.Users[1].Theme = "light" // bob
	})
	checkPalette(t, tm.connectAs("alice", terminal{env: map[string]string{"COLORFGBG": "0;15"}}), false)
	checkPalette(t, tm.connectAs("alice", terminal{}), true) // the config's dark
	checkPalette(t, tm.connectAs("bob", terminal{}), false)  // bob's light
	checkPalette(t, tm.connectAs("bob", terminal{env: map[string]string{"COLORFGBG": "15;0"}}), true)
}

func TestBackgroundAnswers(t *testing.T) {
	for _, tc := range []struct {
		in         string
		dark, ok   bool
		fgbg       string
		fgbgDark   bool
		fgbgParsed bool
	}{
		{in: "rgb:ffff/ffff/ffff", dark: false, ok: true},
		{in: "rgb:0000/0000/0000", dark: true, ok: true},
		{in: "rgb:fd/f6/e3", dark: false, ok: true}, // solarized light, two digits
		{in: "rgb:2/3/3", dark: true, ok: true},
		{in: "rgba:ffff/ffff/ffff/ffff", dark: false, ok: true},
		{in: "#ffffff", dark: false, ok: true},
		{in: "rgb:zz/00/00", ok: false},
		{in: "", ok: false},
		{fgbg: "0;15", fgbgDark: false, fgbgParsed: true},
		{fgbg: "15;0", fgbgDark: true, fgbgParsed: true},
		{fgbg: "0;default;7", fgbgDark: false, fgbgParsed: true},
		{fgbg: "7;8", fgbgDark: true, fgbgParsed: true},
		{fgbg: "15", fgbgParsed: false},
	} {
		if tc.fgbg != "" {
			if dark, ok := colorFGBG(tc.fgbg); dark != tc.fgbgDark || ok != tc.fgbgParsed {
				t.Errorf("COLORFGBG=%s: dark %v ok %v", tc.fgbg, dark, ok)
			}
			continue
		}
		if dark, ok := parseBackground(tc.in); dark != tc.dark || ok != tc.ok {
			t.Errorf("%q: dark %v ok %v, want %v %v", tc.in, dark, ok, tc.dark, tc.ok)
		}
	}
	for _, tc := range []struct {
		answered, dark           bool
		fgbg, user, conf, expect string
	}{
		{true, false, "15;0", "dark", "dark", "light"}, // the terminal's word first
		{false, false, "0;15", "dark", "dark", "light"},
		{false, false, "", "light", "dark", "light"},
		{false, false, "", "auto", "light", "light"},
		{false, false, "", "", "", "dark"},
		{true, false, "", "none", "auto", "none"}, // no colour is a wish, not a guess
		{true, false, "", "", "none", "none"},
		{true, false, "", "auto", "none", "light"},
	} {
		if got := sessionTheme(tc.answered, tc.dark, tc.fgbg, tc.user, tc.conf); got != tc.expect {
			t.Errorf("%+v: %s", tc, got)
		}
	}
}

// The answers are cut out of the input wherever they fall — split across
// reads during the question, or late — and what was typed stays, in order.
func TestAnswersAreCutFromTheInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes []string
		dark   bool
		known  bool
		rest   string
	}{
		{"one piece", []string{"\x1b]11;rgb:ffff/ffff/ffff\x07\x1b[3;1Rjk"}, false, true, "jk"},
		{"split, keys around", []string{"a\x1b]11;rgb:0000/00", "00/0000\x1b\\b\x1b[3", ";1Rc"}, true, true, "abc"},
		{"no colour: the position alone", []string{"x\x1b[3;1R", "y"}, false, false, "xy"},
		// A flood ends the question: the dashboard's input limit takes it.
		{"flood", []string{strings.Repeat("j", maxAskInput+1), "\x1b]11;rgb:0/0/0\x07\x1b[1;1Rk"}, false, false, strings.Repeat("j", maxAskInput+1) + "k"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rw := newFakeTerm()
			go func() {
				for _, w := range tc.writes {
					rw.feed <- []byte(w)
				}
				close(rw.feed)
			}()
			dark, known, in := askBackground(rw, 5*time.Second)
			if dark != tc.dark || known != tc.known {
				t.Errorf("dark %v known %v, want %v %v", dark, known, tc.dark, tc.known)
			}
			if got := rw.written.String(); got != backgroundQuery {
				t.Errorf("asked %q", got)
			}
			rest, _ := io.ReadAll(in)
			if string(rest) != tc.rest {
				t.Errorf("the dashboard reads %q, want %q", rest, tc.rest)
			}
		})
	}

	t.Run("late", func(t *testing.T) {
		rw := newFakeTerm()
		dark, known, in := askBackground(rw, 10*time.Millisecond)
		if known || dark {
			t.Fatalf("an answer from a silent terminal: dark %v known %v", dark, known)
		}
		go func() {
			rw.feed <- []byte("\x1b]11;rgb:ffff/ffff/ffff\x1b\\")
			rw.feed <- []byte("\x1b[3;1R/q")
			rw.feed <- []byte("\x1b[1;2R") // shift+F3, once the answers came: a key
			close(rw.feed)
		}()
		rest, _ := io.ReadAll(in)
		if string(rest) != "/q\x1b[1;2R" {
			t.Errorf("the dashboard reads %q, want the keys alone", rest)
		}
	})
}

// fakeTerm is a session's input and output: reads take what feed gives.
type fakeTerm struct {
	feed    chan []byte
	left    []byte // of a feed longer than a read
	written bytes.Buffer
	mu      sync.Mutex
}

func newFakeTerm() *fakeTerm { return &fakeTerm{feed: make(chan []byte)} }

func (f *fakeTerm) Read(p []byte) (int, error) {
	if len(f.left) == 0 {
		b, ok := <-f.feed
		if !ok {
			return 0, io.EOF
		}
		f.left = b
	}
	n := copy(p, f.left)
	f.left = f.left[n:]
	return n, nil
}

func (f *fakeTerm) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.written.Write(p)
}
