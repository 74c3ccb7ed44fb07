// Package config reads pixee-tui's configuration file — the customer
// accounts (profiles) a support person looks after, their key sources, key
// remaps, the theme, who may connect to team mode — and resolves the
// settings of one start with the precedence flag > environment > profile >
// default.
//
// A bad file never starts a half-working dashboard: every problem is an
// *Error naming the file, line, column and the key at fault. An API key
// never sits in the file itself; a profile names where to read it (a file,
// an environment variable or a command), and reading it is KeySource.Read.
package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/adrg/xdg"
	"go.yaml.in/yaml/v3"
)

// File is a parsed configuration file.
type File struct {
	Path           string
	DefaultProfile string
	Profiles       map[string]Profile
	Order          []string // profile ids in file order
	Keys           []KeyRemap
	Theme          string // auto, dark, light or none
	Alerts         Alerts
	Mouse          bool  // clicks and the wheel (default true)
	Accessible     bool  // lines instead of the dashboard, for screen readers (package linemode)
	Serve          Serve // team mode; its defaults when the file has no serve:
	Metrics        Metrics

	// Notify are the team's own tools told of transitions (notify.go).
	Notify []NotifyTarget
	// Views are saved filters and sorts over accounts (views.go).
	Views []View
}

// Alerts are what the dashboard does on a transition into a bad state.
type Alerts struct {
	Bell       bool          // the terminal bell (default true)
	Desktop    bool          // also a desktop notification through the terminal, OSC 9 / OSC 777 (default false)
	StuckAfter time.Duration // a sync without progress this long is stuck (default 10m)
}

// Profile is one customer account.
type Profile struct {
	ID         string // its key under profiles:
	Name       string // shown in the header; defaults to ID
	BaseURL    string
	Key        KeySource
	AuthHeader string // auto, x-api-key, bearer; "" unset
	ReadOnly   bool
	PerPage    int           // 0 unset
	Refresh    time.Duration // 0 unset
	Timeout    time.Duration // 0 unset
	Pos        Pos           // where the profile starts, for messages
}

// KeyRemap binds an action (by its stable name) to keys.
type KeyRemap struct {
	Action string
	Keys   []string
	Pos    Pos
}

// Pos is a place in the file.
type Pos struct {
	File      string
	Line, Col int
}

// Errorf is an *Error at p about the key at path.
func (p Pos) Errorf(path, format string, args ...any) *Error {
	return &Error{Pos: p, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Error is one problem in a configuration file.
type Error struct {
	Pos
	Path string // the key at fault, e.g. profiles.acme.refresh
	Msg  string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += fmt.Sprintf(":%d:%d", e.Line, e.Col)
	}
	if e.Path == "" {
		return loc + ": " + e.Msg
	}
	return loc + ": " + e.Path + ": " + e.Msg
}

// DefaultAlerts are the alerts without a config file.
func DefaultAlerts() Alerts { return Alerts{Bell: true, StuckAfter: 10 * time.Minute} }

// Themes are the values theme: takes.
var themes = []string{"auto", "dark", "light", "none"}

// DefaultPath is $XDG_CONFIG_HOME/pixee-tui/config.yaml.
func DefaultPath() string {
	return filepath.Join(xdg.ConfigHome, "pixee-tui", "config.yaml")
}

// MaxConfigFile bounds the config file: a few hundred profiles fit in a
// fraction of it, and --config /dev/zero must not be read whole.
const MaxConfigFile = 1 << 20

// Load reads the file at path. With explicit false (no --config), a
// missing file is no configuration at all: (nil, nil), and everything works
// from flags and environment as without one. The file is read through
// MaxConfigFile; a device is refused, a FIFO (--config <(…)) read through
// the same bound.
func Load(path string, explicit bool) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !explicit {
			return nil, nil
		}
		return nil, fmt.Errorf("reading the config file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading the config file: %w", err)
	}
	if st.Mode()&os.ModeDevice != 0 {
		return nil, fmt.Errorf("the config file %s is a device, not a file", path)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("the config file %s is a folder, not a file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading the config file %s: %w", path, pathless(err))
	}
	if len(data) > MaxConfigFile {
		return nil, fmt.Errorf("the config file %s is larger than %d MiB: is it the right file?", path, MaxConfigFile>>20)
	}
	return Parse(path, data)
}

// Parse parses the contents of a configuration file named name. All the
// problems found are returned, joined, each an *Error.
func Parse(name string, data []byte) (*File, error) {
	f := &File{Path: name, Profiles: map[string]Profile{}, Theme: "auto", Alerts: DefaultAlerts(), Mouse: true, Serve: DefaultServe(),
		Metrics: Metrics{Connectors: "all"}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(name, err)
	}
	if len(doc.Content) == 0 {
		return f, nil // an empty file is an empty configuration
	}
	p := &parser{file: name}
	p.top(f, doc.Content[0])
	if msg := f.UnknownAccounts(f.Serve.Accounts); msg != "" {
		p.errorf(f.Serve.AccountsPos, "serve.accounts", "%s", msg)
	}
	if f.DefaultProfile != "" {
		if _, ok := f.Profiles[f.DefaultProfile]; !ok {
			p.errorf(p.defaultPos, "default_profile", "no profile %q under profiles: (have %s)", f.DefaultProfile, strings.Join(f.Order, ", "))
		}
	}
	p.checkNotifyAccounts(f)
	p.checkViewAccounts(f)
	p.checkUserAccounts(f)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return f, nil
}

// syntaxError turns the YAML library's message into file:line form.
func syntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		_, rest, _ := strings.Cut(msg, ": ")
		return &Error{Pos: Pos{File: name, Line: line, Col: 1}, Msg: "not valid YAML: " + rest}
	}
	return &Error{Pos: Pos{File: name}, Msg: "not valid YAML: " + msg}
}

// Profile returns the profile named id, or the default one when id is "".
// ok is false when the file names no profile to use.
func (f *File) Profile(id string) (Profile, bool, error) {
	if f == nil {
		if id != "" {
			return Profile{}, false, fmt.Errorf("no config file, so no profile %q (see pixee-tui config init)", id)
		}
		return Profile{}, false, nil
	}
	if id == "" {
		id = f.DefaultProfile
		if id == "" && len(f.Order) == 1 {
			id = f.Order[0]
		}
		if id == "" {
			return Profile{}, false, nil
		}
	}
	p, ok := f.Profiles[id]
	if !ok {
		return Profile{}, false, fmt.Errorf("%s: no profile %q (have %s)", f.Path, id, strings.Join(f.Order, ", "))
	}
	return p, true, nil
}

// ValidTheme says whether theme: takes s.
func ValidTheme(s string) bool { return slices.Contains(themes, s) }
