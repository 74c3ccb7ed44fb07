package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// y inside a real tmux: with set-clipboard on, tmux's buffer holds the id
// (tmux took the plain sequence); with its default (external) and no
// passthrough, the dashboard says which option to set.
func TestE2ECopyInsideTmux(t *testing.T) {
	tmuxBin, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed: copying inside tmux is not tried")
	}
	bin := binary(t)
	sb := sandbox.New(sandbox.Options{Seed: 42, ReadLimit: -1, WriteLimit: -1})
	u, stop, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	id := sb.IDs()[0]
	for _, setting := range []string{"on", "external"} {
		t.Run(setting, func(t *testing.T) {
			dir, err := os.MkdirTemp("", "tmux") // short: a socket path has 108 bytes
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			conf := filepath.Join(dir, "tmux.conf")
			if err := os.WriteFile(conf, []byte("set -g set-clipboard "+setting+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			sock := filepath.Join(dir, "s")
			tmux := func(args ...string) (string, error) {
				cmd := exec.Command(tmuxBin, append([]string{"-S", sock, "-f", conf}, args...)...)
				cmd.Env = cleanEnv("XDG_STATE_HOME="+dir, "XDG_CONFIG_HOME="+dir, "HOME="+dir)
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			if out, err := tmux("new-session", "-d", "-s", "dash", "-x", "100", "-y", "30",
				"-e", "PIXEE_BASE_URL="+u, "-e", "PIXEE_API_KEY="+sb.APIKey(), bin); err != nil {
				t.Skipf("tmux cannot start a session: %v %s", err, out)
			}
			t.Cleanup(func() { _, _ = tmux("kill-server") })
			screen := func() string { out, _ := tmux("capture-pane", "-p", "-t", "dash"); return out }
			waitFor := func(what string, cond func() bool) {
				t.Helper()
				for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("timed out waiting for %s; screen:\n%s", what, screen())
					}
				}
			}
			waitFor("the connector list", func() bool { return strings.Contains(screen(), "My Shopify Store") })
			if out, err := tmux("send-keys", "-t", "dash", "y"); err != nil {
				t.Fatalf("send-keys: %v %s", err, out)
			}
			if setting == "on" {
				waitFor("the id in tmux's buffer", func() bool { out, _ := tmux("show-buffer"); return out == id })
				waitFor("the copy said", func() bool { return strings.Contains(screen(), "sent the id of") })
				time.Sleep(tmuxSettle)
				if s := screen(); strings.Contains(s, "set-clipboard") {
					t.Fatalf("a hint to set what is set:\n%s", s)
				}
				return
			}
			waitFor("the hint of the option to set", func() bool { return strings.Contains(screen(), "set -g set-clipboard on") })
			if out, _ := tmux("show-buffer"); strings.Contains(out, id) {
				t.Fatalf("tmux took the copy with set-clipboard %s: the test proves nothing", setting)
			}
		})
	}
}

// tmuxSettle is how long the answer of tmux to the dashboard's question
// may take to show on screen.
const tmuxSettle = 500 * time.Millisecond
