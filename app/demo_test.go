package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo reads the config file's own settings (keys, theme, mouse,
// alerts), from --config or the default path: a keys: section the
// dashboard refuses, the demo refuses too, with the same message, before
// it starts a sandbox or draws anything.
func TestTheDemoReadsTheConfigFilesSettings(t *testing.T) {
	tempState(t)
	body := "profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  sync_eans: [r]\n"
	p := writeConfig(t, body)
	var out, dash, demo bytes.Buffer
	dcode := Run([]string{"--config", p}, strings.NewReader(""), &out, &dash)
	mcode := Run([]string{"--config", p, "--demo"}, strings.NewReader(""), &out, &demo)
	if dcode != 2 || mcode != 2 || !strings.Contains(demo.String(), "keys.sync_eans") || demo.String() != dash.String() {
		t.Errorf("with --config: the dashboard exits %d (%q), the demo %d (%q)", dcode, dash.String(), mcode, demo.String())
	}

	// The default path, as a start without --config reads it.
	def := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "pixee-tui", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(def), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(def, []byte("keys:\n  synk: [x]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	demo.Reset()
	if code := Run([]string{"--demo"}, strings.NewReader(""), &out, &demo); code != 2 || !strings.Contains(demo.String(), "keys.synk: no action named synk") {
		t.Errorf("the default file: the demo exits %d (%q)", code, demo.String())
	}
	if out.Len() != 0 {
		t.Errorf("stdout got %q", out.String())
	}
}

// A flag that names an account (--profile, --base-url, --api-key-file)
// with --demo is refused with a word, not dropped: the person would
// otherwise believe they watch that account.
func TestTheDemoRefusesAFlagNamingAnotherAccount(t *testing.T) {
	tempState(t)
	for _, args := range [][]string{
		{"--demo", "--profile", "acme"},
		{"--demo", "--base-url", "https://api.example/v1"},
		{"--demo", "--api-key-file", "/nonexistent/key"},
	} {
		var out, errb bytes.Buffer
		code := Run(args, strings.NewReader(""), &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), "does not apply with --demo") || !strings.Contains(errb.String(), args[1]) {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
		if out.Len() != 0 {
			t.Errorf("%v: stdout got %q", args, out.String())
		}
	}
}
