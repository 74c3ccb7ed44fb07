package account

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/write"
)

// twoServers is a config whose default profile shopa is on server A,
// profile shopb (per_page 200) on server B, and the sandbox at b.
func twoServers(t *testing.T, b string) *config.File {
	t.Helper()
	dir := t.TempDir()
	key := filepath.Join(dir, "k")
	if err := os.WriteFile(key, []byte(sandbox.DefaultAPIKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	body := "default_profile: shopa\nprofiles:\n" +
		"  shopa: {name: Shop A, base_url: https://a.example/api/v1, api_key_file: " + key + "}\n" +
		"  shopb: {name: Shop B, base_url: " + b + ", api_key_file: " + key + ", per_page: 200, refresh: 3s}\n"
	f, err := config.Parse(filepath.Join(dir, "config.yaml"), []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func env(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

// PIXEE_BASE_URL beside a default profile is another account: named by its
// host, with its own history and events, never the profile's.
func TestAnEnvBaseURLBesideADefaultProfileIsItsOwnAccount(t *testing.T) {
	sb := sandbox.New(sandbox.Options{Seed: 3, SyncFailureRate: -1, ReadLimit: -1, WriteLimit: -1})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	b := srv.URL + sandbox.BasePath
	file := twoServers(t, "https://b.example/api/v1")
	getenv := env(map[string]string{"PIXEE_BASE_URL": b, "PIXEE_API_KEY": sandbox.DefaultAPIKey})
	o := Opener{StateHome: t.TempDir(), Getenv: getenv}

	s, err := config.Resolve(file, "", config.Flags{}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	onB, err := o.Open(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if onB.ID == "shopa" || onB.Name != "" || !strings.HasPrefix(b, "http://"+onB.Host) {
		t.Fatalf("account %q named %q on %q; want the base URL's, named by its host", onB.ID, onB.Name, onB.Host)
	}
	id := sb.IDs()[0]
	out := write.Writer{API: onB.Client, History: onB.Session.History}.Sync(context.Background(), write.Sync{ConnectorID: id, EANs: []string{"4006381333931"}})
	if out.Err != nil {
		t.Fatal(out.Err)
	}

	a, err := o.Open(context.Background(), config.ProfileSettings(file.Profiles["shopa"]))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "shopa" || a.Title() != "Shop A · a.example" {
		t.Errorf("profile shopa opened as %q, %q", a.ID, a.Title())
	}
	acts, _, err := a.Session.History.Actions()
	if err != nil || len(acts) != 0 {
		t.Errorf("shopa's history holds %d actions (%v): the sync to the other server was filed under it", len(acts), err)
	}
	acts, _, _ = onB.Session.History.Actions()
	if len(acts) != 1 {
		t.Errorf("the other server's history holds %d actions, want 1", len(acts))
	}
	if onB.Session.Events == nil || a.Session.Events == nil {
		t.Fatal("no events log")
	}
	if _, err := onB.Session.Events.Append([]monitor.Event{{Time: time.Now(), Kind: monitor.TurnedError, ConnectorID: id}}); err != nil {
		t.Fatal(err)
	}
	if seen, _, _ := a.Session.Events.Load(); len(seen) != 0 {
		t.Errorf("shopa's events hold %d of the other server's", len(seen))
	}
}

// A profile reached by the switcher opens with its own settings, as
// --profile would: per_page, refresh, the client's decoration.
func TestTheSwitcherOpensAProfileAsProfileWould(t *testing.T) {
	file := twoServers(t, "https://b.example/api/v1")
	o := Opener{StateHome: t.TempDir(), Getenv: env(nil)}
	start, err := config.Resolve(file, "", config.Flags{}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	choices, cur := o.Choices(file, start, nil)
	if len(choices) != 2 || cur != 0 || choices[1].Name != "Shop B" {
		t.Fatalf("choices %+v, current %d", choices, cur)
	}
	viaP, err := choices[1].Open()
	if err != nil {
		t.Fatal(err)
	}
	s, err := config.Resolve(file, "shopb", config.Flags{}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	direct, err := o.Open(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if viaP.PerPage != 200 || viaP.PerPage != direct.Session.PerPage || viaP.Refresh != direct.Session.Refresh || viaP.ReadOnly != direct.Session.ReadOnly {
		t.Errorf("via the switcher: per_page %d refresh %s; with --profile: %d %s", viaP.PerPage, viaP.Refresh, direct.Session.PerPage, direct.Session.Refresh)
	}
}
