package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// The built program, started with --accessible in a real pseudo-terminal
// on an account, as a screen-reader user runs it: what it writes holds no
// escape sequence, no box drawing and no braille; commands typed at the
// terminal's own line editing are answered in lines; a sync asked and
// answered yes is sent once.
func TestAccessibleModeInATerminal(t *testing.T) {
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no /dev/ptmx:", err)
	}
	bin := binary(t)
	sb := sandbox.New(sandbox.Options{Seed: 11, Connectors: 40, ReadLimit: -1, WriteLimit: -1, SyncFailureRate: -1})
	u, stop, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	home := t.TempDir()
	cmd := exec.Command(bin, "--accessible")
	cmd.Env = cleanEnv("HOME="+home, "XDG_CONFIG_HOME="+home+"/config", "XDG_STATE_HOME="+home+"/state",
		"PIXEE_BASE_URL="+u, "PIXEE_API_KEY="+sb.APIKey(), "TERM=xterm-256color")
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
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	mark := 0
	wait := func(what string) {
		t.Helper()
		for {
			s := out.String()
			if i := strings.Index(s[mark:], what); i >= 0 {
				mark += i + len(what)
				return
			}
			select {
			case err := <-exited:
				exited <- err
				<-copied // what it wrote before it exited
				if strings.Contains(out.String()[mark:], what) {
					continue
				}
				t.Fatalf("pixee-tui exited (%v) while waiting for %q:\n%s", err, what, out.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("timed out waiting for %q:\n%s", what, s)
			}
		}
	}
	typeLine := func(s string) { tty.Write([]byte(s + "\r")) }

	wait("accessible mode")
	wait("Type list for the connectors")
	typeLine("list")
	wait("Page 1 of 2: 1 to 20 of 40 connectors")
	typeLine("sync 1 4006381333931")
	wait("? yes or no.")
	typeLine("yes")
	wait("is queued: 1 product")
	typeLine("quit")
	wait("Goodbye.")
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit: %v", err)
		}
	case <-time.After(time.Until(deadline)):
		cmd.Process.Kill()
		t.Fatal("pixee-tui did not exit after quit")
	}
	<-copied
	if n := sb.Stats().ByRoute["POST /connectors/{id}/sync"]; n != 1 {
		t.Errorf("%d syncs sent, want 1", n)
	}
	// Not even Bubble Tea v1's query of the terminal's background, sent
	// from its package init (internal/quietstart keeps it from asking).
	shown := out.String()
	for i, r := range shown {
		if r == 0x1b || (r < ' ' && r != '\n' && r != '\r' && r != '\a') || (r >= 0x7f && r < 0xa0) ||
			(r >= 0x2500 && r <= 0x259f) || (r >= 0x2800 && r <= 0x28ff) {
			t.Fatalf("%U at byte %d of what the terminal showed: %q", r, i, shown)
		}
	}
}

// accessible: true in the config file (at the default path, under
// XDG_CONFIG_HOME) starts the line mode as silently as --accessible: not
// even Bubble Tea's load-time query of the terminal's background is
// written.
func TestAccessibleFromTheConfigFileWritesNoEscape(t *testing.T) {
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no /dev/ptmx:", err)
	}
	bin := binary(t)
	sb := sandbox.New(sandbox.Options{Seed: 11, Connectors: 5, ReadLimit: -1})
	u, stop, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	home := t.TempDir()
	if err := os.MkdirAll(home+"/config/pixee-tui", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(home+"/config/pixee-tui/config.yaml", []byte("theme: auto\naccessible: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = cleanEnv("HOME="+home, "XDG_CONFIG_HOME="+home+"/config", "XDG_STATE_HOME="+home+"/state",
		"PIXEE_BASE_URL="+u, "PIXEE_API_KEY="+sb.APIKey(), "TERM=xterm-256color")
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
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "Type list for the connectors") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the line mode did not start:\n%q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	tty.Write([]byte("quit\r"))
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
	<-copied
	if i := strings.IndexByte(out.String(), 0x1b); i >= 0 {
		t.Errorf("an escape at byte %d of what the terminal showed: %q", i, out.String())
	}
}
