package quietstart

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// accessible: true is found as the config parser reads it: a key of the
// top-level mapping of the first document, "true" alone true (quoted or
// followed by a comment too); nested, commented out, false, another
// document's, or not a key at all, it is not.
func TestConfigAsksReadsTheTopLevelKeyAsTheParserDoes(t *testing.T) {
	for _, tc := range []struct {
		body string
		want bool
	}{
		{"accessible: true\n", true},
		{"theme: auto\r\naccessible: true # for my screen reader\r\n", true},
		{"\ufeff---\naccessible: \"true\"\n", true},
		{"'accessible' : 'true'\n", true},
		{"accessible: false\n", false},
		{"accessible: yes\n", false},
		{"# accessible: true\n", false},
		{"serve:\n  users:\n    ann:\n      accessible: true\n", false},
		{"accessible:true\n", false},
		{"accessible: true\n---\naccessible: false\n", true},
		{"theme: auto\n---\naccessible: true\n", false},
		{"accessible: true\naccessible: false\n", false},
		{"", false},
	} {
		if got := asksIn(strings.NewReader(tc.body)); got != tc.want {
			t.Errorf("asksIn(%q) = %v, want %v", tc.body, got, tc.want)
		}
	}
}

// The file read is the one the program will read: --config's (before any
// "--"), else the default path (xdg's, as the config package's: the end to
// end test of the line mode in a terminal starts on it); a FIFO is left
// alone for the real read.
func TestConfigAsksReadsTheFileTheProgramReads(t *testing.T) {
	dir := t.TempDir()
	named := filepath.Join(dir, "named.yaml")
	if err := os.WriteFile(named, []byte("accessible: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := configPath([]string{"--profile", "acme", "--config", named}); got != named {
		t.Errorf("configPath = %q, want %q", got, named)
	}
	if got := configPath([]string{"--config=" + named}); got != named {
		t.Errorf("configPath = %q, want %q", got, named)
	}
	if configPath([]string{"--", "--config", named}) == named {
		t.Errorf("--config after -- is taken for the flag")
	}
	if !ConfigAsks([]string{"--config", named}) {
		t.Errorf("ConfigAsks does not follow --config")
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFO:", err)
	}
	done := make(chan bool, 1)
	go func() { done <- ConfigAsks([]string{"--config", fifo}) }()
	if <-done {
		t.Error("a FIFO was read")
	}
}
