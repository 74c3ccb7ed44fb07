// Package metrics exposes what the monitor knows to Prometheus: it is the
// room beside the dashboard and the team server that hands an account's
// state to a team's own monitoring stack. A Collector reads each account's
// monitor at scrape time (on the monitor's own goroutine, through a
// Source), so nothing keeps a gauge per connector and a connector that is
// gone is gone from the next scrape; the API requests an account sends are
// counted where they leave (Requests, an http.RoundTripper).
//
// Names follow the Prometheus naming guide: one pixee_ prefix, base units
// (seconds, a ratio), _total for counters. Per-connector series can be
// limited to the connectors that are not active (Options.Connectors), so a
// large fleet costs series only for what needs a look.
//
// Dependencies point one way: {app, serve} → metrics → monitor → api.
package metrics

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// Which connectors get series of their own (the config's metrics.connectors).
const (
	ConnectorsAll       = "all"        // every connector known
	ConnectorsNotActive = "not_active" // only those whose status is not active
)

// Statuses are the states of pixee_connector_status, one series each per
// connector: the dashboard's header's counts. Any other status the server
// sends is "other", so a server cannot grow the series without bound.
var Statuses = []string{"active", "paused", "error", "other"}

// StatusOf is the state of status s in Statuses.
func StatusOf(s string) string {
	switch strings.ToLower(s) {
	case "active":
		return "active"
	case "paused":
		return "paused"
	case monitor.StatusError:
		return "error"
	}
	return "other"
}

// Connector is one connector as the monitor knew it at a scrape.
type Connector struct {
	ID, Name, Platform string
	Status             string    // one of Statuses
	LastSync           time.Time // zero: never synced, or not known
	// Counts says a detail answer told Pending and Synced.
	Counts          bool
	Pending, Synced int
	Late            bool // late or overdue against its usual interval (monitor.Store.Cadence)
}

// Account is what one account's monitor knew at a scrape.
type Account struct {
	Connectors []Connector // only those selected (Options.Connectors)
	ByStatus   [4]int      // every connector known, by Statuses
	Budget     api.RateLimit
	BudgetOK   bool // a budget reading still holds
	Index      monitor.IndexState
	At         time.Time // the monitor's now
	// Up says the account is read: its key is not refused and the API
	// answers (fewer than two failed reads in a row, as the events say).
	Up bool
}

// maxLabel bounds a label value taken from the server (a name): a series
// is not the place for a novel.
const maxLabel = 256

// label is server text fit to be a label value: valid UTF-8 (the client
// library refuses anything else), and bounded.
func label(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) > maxLabel {
		cut := maxLabel
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// Counts are a connector's products as a detail answer said them, and
// when it was received.
type Counts struct {
	Pending, Synced int
	At              time.Time
}

// CountsOf is what d says of its products, and whether it says both.
func CountsOf(d *api.ConnectorDetail, at time.Time) (Counts, bool) {
	if d == nil || d.SyncStats.ProductsPendingUnknown || d.SyncStats.ProductsSyncedUnknown {
		return Counts{}, false
	}
	return Counts{Pending: d.SyncStats.ProductsPending, Synced: d.SyncStats.ProductsSynced, At: at}, true
}

// Take reads what m knows at now. It must run on the goroutine that owns m
// (a Source hands it there); what it returns is a copy, read anywhere.
// notActive keeps only the connectors whose status is not active. more
// are counts known beside the monitor (a team server's shared reads); the
// newer answer of the two is taken.
func Take(m *monitor.Monitor, now time.Time, notActive bool, more map[string]Counts) Account {
	st := m.Store()
	a := Account{Index: m.Index(), At: now}
	a.Budget, a.BudgetOK = m.Budget()
	failing, _ := m.Failing()
	a.Up = m.AuthErr() == nil && failing < 2
	a.Connectors = make([]Connector, 0, st.Len())
	st.Each(func(c api.Connector) {
		status := StatusOf(c.Status)
		a.ByStatus[statusIndex(status)]++
		if notActive && status == "active" {
			return
		}
		k := Connector{ID: label(c.ID), Name: label(c.Name), Platform: label(c.Platform), Status: status,
			Late: st.Cadence(c.ID, now).State != monitor.OnTime}
		if c.LastSyncAt != nil {
			k.LastSync = *c.LastSyncAt
		}
		n, ok := CountsOf(m.Cached(c.ID))
		if o, known := more[c.ID]; known && (!ok || o.At.After(n.At)) {
			n, ok = o, true
		}
		if ok {
			k.Counts, k.Pending, k.Synced = true, n.Pending, n.Synced
		}
		a.Connectors = append(a.Connectors, k)
	})
	return a
}

func statusIndex(s string) int {
	for i, v := range Statuses {
		if v == s {
			return i
		}
	}
	return len(Statuses) - 1
}
