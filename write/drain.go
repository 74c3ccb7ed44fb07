package write

import (
	"fmt"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
)

// Awaited is a queued sync whose end is awaited: the connector as it was
// when the sync was queued, and what the server said it queued.
type Awaited struct {
	Synced      int  // products_synced before the sync
	SyncedKnown bool // false: before was not seen, or unreadable
	LastError   *string
	Queued      *int // nil: the server did not say
}

// AwaitedFrom is the awaited sync queued on a connector last seen as
// before (nil: not seen), with the recorded result r.
func AwaitedFrom(before *api.ConnectorDetail, r history.Result) Awaited {
	w := Awaited{Queued: r.Queued}
	if before != nil {
		w.Synced, w.SyncedKnown = before.SyncStats.ProductsSynced, !before.SyncStats.ProductsSyncedUnknown
		w.LastError = before.SyncStats.LastError
	}
	return w
}

// Verdict is what a reading of the connector says of an awaited sync.
type Verdict int

const (
	Waiting Verdict = iota // still pending: ask again later
	Drained                // pending back at 0 and synced rose by about what was queued
	Failed                 // pending back at 0 with a new last_error
	Lost                   // unknown: the server lost track (a reset, synced fell, a count unreadable)
)

// Judge is the one rule for "the sync drained", for the dashboard's events
// and history, the CLI's --wait and the team server. A sync drained when
// products_pending fell to 0 and products_synced rose by about what was
// queued. A fall of products_synced (the server restarted, its counts
// reset), or a count that cannot be read, is Lost — "unknown, the server
// lost track" — never Drained. The result is what the history records.
func Judge(w Awaited, d *api.ConnectorDetail) (Verdict, history.Result) {
	s := d.SyncStats
	lost := func(why string) (Verdict, history.Result) {
		return Lost, history.Result{Outcome: history.OutcomeUnknown, Answer: "the server lost track: " + why}
	}
	switch {
	case s.ProductsPendingUnknown:
		return lost("products_pending cannot be read")
	case s.ProductsPending > 0:
		return Waiting, history.Result{}
	case s.ProductsSyncedUnknown:
		return lost("products_synced cannot be read")
	}
	if le := s.LastError; le != nil && (w.LastError == nil || *w.LastError != *le) {
		return Failed, history.Result{Outcome: history.OutcomeFailed, Answer: *le}
	}
	if w.SyncedKnown {
		rose := s.ProductsSynced - w.Synced
		if rose < 0 {
			return lost(fmt.Sprintf("products_synced fell from %d to %d (a reset?)", w.Synced, s.ProductsSynced))
		}
		if w.Queued != nil && !about(rose, *w.Queued) {
			return lost(fmt.Sprintf("products_pending is 0 but products_synced rose by %d of the %d queued", rose, *w.Queued))
		}
	}
	return Drained, history.Result{Outcome: history.OutcomeDrained}
}

// about says whether rose is about queued: within a tenth below it (a few
// products may be refused without a last_error), or more (other syncs ran).
func about(rose, queued int) bool { return rose*10 >= queued*9 }
