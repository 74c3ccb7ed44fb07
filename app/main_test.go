package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "acme.key"), []byte("pm_test_sandbox\n"), 0o600)
	p := filepath.Join(dir, "config.yaml")
	os.WriteFile(p, []byte(strings.ReplaceAll(body, "DIR", dir)), 0o600)
	return p
}

// A bad config never starts a dashboard: one message with file, line,
// column and key, exit 2, before anything else happens.
func TestBadConfigStopsTheStart(t *testing.T) {
	tests := []struct{ body, want string }{
		{"profiles:\n  acme:\n    api_key_file: DIR/acme.key\n    refresh: 2x\n", `config.yaml:4:14: profiles.acme.refresh: "2x" is not a duration`},
		{"profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  sync_eans: [r]\n", `config.yaml:4:3: keys.sync_eans: "r" is bound to both sync_eans and refresh (browse keys)`},
		{"profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  synk: [x]\n", `config.yaml:4:3: keys.synk: no action named synk`},
		{"profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  quit: [ctrl+c]\n", `keys.quit: "ctrl+c" is bound to both force_quit and quit`},
	}
	for _, tt := range tests {
		p := writeConfig(t, tt.body)
		var out, errb bytes.Buffer
		code := Run([]string{"--config", p}, strings.NewReader(""), &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), tt.want) || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("exit %d, stderr %q; want 2 and one line with %q", code, errb.String(), tt.want)
		}
	}
}

// config init writes an example that config check accepts, and never
// overwrites; --profile picks a profile; an unknown one is named.
func TestConfigCommands(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c", "config.yaml")
	var out, errb bytes.Buffer
	if code := Run([]string{"--config", p, "config", "init"}, nil, &out, &errb); code != 0 {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	if code := Run([]string{"--config", p, "config", "init"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "not overwritten") {
		t.Fatalf("second init: %d %s", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	// The example's key file does not exist: check says so, by profile.
	if code := Run([]string{"--config", p, "config", "check"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "profile acme") {
		t.Errorf("check: %d %q", code, errb.String())
	}
	out.Reset()
	Run([]string{"--config", p, "config", "path"}, nil, &out, &errb)
	if strings.TrimSpace(out.String()) != p {
		t.Errorf("path printed %q", out.String())
	}
	good := writeConfig(t, "profiles:\n  acme: {api_key_file: DIR/acme.key}\n")
	errb.Reset()
	if code := Run([]string{"--config", good, "--profile", "initech", "connectors", "list"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), `no profile "initech" (have acme)`) {
		t.Errorf("unknown profile: %d %q", code, errb.String())
	}
}

// config check refuses every file the dashboard refuses, with the same
// message.
func TestConfigCheckFailsWhereTheDashboardFails(t *testing.T) {
	tempState(t)
	for _, body := range []string{
		"profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  sync_eans: [r]\n",
		"profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  synk: [x]\n",
		"profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  quit: [ctrl+c]\n",
	} {
		p := writeConfig(t, body)
		var out, dash, check bytes.Buffer
		dcode := Run([]string{"--config", p}, strings.NewReader(""), &out, &dash)
		ccode := Run([]string{"--config", p, "config", "check"}, strings.NewReader(""), &out, &check)
		if dcode != 2 || ccode != 2 || dash.String() != check.String() {
			t.Errorf("%q: the dashboard exits %d (%q), config check %d (%q)", body, dcode, dash.String(), ccode, check.String())
		}
	}
	good := writeConfig(t, "profiles:\n  acme: {api_key_file: DIR/acme.key}\nkeys:\n  sync_eans: [s, ctrl+e]\n")
	var out, errb bytes.Buffer
	if code := Run([]string{"--config", good, "config", "check"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Errorf("a good file: exit %d, %s", code, errb.String())
	}
}

// Two profiles and none chosen: a command cannot guess the account, so it
// says to choose one, naming them; a --profile that does not exist is
// named with those that do, for the dashboard as for a command.
func TestTwoProfilesAndNoneChosenAreSaidPlainly(t *testing.T) {
	tempState(t)
	for _, k := range []string{"PIXEE_API_KEY", "PIXEE_API_KEY_FILE", "PIXEE_PROFILE", "PIXEE_BASE_URL"} {
		t.Setenv(k, "")
	}
	p := writeConfig(t, "profiles:\n  acme: {api_key_file: DIR/acme.key}\n  beta: {api_key_file: DIR/acme.key}\n")
	var out, errb bytes.Buffer
	if code := Run([]string{"--config", p, "connectors", "list"}, nil, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "has profiles acme, beta and no default_profile: pass --profile NAME") {
		t.Errorf("a command, none chosen: exit %d, %q", code, errb.String())
	}
	for _, args := range [][]string{{"--profile", "initech"}, {"--profile", "initech", "connectors", "list"}} {
		errb.Reset()
		if code := Run(append([]string{"--config", p}, args...), strings.NewReader(""), &out, &errb); code != 2 ||
			!strings.Contains(errb.String(), `no profile "initech" (have acme, beta)`) {
			t.Errorf("%v: exit %d, %q", args, code, errb.String())
		}
	}
}
