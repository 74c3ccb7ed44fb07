package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within runs f and fails the test when it has not returned after a
// generous bound (the behaviour under test is "does not hang").
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not return", what)
	}
}

// The config file is read through a bound: a huge file is refused with a
// message saying so, and a device (--config /dev/zero) is refused at once.
func TestConfigFileIsReadThroughALimit(t *testing.T) {
	huge := filepath.Join(t.TempDir(), "config.yaml")
	f, _ := os.Create(huge)
	f.WriteString("theme: dark\n# ")
	f.Truncate(50 << 20) // sparse
	f.Close()
	var err error
	within(t, "Load of a 50 MB file", func() { _, err = Load(huge, true) })
	if err == nil || err.Error() != "the config file "+huge+" is larger than 1 MiB: is it the right file?" {
		t.Errorf("Load(50 MB) = %v", err)
	}
	if _, serr := os.Stat("/dev/zero"); serr == nil {
		within(t, "Load(/dev/zero)", func() { _, err = Load("/dev/zero", true) })
		if err == nil || !strings.Contains(err.Error(), "/dev/zero is a device") {
			t.Errorf("Load(/dev/zero) = %v", err)
		}
	}
	// Just under the bound is read.
	ok := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(ok, []byte("theme: dark\n#"+strings.Repeat("x", MaxConfigFile-20)+"\n"), 0o600)
	if c, err := Load(ok, true); err != nil || c.Theme != "dark" {
		t.Errorf("Load(1 MiB) = %v", err)
	}
}

// gone says whether a process is no more (or a zombie nobody reaps yet).
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return strings.HasPrefix(rest, "Z")
}

// A key command that times out is stopped with every process it started:
// a child left in the background (sleep 300 &) neither holds the start
// nor survives it, and the message says it timed out.
func TestKeyCommandTimeoutKillsItsChildren(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	var err error
	within(t, "the key command", func() {
		// Long enough for a loaded machine's shell to start its child and
		// write its pid; the child sleeps far longer.
		_, err = runKeyCommand(context.Background(), "sleep 300 & echo $! > "+pidFile+"; wait", 2*time.Second)
	})
	if err == nil || !strings.Contains(err.Error(), "timed out after 2s") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	b, _ := os.ReadFile(pidFile)
	pid, perr := strconv.Atoi(strings.TrimSpace(string(b)))
	if perr != nil {
		t.Fatalf("no pid written: %q", b)
	}
	for i := 0; i < 200 && !gone(pid); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if !gone(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("the command's child %d outlived it", pid)
	}
}

// A key command printing without end (yes, in a child) is stopped once it
// has printed more than a key, long before its timeout, and says so.
func TestKeyCommandPrintingWithoutEndIsStopped(t *testing.T) {
	var err error
	within(t, "the key command", func() {
		_, err = runKeyCommand(context.Background(), "yes & wait", 10*time.Minute)
	})
	if err == nil || !strings.Contains(err.Error(), "printed more than 4 KiB") {
		t.Fatalf("err = %v", err)
	}
}

// A key written where a file name, a variable's name or a command
// belongs is never shown in a message: every error names where the bad
// source was set (file:line:col and key, or the flag or variable) instead.
func TestKeySourceErrorsNameWhereNotTheKey(t *testing.T) {
	const key = "pm_live_Z9xq8MISPLACEDkey77"
	const bare = "a8Fk29dkLq02kd9QpZx7Vb3NmW" // a key of another shape
	dir := t.TempDir()
	world := filepath.Join(dir, "world.key")
	os.WriteFile(world, []byte(key), 0o644)
	os.Chmod(world, 0o644)
	getenv := func(k string) string {
		return map[string]string{"PIXEE_API_KEY_FILE": key, "EMPTY": ""}[k]
	}
	conf := func(line string) KeySource {
		t.Helper()
		f, err := Parse("config.yaml", []byte("profiles:\n  acme:\n    name: ACME\n    "+line+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		return f.Profiles["acme"].Key
	}
	flagged := func(v string) KeySource {
		s, err := Resolve(nil, "", Flags{KeyFile: &v}, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		return s.Key
	}
	fromEnv, err := Resolve(nil, "", Flags{}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		src   KeySource
		where string
	}{
		{"api_key_file holding a key", conf("api_key_file: " + key), "config.yaml:4:19: profiles.acme.api_key_file: "},
		{"api_key_file holding a bare key", conf("api_key_file: " + bare), "config.yaml:4:19: profiles.acme.api_key_file: "},
		{"api_key_file with ~/", conf("api_key_file: ~/" + key), "config.yaml:4:19: profiles.acme.api_key_file: "},
		{"--api-key-file holding a key", flagged(key), "--api-key-file: "},
		{"PIXEE_API_KEY_FILE holding a key", fromEnv.Key, "PIXEE_API_KEY_FILE: "},
		{"api_key_env holding a key", conf("api_key_env: " + key), "config.yaml:4:18: profiles.acme.api_key_env: "},
		{"api_key_command holding a key", conf("api_key_command: " + key), "config.yaml:4:22: profiles.acme.api_key_command: "},
		{"api_key_command failing with the key on stderr", conf("api_key_command: echo " + key + " >&2; exit 3"), "config.yaml:4:22: profiles.acme.api_key_command: the key command failed (exit status 3)"},
		{"api_key_env not a name", conf("api_key_env: 'x " + key + "'"), "config.yaml:4:18: profiles.acme.api_key_env: not the name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, warns, err := tt.src.Read(context.Background(), getenv)
			if err == nil {
				t.Fatal("read a key")
			}
			all := err.Error() + strings.Join(warns, "\n")
			if strings.Contains(all, key) || strings.Contains(all, bare) || strings.Contains(all, "Z9xq8") {
				t.Errorf("the key is shown: %s", all)
			}
			if !strings.HasPrefix(err.Error(), tt.where) {
				t.Errorf("err = %q, want it to begin %q", err, tt.where)
			}
		})
	}
}
