package app

import (
	"bytes"
	"context"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adrg/xdg"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/config"
)

// The debug log has a line per call with its status, and never the key.
func TestDebugLogLinesAndNoKey(t *testing.T) {
	sb := sandbox.New(sandbox.Options{Seed: 1, ReadLimit: -1, WriteLimit: -1, SyncFailureRate: -1})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	c, err := api.New(srv.URL+sandbox.BasePath, api.WithAPIKey(sb.APIKey()), api.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	old, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	log.SetFlags(0)
	defer func() { log.SetOutput(old); log.SetFlags(flags) }()

	l := loggingAPI{next: c}
	ctx := context.Background()
	l.ListConnectors(ctx, 1, 50)
	l.GetConnector(ctx, "no-such-id")
	l.SyncEANs(ctx, sb.IDs()[0], []string{"4006381333931"})
	out := buf.String()
	for _, want := range []string{
		"GET /connectors page=1 per_page=50 → 200",
		"GET /connectors/no-such-id → 404",
		"Connector not found",
		"/sync eans=1 → 202",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, sb.APIKey()) {
		t.Fatalf("the key is in the log:\n%s", out)
	}
}

// --log keeps logging after a switch: a profile opened by the switcher
// calls through the debug log as the start account does.
func TestDebugLogFollowsASwitch(t *testing.T) {
	tempState(t)
	t.Setenv("PIXEE_BASE_URL", "")
	t.Setenv("PIXEE_API_KEY", "")
	sb := sandbox.New(sandbox.Options{Seed: 1, ReadLimit: -1, WriteLimit: -1})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	p := writeConfig(t, "profiles:\n  acme: {api_key_file: DIR/acme.key, base_url: "+srv.URL+sandbox.BasePath+"}\n"+
		"  globex: {api_key_file: DIR/acme.key, base_url: "+srv.URL+sandbox.BasePath+"}\n")
	file, err := config.Load(p, true)
	if err != nil {
		t.Fatal(err)
	}
	start, err := config.Resolve(file, "acme", config.Flags{}, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	old, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	log.SetFlags(0)
	defer func() { log.SetOutput(old); log.SetFlags(flags) }()

	choices, cur := opener(true).Choices(file, start, nil)
	if len(choices) != 2 || cur != 0 {
		t.Fatalf("choices %d, current %d", len(choices), cur)
	}
	s, err := choices[1].Open() // P, then globex
	if err != nil {
		t.Fatal(err)
	}
	s.API.ListConnectors(context.Background(), 1, 7)
	if !strings.Contains(buf.String(), "GET /connectors page=1 per_page=7 → 200") {
		t.Errorf("after the switch the log has %q", buf.String())
	}
}

// tempState points HOME and the XDG folders at a temporary folder.
func tempState(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	xdg.Reload()
	t.Cleanup(xdg.Reload)
}
