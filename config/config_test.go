package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
)

const good = `default_profile: acme
profiles:
  acme:
    name: ACME Retail
    base_url: https://api.pixeepim.com/api/v1
    api_key_file: ~/acme.key
    auth_header: x-api-key
    read_only: true
    per_page: 100
    refresh: 5s
  globex:
    api_key_env: GLOBEX_KEY
keys:
  sync_eans: [s]
  next_page: ["]", l, right]
  quit: q
theme: light
alerts:
  desktop: true
  stuck_after: 20m
mouse: false
`

func TestParseGood(t *testing.T) {
	f, err := Parse("config.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if f.Mouse {
		t.Error("mouse: false not read")
	}
	if f.Alerts != (Alerts{Bell: true, Desktop: true, StuckAfter: 20 * time.Minute}) {
		t.Errorf("alerts = %+v", f.Alerts)
	}
	if f.DefaultProfile != "acme" || strings.Join(f.Order, ",") != "acme,globex" || f.Theme != "light" {
		t.Errorf("file = %+v", f)
	}
	a := f.Profiles["acme"]
	want := Profile{ID: "acme", Name: "ACME Retail", BaseURL: "https://api.pixeepim.com/api/v1",
		Key: KeySource{Kind: KeyFile, Value: "~/acme.key", Path: "profiles.acme.api_key_file", Pos: Pos{File: "config.yaml", Line: 6, Col: 19}}, AuthHeader: "x-api-key",
		ReadOnly: true, PerPage: 100, Refresh: 5 * time.Second, Pos: Pos{File: "config.yaml", Line: 3, Col: 3}}
	if a != want {
		t.Errorf("acme = %+v\nwant   %+v", a, want)
	}
	if g := f.Profiles["globex"]; g.Name != "globex" || g.Key.Kind != KeyEnv || g.Key.Value != "GLOBEX_KEY" {
		t.Errorf("globex = %+v", g)
	}
	if len(f.Keys) != 3 || strings.Join(f.Keys[1].Keys, " ") != "] l right" || f.Keys[2].Keys[0] != "q" || f.Keys[1].Pos.Line != 15 {
		t.Errorf("keys = %+v", f.Keys)
	}
}

// Every problem names file, line, column and the key at fault.
func TestParseBad(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"bad duration", "profiles:\n  acme:\n    api_key_env: K\n    refresh: 2x\n",
			`config.yaml:4:14: profiles.acme.refresh: "2x" is not a duration (like 2s, 500ms, 1m)`},
		{"unknown top key", "profile: acme\n",
			`config.yaml:1:1: profile: unknown key (known here: default_profile, profiles, keys, theme, alerts, mouse, accessible, serve, notify, metrics, views)`},
		{"unknown profile key", "profiles:\n  acme:\n    api_key_env: K\n    refrsh: 2s\n",
			`config.yaml:4:5: profiles.acme.refrsh: unknown key`},
		{"a key in the file", "profiles:\n  acme:\n    api_key: pm_live_x\n",
			`config.yaml:3:5: profiles.acme.api_key: an API key never sits in the config file`},
		{"two key sources", "profiles:\n  acme:\n    api_key_env: K\n    api_key_file: f\n",
			`config.yaml:3:5: profiles.acme: more than one of api_key_file, api_key_env and api_key_command`},
		{"default names nothing", "default_profile: acne\nprofiles:\n  acme: {api_key_env: K}\n",
			`config.yaml:1:18: default_profile: no profile "acne" under profiles: (have acme)`},
		{"per page out of range", "profiles:\n  acme: {api_key_env: K, per_page: 900}\n",
			`config.yaml:2:36: profiles.acme.per_page: 900 is out of range (1–500)`},
		{"not a bool", "profiles:\n  acme: {api_key_env: K, read_only: yes please}\n",
			`profiles.acme.read_only: "yes please" is not true or false`},
		{"bad alert", "alerts:\n  bell: loud\n", `config.yaml:2:9: alerts.bell: "loud" is not true or false`},
		{"bad theme", "theme: solarized\n", `config.yaml:1:8: theme: "solarized" is not one of auto, dark, light, none`},
		{"bad auth header", "profiles:\n  a: {api_key_env: K, auth_header: basic}\n", `profiles.a.auth_header: "basic" is not auto, x-api-key or bearer`},
		{"plain http", "profiles:\n  a: {api_key_env: K, base_url: 'http://api.example.com'}\n", `profiles.a.base_url: refusing plain http`},
		{"yaml syntax", "profiles:\n  acme:\n    name: [unclosed\n", `config.yaml:`},
		{"set twice", "theme: dark\ntheme: light\n", `config.yaml:2:1: theme: set twice`},
		{"keys not a list", "keys:\n  quit: {a: b}\n", `config.yaml:2:9: keys.quit: want a key or a list of keys, got a mapping`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("config.yaml", []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant it to contain %s", err, tt.want)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("err is %T, want a *config.Error", err)
			}
			if strings.Contains(err.Error(), "pm_live_x") {
				t.Errorf("the message quotes a key: %v", err)
			}
		})
	}
}

func TestEmptyFileIsNoSettings(t *testing.T) {
	f, err := Parse("c.yaml", []byte("# nothing yet\n"))
	if err != nil || len(f.Profiles) != 0 || f.Theme != "auto" {
		t.Fatalf("%+v, %v", f, err)
	}
}

// flag > environment > profile > default.
func TestResolvePrecedence(t *testing.T) {
	f, err := Parse("c.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	str := func(s string) *string { return &s }

	s, err := Resolve(f, "", Flags{}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if s.ProfileID != "acme" || s.Name != "ACME Retail" || s.AuthHeader != api.AuthXAPIKey || !s.ReadOnly ||
		s.PerPage != 100 || s.Refresh != 5*time.Second || s.Timeout != api.DefaultTimeout || s.Key.Kind != KeyFile {
		t.Errorf("profile only: %+v", s)
	}
	env["PIXEE_BASE_URL"] = "https://env.example/api/v1"
	env["PIXEE_AUTH_HEADER"] = "bearer"
	env["PIXEE_API_KEY"] = "pm_test_env"
	s, _ = Resolve(f, "", Flags{}, getenv)
	if s.BaseURL != "https://env.example/api/v1" || s.AuthHeader != api.AuthBearer || s.Key.Kind != KeyEnv || s.Key.Value != "PIXEE_API_KEY" {
		t.Errorf("environment over profile: %+v", s)
	}
	pp, rf := 20, time.Second
	s, _ = Resolve(f, "", Flags{BaseURL: str("https://flag.example/api/v1"), AuthHeader: str("x-api-key"),
		KeyFile: str("/k"), PerPage: &pp, Refresh: &rf}, getenv)
	if s.BaseURL != "https://flag.example/api/v1" || s.AuthHeader != api.AuthXAPIKey || s.Key.Value != "/k" || s.PerPage != 20 || s.Refresh != time.Second {
		t.Errorf("flags over environment: %+v", s)
	}
	clear(env)
	s, _ = Resolve(f, "globex", Flags{ReadOnly: true}, getenv)
	if s.ProfileID != "globex" || !s.ReadOnly || s.BaseURL != api.DefaultBaseURL || s.PerPage != DefaultPerPage || s.Key.Value != "GLOBEX_KEY" {
		t.Errorf("defaults under a bare profile: %+v", s)
	}
	if _, err := Resolve(f, "initech", Flags{}, getenv); err == nil || !strings.Contains(err.Error(), `no profile "initech" (have acme, globex)`) {
		t.Errorf("unknown profile: %v", err)
	}
	// Without a config file, environment and flags alone, as before.
	env["PIXEE_API_KEY"] = "pm_test_env"
	if s, err := Resolve(nil, "", Flags{}, getenv); err != nil || s.ProfileID != "" || s.Key.Kind != KeyEnv || s.BaseURL != api.DefaultBaseURL {
		t.Errorf("no file: %+v, %v", s, err)
	}
	clear(env)
	if _, err := Resolve(nil, "", Flags{}, getenv); err == nil || !strings.Contains(err.Error(), "--demo") {
		t.Errorf("no key anywhere: %v", err)
	}
}

const secret = "pm_live_D0notPRINTme"

func TestKeySources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	private := write("private.key", secret+"\n", 0o600)
	shared := write("shared.key", secret, 0o644)
	big := write("big.key", strings.Repeat("x", MaxKeyFile+1), 0o600)
	empty := write("empty.key", " \n", 0o600)
	getenv := func(k string) string { return map[string]string{"K": secret}[k] }
	ctx := context.Background()

	tests := []struct {
		name    string
		src     KeySource
		wantErr string
		warn    string
	}{
		{"private file", KeySource{Kind: KeyFile, Value: private}, "", ""},
		{"shared file", KeySource{Kind: KeyFile, Value: shared}, "", "can be read by other users (mode 0644); fix it with: chmod 600 " + shared},
		{"huge file", KeySource{Kind: KeyFile, Value: big}, "larger than 4 KiB", ""},
		{"/dev/zero", KeySource{Kind: KeyFile, Value: "/dev/zero"}, "larger than 4 KiB", ""},
		{"empty file", KeySource{Kind: KeyFile, Value: empty}, "is empty", ""},
		{"missing file", KeySource{Kind: KeyFile, Value: filepath.Join(dir, "nope")}, "no such file", ""},
		{"env", KeySource{Kind: KeyEnv, Value: "K"}, "", ""},
		{"env unset", KeySource{Kind: KeyEnv, Value: "UNSET", Path: "profiles.a.api_key_env"}, "profiles.a.api_key_env: the environment variable UNSET is empty or unset", ""},
		{"command", KeySource{Kind: KeyCommand, Value: "printf '  " + secret + "\\n'"}, "", ""},
		{"command fails", KeySource{Kind: KeyCommand, Value: "echo " + secret + "; echo 'gpg: decryption failed' >&2; exit 3", Path: "p.api_key_command"},
			"p.api_key_command: the key command failed (exit status 3): gpg: decryption failed", ""},
		{"command prints nothing", KeySource{Kind: KeyCommand, Value: "true"}, "printed nothing", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, warns, err := tt.src.Read(ctx, getenv)
			all := strings.Join(warns, "\n")
			if err != nil {
				all += err.Error()
			}
			if strings.Contains(all, secret) {
				t.Fatalf("a message carries the key: %s", all)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || key != secret {
				t.Fatalf("key ok = %v, err %v", key == secret, err)
			}
			if (tt.warn == "") != (len(warns) == 0) || (tt.warn != "" && !strings.Contains(all, tt.warn)) {
				t.Errorf("warnings = %q, want %q", warns, tt.warn)
			}
		})
	}
}

func TestWriteExampleNeverOverwrites(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pixee-tui", "config.yaml")
	if err := WriteExample(p); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, true); err != nil {
		t.Fatalf("the example does not parse: %v", err)
	}
	if err := os.WriteFile(p, []byte("theme: dark\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteExample(p); err == nil || !strings.Contains(err.Error(), "not overwritten") {
		t.Fatalf("second init: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "theme: dark\n" {
		t.Errorf("the file was changed: %q", b)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
}

func TestLoadMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "none.yaml")
	if f, err := Load(p, false); f != nil || err != nil {
		t.Errorf("default path missing: %v, %v; want no config", f, err)
	}
	if _, err := Load(p, true); err == nil {
		t.Error("--config naming a missing file was accepted")
	}
}

// accessible: true at the top asks for the line mode; a value that is not
// a boolean is named with its line.
func TestAccessibleIsRead(t *testing.T) {
	f, err := Parse("config.yaml", []byte("accessible: true\n"))
	if err != nil || !f.Accessible {
		t.Fatalf("accessible: true read as %v, %v", f, err)
	}
	if _, err := Parse("config.yaml", []byte("accessible: loud\n")); err == nil || !strings.Contains(err.Error(), "config.yaml:1:13: accessible") {
		t.Fatalf("accessible: loud gave %v", err)
	}
}

// Several profiles and none chosen (no default_profile, no --profile, no
// key of the environment): Resolve says so by its own error naming the
// profiles, which the dashboard takes as its cue for the home screen and
// a command as a usage error; one profile is simply that one, and none
// leaves the message about the key.
func TestSeveralProfilesAndNoneChosenIsItsOwnError(t *testing.T) {
	getenv := func(string) string { return "" }
	two, err := Parse("c.yaml", []byte("profiles:\n  beta: {api_key_env: B}\n  acme: {api_key_env: A}\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(two, "", Flags{}, getenv)
	var none *NoProfileChosen
	if !errors.As(err, &none) || strings.Join(none.Profiles, ",") != "beta,acme" ||
		!strings.Contains(err.Error(), "c.yaml has profiles beta, acme and no default_profile: pass --profile NAME") {
		t.Errorf("two profiles, none chosen: %v", err)
	}
	if _, err := Resolve(two, "initech", Flags{}, getenv); err == nil || !strings.Contains(err.Error(), `no profile "initech" (have beta, acme)`) {
		t.Errorf("a named profile that does not exist: %v", err)
	}
	one, _ := Parse("c.yaml", []byte("profiles:\n  acme: {api_key_env: A}\n"))
	if s, err := Resolve(one, "", Flags{}, getenv); err != nil || s.ProfileID != "acme" {
		t.Errorf("one profile: %+v, %v", s, err)
	}
	zero, _ := Parse("c.yaml", []byte("theme: dark\n"))
	if _, err := Resolve(zero, "", Flags{}, getenv); err == nil || errors.As(err, &none) || !strings.Contains(err.Error(), "no API key") {
		t.Errorf("no profile, no key: %v", err)
	}
}
