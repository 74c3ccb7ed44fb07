package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The real binary in team mode: a watcher from --authorized-keys sees the
// sandbox's connectors over SSH, and SIGTERM ends the session cleanly (the
// dashboard leaves the alternate screen and says why) and the server
// exits 0.
func TestE2ETeamModeServesAndStopsOnSIGTERM(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " carol\n"
	keys := filepath.Join(dir, "team.pub")
	if err := os.WriteFile(keys, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	var stderr syncBuffer
	cmd := exec.Command(bin, "serve", "--demo", "--listen", addr, "--authorized-keys", keys)
	cmd.Env = cleanEnv("XDG_STATE_HOME="+filepath.Join(dir, "state"), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	var conn *gossh.Client
	for deadline := time.Now().Add(20 * time.Second); ; {
		conn, err = gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "x", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 2 * time.Second})
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("dial: %v\nserver: %s", err, stderr.String())
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	sess.Stdout = &out
	if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- sess.Wait() }()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), "My Shopify Store"); {
		if time.Now().After(deadline) {
			t.Fatalf("no connector on screen; the session wrote %q\nserver: %s", tail(out.String(), 300), stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "carol · watch") {
		t.Errorf("the header does not name the user and role: %q", tail(out.String(), 300))
	}
	if !strings.Contains(stderr.String(), "carol (watch) connected") {
		t.Errorf("the server log does not say who connected: %s", stderr.String())
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("the session ended with %v, want exit 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end on SIGTERM")
	}
	if s := out.String(); !strings.Contains(s, "\x1b[?1049l") || !strings.Contains(s, "the team server is stopping") {
		t.Errorf("the session was not ended cleanly: %q", tail(s, 300))
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("serve exited with %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not exit on SIGTERM")
	}
}
