package linemode

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/config"
)

// syncBuffer is what the line mode wrote, read while it writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// person is a run of the line mode on a sandbox account, opened by the
// one opener, with a person typing into it.
type person struct {
	t    *testing.T
	sb   *sandbox.Server
	in   *io.PipeWriter
	out  *syncBuffer
	done chan error
	mark int // wait's search starts here
}

type setup struct {
	sandbox  sandbox.Options
	readOnly bool
	before   func(sb *sandbox.Server) // changes to the data before the start
	opts     func(o *Options)
}

func start(t *testing.T, su setup) *person {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	sb := sandbox.New(su.sandbox)
	if su.before != nil {
		su.before(sb)
	}
	u, stop, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	s := config.ProfileSettings(config.Profile{})
	s.ReadOnly = su.readOnly
	acc, err := account.Opener{StateHome: t.TempDir()}.Demo(s, u, sb.APIKey())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(acc.Close)
	r, w := io.Pipe()
	p := &person{t: t, sb: sb, in: w, out: &syncBuffer{}, done: make(chan error, 1)}
	o := Options{Account: acc.Session, Name: acc.Name, Host: acc.Host, Demo: true, User: "tester", In: r, Out: p.out, Bell: true}
	if su.opts != nil {
		su.opts(&o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { p.done <- Run(ctx, o) }()
	t.Cleanup(func() {
		cancel()
		w.Close()
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			t.Error("the line mode did not end")
		}
	})
	return p
}

// typeLine types one command and Enter.
func (p *person) typeLine(s string) {
	p.t.Helper()
	if _, err := io.WriteString(p.in, s+"\n"); err != nil {
		p.t.Fatal(err)
	}
}

// wait waits for what to be written after the last wait's find, and
// returns the line that holds it.
func (p *person) wait(what string) string {
	p.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out := p.out.String()
		if i := strings.Index(out[p.mark:], what); i >= 0 {
			at := p.mark + i
			from := strings.LastIndexByte(out[:at], '\n') + 1
			to := strings.IndexByte(out[at:], '\n')
			if to < 0 {
				to = len(out) - at
			}
			p.mark = at + len(what)
			return out[from : at+to]
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waited for %q; after the last find the output is:\n%s", what, tail(out[p.mark:], 3000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (p *person) posts() int {
	st := p.sb.Stats()
	return st.ByRoute["POST /connectors/{id}/sync"] + st.ByRoute["POST /connectors/{id}/test"]
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// assertPlain fails on anything in out that is not a line of text: an
// escape sequence or control other than the bell and line ends, a C1
// control, a box-drawing, block or braille character, or broken UTF-8.
func assertPlain(t *testing.T, out string) {
	t.Helper()
	for i, r := range out {
		bad := ""
		switch {
		case r == utf8.RuneError:
			bad = "broken UTF-8"
		case r == 0x1b:
			bad = "an escape sequence"
		case r < ' ' && r != '\n' && r != '\r' && r != '\a':
			bad = "a control character"
		case r >= 0x7f && r < 0xa0:
			bad = "a C1 control"
		case r >= 0x2500 && r <= 0x259f:
			bad = "box drawing"
		case r >= 0x2800 && r <= 0x28ff:
			bad = "braille"
		}
		if bad != "" {
			t.Fatalf("%s (%U) at byte %d: %q", bad, r, i, out[max(0, i-80):min(len(out), i+40)])
		}
	}
}

// linesWith are the lines of out holding s.
func linesWith(out, s string) []string {
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			got = append(got, l)
		}
	}
	return got
}
