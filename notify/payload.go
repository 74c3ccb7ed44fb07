package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/monitor"
)

// Statuses of an alert, as Alertmanager says them.
const (
	Firing   = "firing"
	Resolved = "resolved"
)

// alert is one event as a message tells it.
type alert struct {
	monitor.Event
	Status      string
	Fingerprint string // stable per account, connector and the state it is about
	StartsAt    time.Time
	EndsAt      time.Time // zero while firing
}

// problem is the bad state an event is about: a recovery's is the state it
// ends, so the firing and the resolved alert share their fingerprint.
func problem(e monitor.Event, open func(monitor.EventKind) bool) (monitor.EventKind, bool) {
	switch e.Kind {
	case monitor.Recovered:
		// From error (the status came back) or from a stall (pending
		// moving again): the open one, else what Before says.
		switch {
		case open(monitor.TurnedError):
			return monitor.TurnedError, true
		case open(monitor.Stuck):
			return monitor.Stuck, true
		case e.Before == "":
			return monitor.Stuck, true
		}
		return monitor.TurnedError, true
	case monitor.KeyAccepted:
		return monitor.KeyRefused, true
	case monitor.APIUp:
		return monitor.APIDown, true
	case monitor.LateRecovered:
		return monitor.TurnedLate, true
	case monitor.Resumed:
		return monitor.Paused, true
	}
	return e.Kind, false
}

func fingerprint(account, connector string, k monitor.EventKind) string {
	sum := sha256.Sum256([]byte(account + "\x00" + connector + "\x00" + string(k)))
	return hex.EncodeToString(sum[:8])
}

// alertOf is e as an alert; it keeps which alerts are open. Lock held.
func (a *Account) alertOf(e monitor.Event) alert {
	fp := func(k monitor.EventKind) string { return fingerprint(a.id, e.ConnectorID, k) }
	k, resolves := problem(e, func(k monitor.EventKind) bool { _, ok := a.open[fp(k)]; return ok })
	al := alert{Event: e, Status: Firing, Fingerprint: fp(k), StartsAt: e.Time}
	if resolves {
		al.Status, al.EndsAt = Resolved, e.Time
		if at, ok := a.open[al.Fingerprint]; ok {
			al.StartsAt = at
			delete(a.open, al.Fingerprint)
		}
		return al
	}
	if k.Recovery() != "" || k == monitor.Paused {
		if at, ok := a.open[al.Fingerprint]; ok {
			al.StartsAt = at // the same state said again
		} else if len(a.open) < 100000 {
			a.open[al.Fingerprint] = e.Time
		}
	}
	return al
}

// message is what one delivery sends: the alerts of one coalesced batch.
type message struct {
	ID      string // the same on every attempt: a receiver can drop a repeat
	Account string
	Target  string
	Time    time.Time
	Alerts  []alert
	Summary string
	Test    bool
}

func newMessage(account, target string, alerts []alert, now time.Time) *message {
	return &message{ID: monitor.NewEventID(), Account: account, Target: target, Time: now, Alerts: alerts, Summary: summary(alerts)}
}

func testMessage(now time.Time, target string) *message {
	e := monitor.Event{ID: monitor.NewEventID(), Time: now, Kind: "test", After: "a test from pixee-tui notify test: nothing is wrong"}
	return &message{ID: monitor.NewEventID(), Account: "pixee-tui", Target: target, Time: now, Test: true,
		Alerts:  []alert{{Event: e, Status: Resolved, Fingerprint: fingerprint("", "", "test"), StartsAt: now, EndsAt: now}},
		Summary: "pixee-tui test notification to " + target + ": nothing is wrong"}
}

// status is the message's: firing while any of its alerts fires.
func (m *message) status() string {
	for _, a := range m.Alerts {
		if a.Status == Firing {
			return Firing
		}
	}
	return Resolved
}

// summary is the batch in the dashboard's words: its bad events exactly as
// the terminal alert rings them (monitor.Alerts), then the recoveries.
func summary(alerts []alert) string {
	if len(alerts) == 1 {
		return alerts[0].Text()
	}
	var bad, other []monitor.Event
	for _, a := range alerts {
		if a.Kind.Bad() {
			bad = append(bad, a.Event)
		} else {
			other = append(other, a.Event)
		}
	}
	var parts []string
	var ring monitor.Alerts
	if text, _ := ring.Add(time.Time{}.Add(time.Hour), bad); text != "" {
		parts = append(parts, text)
	}
	count := map[monitor.EventKind]int{}
	var order []monitor.EventKind
	for _, e := range other {
		if count[e.Kind] == 0 {
			order = append(order, e.Kind)
		}
		count[e.Kind]++
	}
	for _, k := range order {
		if count[k] == 1 {
			for _, e := range other {
				if e.Kind == k {
					parts = append(parts, e.Text())
				}
			}
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s", count[k], kindWords(k)))
	}
	return strings.Join(parts, " · ")
}

func kindWords(k monitor.EventKind) string {
	switch k {
	case monitor.Recovered:
		return "connectors recovered"
	case monitor.LateRecovered:
		return "connectors synced again"
	case monitor.Paused:
		return "connectors paused"
	case monitor.Resumed:
		return "connectors resumed"
	}
	return "events: " + string(k)
}

// The JSON format: Alertmanager's webhook body (version 4), each alert
// also saying its connector, kind and before/after plainly.
type jsonBody struct {
	Version           string            `json:"version"`
	ID                string            `json:"id"`
	GroupKey          string            `json:"groupKey"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	Account           string            `json:"account"`
	Summary           string            `json:"summary"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Alerts            []jsonAlert       `json:"alerts"`
}

type jsonConnector struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Platform string `json:"platform,omitempty"`
}

type jsonAlert struct {
	Status       string            `json:"status"`
	Fingerprint  string            `json:"fingerprint"`
	Account      string            `json:"account"`
	Connector    *jsonConnector    `json:"connector,omitempty"`
	Kind         string            `json:"kind"`
	Before       string            `json:"before,omitempty"`
	After        string            `json:"after,omitempty"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"` // 0001-01-01T00:00:00Z while firing, as Alertmanager
	Text         string            `json:"text"`   // the dashboard's words for the event
	EventID      string            `json:"event_id,omitempty"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	GeneratorURL string            `json:"generatorURL"`
}

func (m *message) json() []byte {
	b := jsonBody{Version: "4", ID: m.ID, GroupKey: "pixee-tui/" + m.Account, Status: m.status(), Receiver: m.Target,
		Account: m.Account, Summary: m.Summary, GroupLabels: map[string]string{"account": m.Account},
		CommonLabels: map[string]string{"account": m.Account}, CommonAnnotations: map[string]string{"summary": m.Summary},
		Alerts: []jsonAlert{}}
	for i, a := range m.Alerts {
		if i == maxAlertsPerBody {
			b.TruncatedAlerts = len(m.Alerts) - i
			break
		}
		ja := jsonAlert{Status: a.Status, Fingerprint: a.Fingerprint, Account: m.Account, Kind: string(a.Kind),
			Before: a.Before, After: a.After, StartsAt: a.StartsAt.UTC(), EndsAt: a.EndsAt.UTC(), Text: a.Text(), EventID: a.ID,
			Labels:      map[string]string{"alertname": "pixee_" + string(a.Kind), "account": m.Account, "kind": string(a.Kind)},
			Annotations: map[string]string{"summary": a.Text()}}
		if a.EndsAt.IsZero() {
			ja.EndsAt = time.Time{}
		}
		if a.ConnectorID != "" {
			ja.Connector = &jsonConnector{ID: a.ConnectorID, Name: a.Name, Platform: a.Platform}
			ja.Labels["connector_id"], ja.Labels["connector"] = a.ConnectorID, a.Name
			if a.Platform != "" {
				ja.Labels["platform"] = a.Platform
			}
		}
		b.Alerts = append(b.Alerts, ja)
	}
	out, _ := json.Marshal(b) // maps and strings: never fails
	return out
}

// The Slack format: an incoming webhook's message — text (the
// notification's words, and what a client without blocks shows) and
// Block Kit blocks: a section with the summary, a section of fields, and
// the connectors one a line. Slack's limits are kept: a section's text at
// most 3000 characters, ten fields of at most 2000.
type slackBody struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type   string      `json:"type"`
	Text   *slackText  `json:"text,omitempty"`
	Fields []slackText `json:"fields,omitempty"`
}

type slackText struct {
	Type string `json:"type"` // mrkdwn
	Text string `json:"text"`
}

// slackEscape escapes what Slack's mrkdwn reads as markup (its docs:
// &, < and >).
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

const slackLines = 20 // connectors listed; the rest counted

func (m *message) slack() []byte {
	mark := "🔴"
	if m.status() == Resolved {
		mark = "✅"
	}
	head := fmt.Sprintf("%s %s: %s", mark, m.Account, m.Summary)
	kinds := map[string]bool{}
	var kindList []string
	for _, a := range m.Alerts {
		if !kinds[string(a.Kind)] {
			kinds[string(a.Kind)] = true
			kindList = append(kindList, string(a.Kind))
		}
	}
	fields := []slackText{
		{Type: "mrkdwn", Text: "*Account*\n" + cut(slackEscape(m.Account), 1900)},
		{Type: "mrkdwn", Text: "*Status*\n" + m.status()},
		{Type: "mrkdwn", Text: "*Kind*\n" + cut(slackEscape(strings.Join(kindList, ", ")), 1900)},
		{Type: "mrkdwn", Text: fmt.Sprintf("*Events*\n%d", len(m.Alerts))},
	}
	var lines []string
	for i, a := range m.Alerts {
		if i == slackLines {
			lines = append(lines, fmt.Sprintf("… and %d more", len(m.Alerts)-i))
			break
		}
		line := "• " + a.Text()
		if a.Platform != "" {
			line += " (" + a.Platform + ")"
		}
		if a.Before != "" && a.After != "" && a.Kind != monitor.ErrorChanged {
			line += ": " + a.Before + " → " + a.After
		}
		lines = append(lines, cut(slackEscape(line), 140))
	}
	b := slackBody{Text: cut(slackEscape(head), 3000), Blocks: []slackBlock{
		{Type: "section", Text: &slackText{Type: "mrkdwn", Text: cut("*"+slackEscape(head)+"*", 3000)}},
		{Type: "section", Fields: fields},
		{Type: "section", Text: &slackText{Type: "mrkdwn", Text: cut(strings.Join(lines, "\n"), 3000)}},
	}}
	out, _ := json.Marshal(b)
	return out
}
