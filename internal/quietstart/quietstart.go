// Package quietstart keeps the program from querying the terminal while it
// loads when the line mode for screen readers is asked for.
//
// Bubble Tea v1 asks the terminal for its background colour in its
// package init (tea_init.go), before main runs and whatever the flags: an
// escape sequence a braille display or a screen reader would meet first.
// termenv never asks a terminal whose TERM is "dumb", so when --accessible
// or PIXEE_ACCESSIBLE is on the command line or in the environment, or
// accessible: true in the config file (ConfigAsks reads that one key, from
// the file --config names or the default one), this package's init sets
// TERM to "dumb" before Bubble Tea's runs, and main puts it back with
// Restore before anything else (a key command, an SSH session, a child
// process sees the person's TERM).
//
// It works because Go initialises packages in import-path order among
// those ready: this one needs only the standard library and adrg/xdg (the
// standard library alone on unix), and sorts before golang.org/x/sys,
// which termenv (and so lipgloss and Bubble Tea) waits for. The tests of
// the line mode in a real terminal fail if that ever stops holding.
package quietstart

import (
	"os"
	"strings"
)

var (
	active  bool
	term    string
	hadTerm bool
)

func init() {
	if !Asked(os.Args[1:], os.Getenv("PIXEE_ACCESSIBLE")) && !ConfigAsks(os.Args[1:]) {
		return
	}
	term, hadTerm = os.LookupEnv("TERM")
	if os.Setenv("TERM", "dumb") == nil {
		active = true
	}
}

// Asked says the line mode is asked for by args (--accessible, or
// --accessible=true before any "--") or by env (PIXEE_ACCESSIBLE's value).
func Asked(args []string, env string) bool {
	switch env {
	case "1", "true", "yes":
		return true
	}
	for _, a := range args {
		switch strings.ToLower(a) {
		case "--":
			return false
		case "--accessible", "--accessible=true", "--accessible=1", "--accessible=t":
			return true
		}
	}
	return false
}

// Restore puts TERM back as it was before init; it does nothing when init
// did not change it.
func Restore() {
	if !active {
		return
	}
	active = false
	if hadTerm {
		os.Setenv("TERM", term)
		return
	}
	os.Unsetenv("TERM")
}
