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
	"regexp"
	"strings"
	"syscall"
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

// KeySource is where to read a key; Path is the config key (or the flag,
// or the environment variable) that named it, and Pos where a config file
// set it, for messages.
type KeySource struct {
	Kind  KeyKind
	Value string
	Path  string
	Pos   Pos // zero for a flag or the environment
}

// MaxKeyFile bounds a key file: a key is a few dozen bytes, and /dev/zero
// or a 200 MB file given by mistake must not be read whole.
const MaxKeyFile = 4 << 10

// commandTimeout bounds api_key_command (a password manager asking for a
// passphrase on a terminal it does not have must not hang the start).
const commandTimeout = 30 * time.Second

// where names the source in messages: file:line:col and the config key,
// or the flag or variable.
func (s KeySource) where() string {
	switch {
	case s.Pos.File != "" && s.Pos.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s", s.Pos.File, s.Pos.Line, s.Pos.Col, s.Path)
	case s.Pos.File != "":
		return s.Pos.File + ": " + s.Path
	case s.Path != "":
		return s.Path
	}
	return "the API key source"
}

// errorf is an error about the source, prefixed with where it came from.
func (s KeySource) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %s", s.where(), fmt.Sprintf(format, args...))
}

// keyPrefix finds what looks like a Pixee key in a message; startsLikeKey
// is a value that begins as one.
var (
	keyPrefix     = regexp.MustCompile(`(?i)pm_(live|test)_[^\s'"]*`)
	startsLikeKey = regexp.MustCompile(`(?i)^pm_(live|test)_`)
)

// looksLikeKey says whether a value given where a file name, a variable's
// name or a command belongs is a key itself: Pixee's pm_live_/pm_test_
// prefix, or a single long word of letters and digits, with no '/' or '.'
// that a file name would have. Such a value is never shown in a message.
func looksLikeKey(v string) bool {
	v = strings.TrimSpace(v)
	if startsLikeKey.MatchString(v) {
		return true
	}
	if len(v) < 24 || strings.ContainsAny(v, "/. \t~") {
		return false
	}
	letters, digits := false, false
	for _, r := range v {
		switch {
		case unicode.IsDigit(r):
			digits = true
		case unicode.IsLetter(r):
			letters = true
		case r != '_' && r != '-':
			return false
		}
	}
	return letters && digits
}

// shownPath is a key file's path for a message: as given, unless it (or
// its last element, after a ~/ was expanded) looks like a key.
func shownPath(path string) string {
	if looksLikeKey(path) || looksLikeKey(filepath.Base(path)) {
		return "(not shown: it looks like a key)"
	}
	return path
}

// envName is a valid environment variable name.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Read returns the key. Warnings (a key file others can read) are for
// stderr. No error or warning ever contains the key, nor a value that
// looks like one given where a file name, a variable's name or a command
// belongs: the message names where that value was set instead.
func (s KeySource) Read(ctx context.Context, getenv func(string) string) (key string, warnings []string, err error) {
	switch s.Kind {
	case KeyFile:
		if looksLikeKey(s.Value) {
			return "", nil, s.errorf("this looks like an API key itself, not the name of a file holding one: " +
				"put the key in a file (chmod 600 it) and name the file here")
		}
		return s.readFile()
	case KeyEnv:
		if startsLikeKey.MatchString(strings.TrimSpace(s.Value)) {
			return "", nil, s.errorf("this looks like an API key itself, not the name of an environment variable: " +
				"put the key in a variable and name the variable here")
		}
		if !envName.MatchString(s.Value) {
			return "", nil, s.errorf("not the name of an environment variable (letters, digits and _)")
		}
		key = strings.TrimSpace(getenv(s.Value))
		if key == "" {
			return "", nil, s.errorf("the environment variable %s is empty or unset", s.Value)
		}
		return key, nil, nil
	case KeyCommand:
		if !strings.ContainsAny(strings.TrimSpace(s.Value), " \t") && looksLikeKey(s.Value) {
			return "", nil, s.errorf("this looks like an API key itself, not a command: name a command that prints the key (like pass show pixee/acme)")
		}
		key, err = runKeyCommand(ctx, s.Value, commandTimeout)
		if err != nil {
			return "", nil, s.errorf("%v", err)
		}
		return key, nil, nil
	}
	return "", nil, errors.New("no API key source")
}

// CommandName is the program an api_key_command runs, its base name only
// ("pass" for "PASSWORD_STORE_DIR=~/s pass show pixee/acme"), so a start
// can say what it waits for; "" for another source, or for a command that
// is (or begins with) a key. The arguments are never named: they may say
// where the key is kept.
func (s KeySource) CommandName() string {
	if s.Kind != KeyCommand || looksLikeKey(s.Value) {
		return ""
	}
	for _, w := range strings.Fields(s.Value) {
		w = strings.Trim(w, `"'`)
		if name, _, ok := strings.Cut(w, "="); ok && envName.MatchString(name) {
			continue // a variable set for the command
		}
		if w == "" || looksLikeKey(w) || keyPrefix.MatchString(w) {
			return ""
		}
		return filepath.Base(w)
	}
	return ""
}

// ReadKeyFile reads a key file through a small limit and warns, as ssh
// does, when group or others may read it.
func ReadKeyFile(path string) (key string, warnings []string, err error) {
	return KeySource{Kind: KeyFile, Value: path}.readFile()
}

func (s KeySource) readFile() (key string, warnings []string, err error) {
	path := ExpandHome(s.Value)
	prefix := ""
	if s.Path != "" {
		prefix = s.where() + ": "
	}
	shown := shownPath(path)
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", nil, fmt.Errorf("%sreading the API key file %s: %w", prefix, shown, pathless(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o077 != 0 {
		warnings = append(warnings, fmt.Sprintf("warning: %sthe API key file %s can be read by other users (mode %04o); fix it with: chmod 600 %s",
			prefix, shown, st.Mode().Perm(), shellQuote(shown)))
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxKeyFile+1))
	if err != nil {
		return "", warnings, fmt.Errorf("%sreading the API key file %s: %w", prefix, shown, pathless(err))
	}
	if len(b) > MaxKeyFile {
		return "", warnings, fmt.Errorf("%sthe API key file %s is larger than %d KiB: is it the right file?", prefix, shown, MaxKeyFile>>10)
	}
	key = strings.TrimSpace(string(b))
	if key == "" {
		return "", warnings, fmt.Errorf("%sthe API key file %s is empty", prefix, shown)
	}
	return key, warnings, nil
}

// pathless is an error without the path a *PathError repeats (the message
// names the file once, as shown).
func pathless(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// runKeyCommand runs a shell command and takes its trimmed stdout as the
// key. Its output is never logged or shown: a failure says the exit status
// and the first line of stderr (anything in it that looks like a key
// masked). The command runs in a process group of its own, and the whole
// group is killed when it times out or prints more than a key: a child
// left behind (sleep 300 &, yes) must neither hold the start nor grow
// memory.
func runKeyCommand(ctx context.Context, command string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The group: the shell's pid is its id (Setpgid).
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	// A grandchild that left the group and holds the pipes open is not
	// waited for past this.
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	tooMuch := false
	cmd.Stdout = &limitedBuffer{buf: &stdout, left: MaxKeyFile + 1, full: func() { tooMuch = true; cancel() }}
	cmd.Stderr = &limitedBuffer{buf: &stderr, left: 4 << 10}
	err := cmd.Run()
	if tooMuch || stdout.Len() > MaxKeyFile {
		return "", fmt.Errorf("the key command printed more than %d KiB: is it the right command? (it was stopped)", MaxKeyFile>>10)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "", fmt.Errorf("the key command timed out after %s and was stopped (with every process it started)", timeout)
	}
	if err != nil {
		var ee *exec.ExitError
		status := err.Error()
		if errors.As(err, &ee) {
			status = fmt.Sprintf("exit status %d", ee.ExitCode())
		}
		if line := firstLine(stderr.String()); line != "" {
			return "", fmt.Errorf("the key command failed (%s): %s", status, keyPrefix.ReplaceAllString(line, "pm_…"))
		}
		return "", fmt.Errorf("the key command failed (%s)", status)
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
// When full is set, it is called once the limit is passed and the
// writer fails from then on (the command is stopped).
type limitedBuffer struct {
	buf  *bytes.Buffer
	left int
	full func()
}

func (w *limitedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	over := len(p) > w.left
	if over {
		p = p[:w.left]
	}
	w.buf.Write(p)
	w.left -= len(p)
	if over && w.full != nil {
		w.full()
		w.full = nil
		return len(p), errors.New("too much output")
	}
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
