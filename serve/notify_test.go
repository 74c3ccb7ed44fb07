package serve

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/notify"
	"github.com/pixee/pixee-tui/shared"
)

// The team server tells the team's tools what its hub keeps, with nobody
// connected: one message for a connector turning to error. A target that
// refuses the message is said in the server's events, as notify_failed.
func TestTheHubNotifiesTheTeamsTools(t *testing.T) {
	var mu sync.Mutex
	var got []string // connector ids, one entry per message's alert
	messages := 0
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Alerts []struct {
				Kind      string
				Connector struct{ ID string }
			}
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		defer mu.Unlock()
		messages++
		for _, a := range body.Alerts {
			got = append(got, a.Kind+" "+a.Connector.ID)
		}
	}))
	defer good.Close()
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) }))
	defer refusing.Close()
	n, _, err := notify.New(notify.Options{Targets: []config.NotifyTarget{
		{Name: "ops", URL: good.URL, Format: "json"}, {Name: "gone", URL: refusing.URL, Format: "json"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close(context.Background())
	var events *history.EventLog
	tm := startTeam(t, func(o *Options) {
		o.ListRefresh = time.Second
		open := o.Accounts[0].Open
		o.Accounts[0].Open = func() (shared.Account, error) {
			s, err := open()
			events, s.Notify = s.Events, n.Account("demo")
			return s, err
		}
	})
	time.Sleep(1500 * time.Millisecond) // the first page is known
	id := tm.sb.IDs()[2]
	tm.sb.SetStatus(id, "error")
	failed := func() bool {
		seen, _, _ := events.Load()
		for _, e := range seen {
			if e.Kind == monitor.NotifyFailed && e.Before == "gone" {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(15 * time.Second)
	for !failed() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if !failed() {
		t.Fatal("no notify_failed event for the target that refused")
	}
	time.Sleep(2 * time.Second) // more polls see the same error: still one message
	mu.Lock()
	defer mu.Unlock()
	if messages != 1 || len(got) != 1 || got[0] != "turned_error "+id {
		t.Errorf("%d messages, alerts %v; want one, turned_error %s", messages, got, id)
	}
}
