package linemode

import (
	"time"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
)

// The events that come from elsewhere than a read's answer, said as the
// dashboard shows them: lateness and runs judged slow or small (the
// monitor's past watches, fed after every answer and when lateness moves
// with time alone), and a message to the team's tools that could not be
// delivered (notify_failed, reported by the notifier).

// pastEvents is what the watches of lateness and runs say now; the
// lateness watch's next moment is armed as one timer (re-armed only when
// an earlier one is due).
func (s *session) pastEvents() []monitor.Event {
	evs, next := s.mon.WatchPast(&s.late, &s.runWatch)
	if !next.IsZero() && (s.lateAt.IsZero() || next.Before(s.lateAt)) {
		s.lateAt = next
		s.armLate(next)
	}
	return evs
}

// armLate arms the lateness timer for at.
func (s *session) armLate(at time.Time) {
	s.o.After(max(at.Sub(s.now()), 0), func() {
		select {
		case s.lateDue <- struct{}{}:
		default:
		}
	})
}

// onLateDue is the lateness timer's moment: what moved with time alone.
// A timer that came early (another clock's reading) is armed again.
func (s *session) onLateDue() {
	if !s.lateAt.IsZero() && s.now().Before(s.lateAt) {
		s.armLate(s.lateAt)
		return
	}
	s.lateAt = time.Time{}
	s.record(s.pastEvents())
}

// askedRun tells the run watch a sync of some EANs went out: its run
// pushes those few and is no small_run.
func (s *session) askedRun(id string, a history.Action, sent bool) {
	if sent && a.Kind == history.SyncEANs && a.Outcome != history.OutcomeFailed && a.Outcome != history.OutcomeRejected {
		s.runWatch.Asked(id, s.now())
	}
}

// hearReports has the notifier's reports (a delivery that finally failed)
// come to the loop, to be kept in the account's events and said; without
// a team server's hub, which says them to every session itself. It
// returns what puts the reports back to the events log alone, for when
// the line mode ends.
func (s *session) hearReports() (stop func()) {
	n, l := s.o.Account.Notify, s.o.Account.Events
	if n == nil || s.o.Account.Hub != nil {
		return func() {}
	}
	keep := func(evs []monitor.Event) {
		if l != nil {
			_, _ = l.Append(evs)
		}
	}
	n.ReportTo(func(evs []monitor.Event) {
		go func() { // never blocks the notifier
			select {
			case s.reports <- evs:
			case <-s.ctx.Done():
				keep(evs) // the session ended meanwhile: kept all the same
			}
		}()
	})
	return func() { n.ReportTo(keep) }
}

// reported keeps and says the notifier's reports (never notified again:
// a failing target would feed itself).
func (s *session) reported(evs []monitor.Event) {
	if l := s.o.Account.Events; l != nil {
		if _, err := l.Append(evs); err != nil {
			s.out.say("Events are not kept for the next start: " + oneLine(err.Error()) + ".")
		}
	}
	s.announce(evs)
}
