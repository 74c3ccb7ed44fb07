package app

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/notify"
	"github.com/pixee/pixee-tui/shared"
)

// notify test sends one signed message and says what the receiver
// answered; notify log lists it; a refusing receiver is exit 1 with its
// status. No output, and no log, holds the secret or the URL's path.
func TestNotifyTestAndLogCommands(t *testing.T) {
	tempState(t)
	var mu sync.Mutex
	var sigOK []bool
	rx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := new(bytes.Buffer)
		body.ReadFrom(r.Body)
		mu.Lock()
		sigOK = append(sigOK, r.Header.Get("X-PM-Signature") == notify.Sign("topsecret-hmac", body.Bytes()))
		mu.Unlock()
		if strings.Contains(r.URL.Path, "refuse") {
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	defer rx.Close()
	t.Setenv("HOOK_SECRET", "topsecret-hmac")
	p := writeConfig(t, `notify:
  - {name: ops, url: "`+rx.URL+`/hooks/PATHTOKEN42", format: json, secret_env: HOOK_SECRET}
  - {name: chat, url: "`+rx.URL+`/refuse/PATHTOKEN42", format: slack, headers: {Authorization: "Bearer HDRTOKEN77"}}
`)
	var out, errb bytes.Buffer
	if code := Run([]string{"--config", p, "notify", "test", "ops"}, nil, &out, &errb); code != 0 {
		t.Fatalf("notify test ops: exit %d, %s", code, errb.String())
	}
	if want := "✓ delivered to ops (" + rx.URL + ") · 200 OK · "; !strings.HasPrefix(out.String(), want) {
		t.Errorf("notify test printed %q, want %q…", out.String(), want)
	}
	all := out.String() + errb.String()
	out.Reset()
	errb.Reset()
	if code := Run([]string{"--config", p, "notify", "test", "chat"}, nil, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "✗ not delivered to chat ("+rx.URL+"): 403 Forbidden") {
		t.Errorf("a refusing target: exit %d, %q", code, errb.String())
	}
	all += out.String() + errb.String()
	out.Reset()
	errb.Reset()
	if code := Run([]string{"--config", p, "notify", "test", "nope"}, nil, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), `no notify target "nope" (have ops, chat)`) {
		t.Errorf("an unknown target: exit %d, %q", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := Run([]string{"--config", p, "notify", "log"}, nil, &out, &errb); code != 0 {
		t.Fatalf("notify log: exit %d, %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "TIME") ||
		!strings.Contains(lines[1], "ops") || !strings.Contains(lines[1], "delivered") || !strings.Contains(lines[1], "200") ||
		!strings.Contains(lines[2], "chat") || !strings.Contains(lines[2], "failed") || !strings.Contains(lines[2], "403") {
		t.Errorf("notify log printed:\n%s", out.String())
	}
	all += out.String()
	out.Reset()
	if code := Run([]string{"--config", p, "notify", "log", "chat"}, nil, &out, &errb); code != 0 || strings.Count(out.String(), "\n") != 2 {
		t.Errorf("notify log chat: exit %d\n%s", code, out.String())
	}
	for _, secret := range []string{"topsecret-hmac", "PATHTOKEN42", "HDRTOKEN77"} {
		if strings.Contains(all, secret) {
			t.Errorf("%s was printed:\n%s", secret, all)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sigOK) != 2 || !sigOK[0] {
		t.Errorf("signatures verified: %v (the first, ops, is signed)", sigOK)
	}
}

// config check reads each target's secret as a start would, and says the
// one it cannot read without showing any.
func TestConfigCheckReadsNotifySecrets(t *testing.T) {
	tempState(t)
	p := writeConfig(t, "profiles:\n  acme: {api_key_file: DIR/acme.key}\nnotify:\n  - {name: ops, url: \"https://h.example/x\", secret_env: UNSET_HOOK_SECRET}\n")
	var out, errb bytes.Buffer
	if code := Run([]string{"--config", p, "config", "check"}, nil, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "notify ops:") || !strings.Contains(errb.String(), "UNSET_HOOK_SECRET is empty or unset") {
		t.Errorf("exit %d, %q", code, errb.String())
	}
	t.Setenv("UNSET_HOOK_SECRET", "now-set")
	errb.Reset()
	if code := Run([]string{"--config", p, "config", "check"}, nil, &out, &errb); code != 0 || strings.Contains(errb.String()+out.String(), "now-set") {
		t.Errorf("exit %d, %q", code, errb.String())
	}
}

// On the dashboard, a delivery that fails is written to the account's
// events, so the E view and the next start show it.
func TestDashboardFailedDeliveryIsAnEvent(t *testing.T) {
	tempState(t)
	rx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) }))
	defer rx.Close()
	n, err := startNotifier(&config.File{Notify: []config.NotifyTarget{{Name: "ops", URL: rx.URL, Format: "json"}}}, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer closeNotifier(n)
	events, _, err := history.OpenEvents(t.TempDir(), history.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := shared.Account{Events: events}
	dashboardNotify(n, "acme", 0, &s, &atomic.Pointer[tea.Program]{})
	s.Notify.Notify([]monitor.Event{{ID: "e1", Time: time.Now(), ConnectorID: "c1", Name: "Shop", Kind: monitor.TurnedError}})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		seen, _, _ := events.Load()
		for _, e := range seen {
			if e.Kind == monitor.NotifyFailed && e.Before == "ops" && strings.Contains(e.After, "401") {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no notify_failed event in the account's events")
}
