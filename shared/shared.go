// Package shared is what a dashboard shares with a team server: the room
// between the screen (package ui) and the monitor. It holds an opened
// account as a dashboard runs on it (Account, AccountSpec), where a team
// server's sessions meet (Hub, and the Events and Acks it hands them), an
// account's one events stream, the same for both (EventStream), the
// reads a monitor asks for (Read), and the one driver that turns a
// monitor's plans into timers, reads and writes (Driver), used by the
// dashboard's Bubble Tea loop and by a team server's watch alike.
//
// Dependencies point one way: serve → ui → shared → monitor → api. This
// package draws nothing and imports no Bubble Tea: its messages are plain
// values that a program hands to its model.
package shared

import (
	"time"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
)

// AccountSpec is an account the switcher offers (a profile of the config
// file). Open is called once, in a command, the first time it is chosen:
// it reads the key (a key command runs then) and builds the client.
type AccountSpec struct {
	Name, Host string
	Open       func() (Account, error)
	// WritesOff is why no sync or test may be sent on the account from
	// this dashboard, known before it is opened (a team user who only
	// watches it); "" when nothing says so yet.
	WritesOff string
}

// Account is what an opened account runs on.
type Account struct {
	API        monitor.API
	History    *history.Store // nil: no write is sent on the account
	HistoryErr error          // why History is nil
	Events     *history.EventLog
	Runs       *history.RunLog // observed runs, kept for the next start (Outcome.Runs, LoadRuns); nil: not kept
	Hub        Hub             // team mode: the account's events hub
	Notify     Notifier        // the team's own tools (notify: in the config); nil: none
	// Fleet is team mode's one index of the account, read instead of a
	// crawl of this dashboard's own.
	Fleet    monitor.FleetSource
	ReadOnly bool
	// PerPage and Refresh are the account's own (its profile's); 0: the
	// dashboard's options.
	PerPage  int
	Refresh  time.Duration
	Warnings []string // said once on opening (a key file others can read)
}

// Hub is where the sessions of one team server meet (package serve): each
// session publishes the events it sees, and the hub hands every event,
// once however many sessions saw it, to every session as an Events
// message. With a hub, a session neither writes the events log nor rings
// for what it saw itself: it does both for what the hub hands it (the hub
// writes the log). Publish must not block.
type Hub interface {
	Publish(evs []monitor.Event)
	// Acknowledge is a session's acknowledgement: of the events ids, or
	// of all up to until when it is not zero. The hub decides whom it
	// reaches and records it (the session writes nothing).
	Acknowledge(ids []string, until time.Time)
}

// Notifier hands an account's events to the team's own tools (package
// notify): a dashboard without a hub calls it with the events it records,
// a team server's hub with the events it keeps, each once. Notify must
// not block. A delivery that finally fails comes back as a notify_failed
// event through the function given to ReportTo.
type Notifier interface {
	Notify(evs []monitor.Event)
	ReportTo(report func([]monitor.Event))
}

// Events are events a Hub hands to a session, for the account at Account
// in the dashboard's accounts (0 without a switcher).
type Events struct {
	Account int
	Events  []monitor.Event
}

// Acks is an acknowledgement made in another session of a team server
// (Hub.Acknowledge), for the account at Account.
type Acks struct {
	Account int
	IDs     []string
	Until   time.Time
}
