package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode"
)

// KeyKind says where a profile's API key comes from.
type KeyKind int

const (
	KeyNone    KeyKind = iota
	KeyFile            // api_key_file: a file holding the key
	KeyEnv             // api_key_env: the name of an environment variable
	KeyCommand         // api_key_command: a shell command printing the key
)

// KeySource is where to read a key; Path is the config key that named it,
// for messages.
type KeySource struct {
	Kind  KeyKind
	Value string
	Path  string
}

// MaxKeyFile bounds a key file: a key is a few dozen bytes, and /dev/zero
// or a 200 MB file given by mistake must not be read whole.
const MaxKeyFile = 4 << 10

// commandTimeout bounds api_key_command (a password manager asking for a
// passphrase on a terminal it does not have must not hang the start).
const commandTimeout = 30 * time.Second

// Read returns the key. Warnings (a key file others can read) are for
// stderr. No error or warning ever contains the key.
func (s KeySource) Read(ctx context.Context, getenv func(string) string) (key string, warnings []string, err error) {
	switch s.Kind {
	case KeyFile:
		return ReadKeyFile(s.Value)
	case KeyEnv:
		key = strings.TrimSpace(getenv(s.Value))
		if key == "" {
			return "", nil, fmt.Errorf("%s: the environment variable %s is empty or unset", s.Path, s.Value)
		}
		return key, nil, nil
	case KeyCommand:
		key, err = runKeyCommand(ctx, s.Value)
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", s.Path, err)
		}
		return key, nil, nil
	}
	return "", nil, errors.New("no API key source")
}

// ReadKeyFile reads a key file through a small limit and warns, as ssh
// does, when group or others may read it.
func ReadKeyFile(path string) (key string, warnings []string, err error) {
	path = ExpandHome(path)
	f, err := os.Open(path)
	if err != nil {
		return "", nil, fmt.Errorf("reading the API key file: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o077 != 0 {
		warnings = append(warnings, fmt.Sprintf("warning: the API key file %s can be read by other users (mode %04o); fix it with: chmod 600 %s",
			path, st.Mode().Perm(), shellQuote(path)))
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxKeyFile+1))
	if err != nil {
		return "", warnings, fmt.Errorf("reading the API key file %s: %w", path, err)
	}
	if len(b) > MaxKeyFile {
		return "", warnings, fmt.Errorf("the API key file %s is larger than %d KiB: is it the right file?", path, MaxKeyFile>>10)
	}
	key = strings.TrimSpace(string(b))
	if key == "" {
		return "", warnings, fmt.Errorf("the API key file %s is empty", path)
	}
	return key, warnings, nil
}

// runKeyCommand runs a shell command and takes its trimmed stdout as the
// key. Its output is never logged or shown: a failure says the exit status
// and the first line of stderr.
func runKeyCommand(ctx context.Context, command string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &limitedBuffer{buf: &stdout, left: MaxKeyFile + 1}
	cmd.Stderr = &limitedBuffer{buf: &stderr, left: 4 << 10}
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return "", fmt.Errorf("the key command did not finish within %s", commandTimeout)
	}
	if err != nil {
		var ee *exec.ExitError
		status := err.Error()
		if errors.As(err, &ee) {
			status = fmt.Sprintf("exit status %d", ee.ExitCode())
		}
		if line := firstLine(stderr.String()); line != "" {
			return "", fmt.Errorf("the key command failed (%s): %s", status, line)
		}
		return "", fmt.Errorf("the key command failed (%s)", status)
	}
	if stdout.Len() > MaxKeyFile {
		return "", fmt.Errorf("the key command printed more than %d KiB: is it the right command?", MaxKeyFile>>10)
	}
	key := strings.TrimSpace(stdout.String())
	if key == "" {
		return "", errors.New("the key command printed nothing")
	}
	return key, nil
}

// firstLine is the first non-empty line of s, without control characters,
// at most 200 bytes.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		l = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, strings.TrimSpace(l))
		if l != "" {
			if len(l) > 200 {
				l = l[:200] + "…"
			}
			return l
		}
	}
	return ""
}

// limitedBuffer keeps at most left bytes and swallows the rest, so a
// runaway command cannot fill memory; one byte over tells "too much".
type limitedBuffer struct {
	buf  *bytes.Buffer
	left int
}

func (w *limitedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) > w.left {
		p = p[:w.left]
	}
	w.buf.Write(p)
	w.left -= len(p)
	return n, nil
}

// ExpandHome turns a leading "~/" into the user's home directory.
func ExpandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}

// shellQuote quotes a path for a command to copy and paste.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+=:,@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
