package main

// End-to-end tests of the built binary: the demo in a real pseudo-terminal
// (the terminal must be restored on exit), and the command line's refusals
// (one line on stderr, a non-zero exit, no stack trace).

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/pixee/pixee-tui/api/sandbox"
)

const e2eVersion = "v1.2.3-e2e"

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildOut  []byte
)

// binary builds pixee-tui once per test run, with a version stamped in.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pixee-tui-e2e")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "pixee-tui")
		cmd := exec.Command("go", "build", "-o", builtBin, "-ldflags", "-X github.com/pixee/pixee-tui/app.version="+e2eVersion, ".")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// cleanEnv is the test's environment without any Pixee configuration.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		// TMUX too: run inside tmux, the program would write for it.
		if strings.HasPrefix(kv, "PIXEE_") || strings.HasPrefix(kv, "TERM=") || strings.HasPrefix(kv, "NO_COLOR=") ||
			strings.HasPrefix(kv, "TMUX") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// syncBuffer collects a terminal's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// demoRun is the demo running in a 100x30 pseudo-terminal, its output
// collected as it comes.
type demoRun struct {
	t        *testing.T
	cmd      *exec.Cmd
	tty      *os.File
	out      syncBuffer
	copied   chan struct{}
	exited   chan error
	deadline time.Time
}

// startDemo starts the demo in a pseudo-terminal and waits for the list.
// The demo reads the config file's settings: an empty config folder keeps
// the person's own out of the test.
func startDemo(t *testing.T) *demoRun {
	t.Helper()
	return startRun(t, []string{"--demo"}, "TERM=xterm-256color", "XDG_CONFIG_HOME="+t.TempDir())
}

// startRun starts pixee-tui with args in a pseudo-terminal and waits for
// the list.
func startRun(t *testing.T, args []string, env ...string) *demoRun {
	t.Helper()
	return startRunUntil(t, args, "the connector list", func(s string) bool {
		return strings.Contains(s, "My Shopify Store") && strings.Contains(s, "Boutique")
	}, env...)
}

// startRunUntil starts pixee-tui with args in a pseudo-terminal and waits
// until its output says what first.
func startRunUntil(t *testing.T, args []string, what string, first func(string) bool, env ...string) *demoRun {
	t.Helper()
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no /dev/ptmx:", err)
	}
	bin := binary(t)
	d := &demoRun{t: t, copied: make(chan struct{}), exited: make(chan error, 1), deadline: time.Now().Add(30 * time.Second)}
	d.cmd = exec.Command(bin, args...)
	d.cmd.Env = cleanEnv(env...)
	tty, err := pty.StartWithSize(d.cmd, &pty.Winsize{Rows: 30, Cols: 100})
	if err != nil {
		t.Skip("cannot start a pseudo-terminal:", err)
	}
	d.tty = tty
	t.Cleanup(func() { tty.Close() })
	go func() {
		defer close(d.copied)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			if n > 0 {
				chunk := buf[:n]
				d.out.Write(chunk)
				// Answer the colour and cursor queries a real terminal would,
				// so startup does not wait for their timeouts.
				if bytes.Contains(chunk, []byte("\x1b]11;?")) {
					tty.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\"))
				}
				if bytes.Contains(chunk, []byte("\x1b[6n")) {
					tty.Write([]byte("\x1b[1;1R"))
				}
			}
			if err != nil {
				return // EIO once the program has exited
			}
		}
	}()
	go func() { d.exited <- d.cmd.Wait() }()
	d.waitFor(what, first)
	return d
}

func (d *demoRun) waitFor(what string, cond func(string) bool) {
	d.t.Helper()
	for !cond(d.out.String()) {
		select {
		case err := <-d.exited:
			d.t.Fatalf("pixee-tui exited (%v) while waiting for %s; output:\n%q", err, what, d.out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(d.deadline) {
			d.cmd.Process.Kill()
			d.t.Fatalf("timed out waiting for %s; output:\n%q", what, d.out.String())
		}
	}
}

// wait waits for the program to exit after what, and returns Wait's error.
func (d *demoRun) wait(after string) error {
	d.t.Helper()
	var werr error
	select {
	case werr = <-d.exited:
	case <-time.After(time.Until(d.deadline)):
		d.cmd.Process.Kill()
		d.t.Fatalf("pixee-tui did not exit after %s; output:\n%q", after, d.out.String())
	}
	<-d.copied
	return werr
}

// assertRestored checks the terminal is left as it was found: the
// alternate screen entered and left again, the cursor shown at the end,
// nothing of the dashboard drawn after leaving.
func (d *demoRun) assertRestored() {
	d.t.Helper()
	s := d.out.String()
	enter := strings.Index(s, "\x1b[?1049h")
	leave := strings.LastIndex(s, "\x1b[?1049l")
	if enter < 0 || leave < enter {
		d.t.Fatalf("the alternate screen was not entered and left (enter at %d, leave at %d); tail:\n%q", enter, leave, tail(s, 600))
	}
	show := strings.LastIndex(s, "\x1b[?25h")
	hide := strings.LastIndex(s, "\x1b[?25l")
	if show < 0 || show < hide {
		d.t.Fatalf("the cursor is left hidden (last hide at %d, last show at %d); tail:\n%q", hide, show, tail(s, 600))
	}
	if strings.Contains(s[leave:], "My Shopify Store") {
		d.t.Fatalf("the dashboard was drawn after leaving the alternate screen; tail:\n%q", tail(s, 600))
	}
}

// The demo runs in a 100x30 pseudo-terminal: the connectors appear, j moves
// the selection, q quits with status 0, and the terminal is left as it was
// found: the alternate screen is entered and left again, and the cursor is
// shown again at the end.
func TestE2EDemoInPseudoTerminal(t *testing.T) {
	d := startDemo(t)
	seen := len(d.out.String())
	if _, err := d.tty.Write([]byte("j")); err != nil {
		t.Fatal(err)
	}
	// The selection moves to the second row: its detail is drawn.
	d.waitFor("the second connector's detail", func(s string) bool {
		return len(s) > seen && strings.Contains(s[seen:], "Boutique")
	})
	if _, err := d.tty.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if werr := d.wait("q"); werr != nil {
		t.Fatalf("exit: %v (want status 0); output tail:\n%q", werr, tail(d.out.String(), 600))
	}
	d.assertRestored()
}

// SIGHUP (a closed terminal window, a dropped ssh session) and SIGQUIT end
// the program like SIGTERM: it exits by itself, not killed by the signal,
// and the terminal is restored.
func TestE2EHangupAndQuitSignalsRestoreTheTerminal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			d := startDemo(t)
			if err := d.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			werr := d.wait(sig.String())
			if st := d.cmd.ProcessState; st == nil || !st.Exited() {
				t.Fatalf("pixee-tui was ended by the signal (%v), not by itself; output tail:\n%q", werr, tail(d.out.String(), 600))
			}
			d.assertRestored()
		})
	}
}

// Two signals back to back — TERM then HUP, HUP then TERM (a terminal
// closed while kill runs), INT then HUP — still end the program by itself,
// with the terminal restored. With Bubble Tea's own signal handler, a TERM
// arriving once its event loop had stopped blocked that handler for ever:
// the process outlived its terminal and ignored every later TERM (about one
// run in sixteen). Each pair is sent several times, as the race needs.
func TestE2ETwoSignalsInARowStillEndTheProgram(t *testing.T) {
	pairs := [][2]syscall.Signal{
		{syscall.SIGTERM, syscall.SIGHUP},
		{syscall.SIGHUP, syscall.SIGTERM},
		{syscall.SIGINT, syscall.SIGHUP},
		{syscall.SIGHUP, syscall.SIGHUP},
	}
	for _, pair := range pairs {
		t.Run(pair[0].String()+"+"+pair[1].String(), func(t *testing.T) {
			for range 4 {
				d := startDemo(t)
				d.cmd.Process.Signal(pair[0])
				d.cmd.Process.Signal(pair[1])
				werr := d.wait(pair[0].String() + " and " + pair[1].String())
				if st := d.cmd.ProcessState; st == nil || !st.Exited() {
					t.Fatalf("pixee-tui was ended by a signal (%v), not by itself; output tail:\n%q", werr, tail(d.out.String(), 600))
				}
				d.assertRestored()
			}
		})
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// The command line refuses what it cannot run with one line on stderr
// naming the problem, a non-zero status and no stack trace.
func TestE2ECommandLineRefusals(t *testing.T) {
	bin := binary(t)
	cases := []struct {
		name string
		args []string
		env  []string
		want []string // all in the one line
	}{
		{"no API key", nil, nil, []string{"PIXEE_API_KEY", "--demo"}},
		{"per page 0", []string{"--per-page", "0"}, []string{"PIXEE_API_KEY=pm_test_e2e"}, []string{"--per-page"}},
		{"plain http base URL", []string{"--base-url", "http://example.com"}, []string{"PIXEE_API_KEY=pm_test_e2e"},
			[]string{"plain http", "example.com", "https"}},
		{"unknown flag", []string{"--colour"}, nil, []string{"--colour", "--help"}},
		// Here stdout is a pipe, as with pixee-tui > file.
		{"stdout not a terminal, demo", []string{"--demo"}, nil, []string{"stdout is not a terminal", "pixee-tui sandbox"}},
		{"stdout not a terminal", nil, []string{"PIXEE_API_KEY=pm_test_e2e"}, []string{"stdout is not a terminal"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, tc.args...)
			cmd.Env = cleanEnv(tc.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() == 0 {
				t.Fatalf("exit = %v, want a non-zero status; stderr %q", err, stderr.String())
			}
			msg := stderr.String()
			if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") {
				t.Fatalf("stderr is not one line: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("stderr %q does not mention %q", msg, w)
				}
			}
			for _, bad := range []string{"goroutine ", "panic", ".go:", "pm_test_e2e"} {
				if strings.Contains(msg, bad) {
					t.Errorf("stderr holds %q: %q", bad, msg)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout is not empty: %q", stdout.String())
			}
		})
	}
}

// --version prints the version stamped at build time and exits 0.
func TestE2EVersion(t *testing.T) {
	bin := binary(t)
	cmd := exec.Command(bin, "--version")
	cmd.Env = cleanEnv()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("--version: %v", err)
	}
	if got := string(out); got != "pixee-tui "+e2eVersion+"\n" {
		t.Fatalf("--version printed %q, want %q", got, "pixee-tui "+e2eVersion+"\n")
	}
}

// pixee-tui > file, typed at a terminal: stdin and stderr are the terminal,
// stdout a file. One line on stderr says why nothing runs, the status is 2,
// and nothing is drawn into the file.
func TestE2EStdoutRedirectedAtATerminal(t *testing.T) {
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no /dev/ptmx:", err)
	}
	bin := binary(t)
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--demo")
	cmd.Env = cleanEnv("TERM=xterm-256color")
	cmd.Stdout = file
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 100})
	if err != nil {
		t.Skip("cannot start a pseudo-terminal:", err)
	}
	defer tty.Close()
	var out syncBuffer
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	err = cmd.Wait()
	<-copied
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("exit = %v, want status 2; terminal got %q", err, tail(out.String(), 600))
	}
	if got := strings.TrimSpace(out.String()); got != "pixee-tui: stdout is not a terminal; the dashboard needs one (for scripts: pixee-tui connectors list; or serve the API with: pixee-tui sandbox)" {
		t.Errorf("terminal got %q, want the one line", got)
	}
	if fi, err := file.Stat(); err != nil || fi.Size() != 0 {
		t.Errorf("the file got %d bytes, want none (%v)", fi.Size(), err)
	}
}

// startOnSandbox runs the dashboard in a pty against a sandbox served by
// the test (so the test can change what it answers), with config and
// state in a temporary folder.
func startOnSandbox(t *testing.T) (*sandbox.Server, *demoRun) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 42, ReadLimit: -1, WriteLimit: -1})
	u, stop, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	state := t.TempDir()
	d := startRun(t, nil, "TERM=xterm-256color", "PIXEE_BASE_URL="+u, "PIXEE_API_KEY="+sb.APIKey(),
		"XDG_STATE_HOME="+state, "XDG_CONFIG_HOME="+state)
	return sb, d
}

// oscs are terminal control strings, some ended by BEL themselves.
var oscs = regexp.MustCompile("\x1b\\][^\x07\x1b]*(\x07|\x1b\\\\)")

func bells(s string) int { return strings.Count(oscs.ReplaceAllString(s, ""), "\a") }

// The bell rings when a connector turns to error, and not while nothing
// changes: the dashboard against a sandbox served by this test, in a pty.
func TestE2EBellOnTransitionToError(t *testing.T) {
	sb, d := startOnSandbox(t)
	time.Sleep(2 * time.Second) // the first detail arrives, and more polling
	if n := bells(d.out.String()); n != 0 {
		t.Fatalf("%d bells while nothing changed", n)
	}
	sb.SetStatus(sb.IDs()[0], "error") // the selected connector
	d.waitFor("the bell", func(s string) bool { return bells(s) > 0 })
	d.waitFor("the event in the header", func(s string) bool { return strings.Contains(s, "1 new") })
	d.tty.Write([]byte("q"))
	if err := d.wait("q"); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if n := bells(d.out.String()); n != 1 {
		t.Errorf("%d bells for one transition", n)
	}
}

// y in a real terminal: the id reaches the clipboard through OSC 52, in
// one piece.
func TestE2ECopyIDThroughTheTerminal(t *testing.T) {
	sb, d := startOnSandbox(t)
	d.tty.Write([]byte("y"))
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(sb.IDs()[0])) + "\a"
	d.waitFor("the OSC 52 sequence", func(s string) bool { return strings.Contains(s, want) })
	d.tty.Write([]byte("q"))
	if err := d.wait("q"); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if n := strings.Count(d.out.String(), "\x1b]52;"); n != 1 {
		t.Errorf("%d clipboard sequences, want 1", n)
	}
}

// The demo takes the config file's own settings, as any start does: its
// keys (quit moved to ctrl+q), its mouse (off: no mouse reporting asked of
// the terminal) and its theme (none: no colour drawn).
func TestE2EDemoTakesTheConfigFilesSettings(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte("theme: none\nmouse: false\nkeys:\n  quit: [ctrl+q]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := startRun(t, []string{"--demo", "--config", p}, "TERM=xterm-256color", "XDG_CONFIG_HOME="+dir)
	d.waitFor("the remapped key in the help line", func(s string) bool { return strings.Contains(s, "ctrl+q") })
	if _, err := d.tty.Write([]byte{0x11}); err != nil { // ctrl+q
		t.Fatal(err)
	}
	if werr := d.wait("ctrl+q"); werr != nil {
		t.Fatalf("exit: %v (want status 0); output tail:\n%q", werr, tail(d.out.String(), 600))
	}
	s := d.out.String()
	if strings.Contains(s, "\x1b[?1002h") || strings.Contains(s, "\x1b[?1003h") {
		t.Errorf("mouse reporting was turned on despite mouse: false")
	}
	if colour := regexp.MustCompile("\x1b\\[[0-9;]*[34]8;[25];"); colour.MatchString(s) {
		t.Errorf("colour was drawn despite theme: none: %q", colour.FindString(s))
	}
	d.assertRestored()
}
