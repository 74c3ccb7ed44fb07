package app

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/keymap"
)

// The example config says which command lists the action names its keys:
// section remaps; that command must list every one of them.
func TestExampleConfigNamesTheCommandThatListsActions(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	m := regexp.MustCompile(`\(pixee-tui ([^)]*) lists them\)`).FindStringSubmatch(config.Example)
	if m == nil {
		t.Fatal("the example config does not say where the action names are listed")
	}
	var out, errb bytes.Buffer
	if code := Run(strings.Fields(m[1]), nil, &out, &errb); code != 0 {
		t.Fatalf("pixee-tui %s: exit %d, %s", m[1], code, errb.String())
	}
	k := keymap.Default()
	for _, a := range k.Actions() {
		if !regexp.MustCompile(`(?m)^` + a.Name + `\s`).MatchString(out.String()) {
			t.Errorf("pixee-tui %s does not list %s:\n%s", m[1], a.Name, out.String())
		}
	}
}

// config keys shows the file's remaps, not only the defaults.
func TestConfigKeysShowsRemaps(t *testing.T) {
	p := writeConfig(t, "profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  sync_eans: [u]\n")
	var out, errb bytes.Buffer
	if code := Run([]string{"--config", p, "config", "keys"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !regexp.MustCompile(`(?m)^sync_eans\s+u\s`).MatchString(out.String()) {
		t.Errorf("sync_eans not shown on u:\n%s", out.String())
	}
}
