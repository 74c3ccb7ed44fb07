package accounts

import (
	"context"

	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// hub is one account's events stream in a dashboard of several accounts
// (shared.Hub): the stream a team server runs for each account
// (shared.EventStream), here with two sources, the account's watch and,
// while the account is on screen, the dashboard's monitor. It keeps each
// change once — switching accounts back and forth reports nothing twice —
// writes it to the account's events log, tells the team's tools, and
// hands it on (to the next Snapshot).
type hub struct {
	*shared.EventStream
}

func newHub(name string, s shared.Account, logf func(string, ...any), hand func([]monitor.Event)) *hub {
	h := &hub{shared.NewEventStream(shared.StreamOptions{Log: s.Events, Notify: s.Notify,
		Logf: func(format string, args ...any) { logf(name+": "+format, args...) }})}
	h.Subscribe(&handOn{hand})
	return h
}

// handOn takes the events the stream keeps; acknowledgements are the
// dashboard's own, marked in its feed already.
type handOn struct{ hand func([]monitor.Event) }

func (h *handOn) Offer(msg any) {
	if e, ok := msg.(shared.Events); ok {
		h.hand(e.Events)
	}
}

// Publish keeps what is news. A sync the dashboard sent (SyncSent) is for
// a team's other sessions: a dashboard has none, and its history holds
// the sync.
func (h *hub) Publish(evs []monitor.Event) {
	var out []monitor.Event
	for _, e := range evs {
		if e.Kind != monitor.SyncSent {
			out = append(out, e)
		}
	}
	if len(out) > 0 {
		h.EventStream.Publish(out)
	}
}

// writeLoop returns once ctx has ended and what was queued is written.
func (h *hub) writeLoop(ctx context.Context) {
	<-ctx.Done()
	h.Close(context.Background())
}
