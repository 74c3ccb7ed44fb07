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

// The home screen's keys remap by name like every other ("space" as a
// person writes it), and a remap onto another home key is refused naming
// both.
func TestHomeScreenKeysAreRemappable(t *testing.T) {
	p := writeConfig(t, "profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  mark: [x]\n  open_latest_event: [space]\n")
	var out, errb bytes.Buffer
	if code := Run([]string{"--config", p, "config", "keys"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, re := range []string{`(?m)^mark\s+x\s`, `(?m)^open_latest_event\s+space\s`} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("config keys lacks %s:\n%s", re, out.String())
		}
	}
	p = writeConfig(t, "profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  mark: [L]\n")
	errb.Reset()
	if code := Run([]string{"--config", p, "config", "check"}, nil, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), `keys.mark: "L" is bound to both merged_list and mark (home keys)`) {
		t.Errorf("mark on L: exit %d, %q", code, errb.String())
	}
}
