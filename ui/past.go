package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// Each connector's past: its runs (the server's jobs, or runs the monitor
// observed where the server has no jobs), kept in the account's runs log
// so a restart remembers the observed ones.

// jobsMsg is a jobs read's answer (monitor.KindJobs).
type jobsMsg struct{ monitor.Result }

// runsLoadedMsg brings the observed runs kept from an earlier start.
type runsLoadedMsg struct {
	log  *history.RunLog // whose: an account switched away from ignores it
	runs []monitor.Run
	err  error
}

// loadRuns reads the account's runs log off the Update loop.
func loadRuns(l *history.RunLog) tea.Cmd {
	if l == nil {
		return nil
	}
	return func() tea.Msg {
		runs, _, err := l.Load()
		return runsLoadedMsg{log: l, runs: runs, err: err}
	}
}

// onRunsLoaded gives the kept runs to the account's monitor.
func (m *Model) onRunsLoaded(msg runsLoadedMsg) {
	a := &m.account
	if msg.log != a.runs {
		a = nil
		for _, o := range m.accounts {
			if o.runs == msg.log {
				a = o
			}
		}
	}
	if a == nil {
		return
	}
	a.mon.LoadRuns(msg.runs)
	if msg.err != nil {
		m.flashMsg("runs: "+termtext.Sanitize(msg.err.Error()), true)
	}
}

// onJobs applies a jobs answer: the store keeps the runs it brought, and
// learns the connector's usual interval from them.
func (m *Model) onJobs(r monitor.Result) tea.Cmd {
	m.drive.Answered(r.Request) // release its context
	out := m.mon.Apply(r)
	return tea.Batch(m.record(m.pastEvents()), m.do(out.Plan))
}

// pastEvents is what the watches of lateness and runs say now, after a
// result or when lateness moves with time alone (onClock): each looks only
// at the connectors the result touched, and at those whose time came.
func (m *Model) pastEvents() []monitor.Event {
	evs, next := m.mon.WatchPast(&m.feed.late, &m.feed.runWatch)
	m.feed.lateNext = next
	return evs
}

// lateDue says lateness moved with time alone since the last look: the
// clock's loop looks then, so no timer of its own is armed.
func (m *Model) lateDue() bool {
	return !m.feed.lateNext.IsZero() && !m.now().Before(m.feed.lateNext)
}

// keepRuns appends runs observed to end to the account's runs log.
func (m *Model) keepRuns(runs []monitor.Run) tea.Cmd {
	if len(runs) == 0 || m.runs == nil {
		return nil
	}
	log, batch := m.runs, append([]monitor.Run(nil), runs...)
	return func() tea.Msg {
		return historyWrittenMsg{err: log.Append(batch)}
	}
}

// askedRun tells the run watch a sync of some EANs went out: its run
// pushes those few and is no small_run.
func (m *Model) askedRun(a *history.Action) {
	if a != nil && a.Kind == history.SyncEANs && a.Outcome != history.OutcomeFailed && a.Outcome != history.OutcomeRejected {
		m.feed.runWatch.Asked(a.ConnectorID, m.now())
	}
}

// activityOf is connector id's runs as the detail's strip draws them.
func (m *Model) activityOf(id string) widget.Activity {
	if id == "" {
		return widget.Activity{}
	}
	runs, observed := m.mon.Runs(id)
	rec, asked := m.mon.Jobs(id)
	a := widget.Activity{Observed: observed, NoJobs: !m.mon.JobsOffered(), Listed: asked && rec.Err == nil,
		Runs: make([]widget.ActivityRun, len(runs))}
	if cad := m.mon.Cadence(id); cad.State != monitor.OnTime {
		a.Lateness, a.Usual, a.Behind = cad.State.String(), cad.Usual, cad.Behind
	}
	for i, r := range runs {
		a.Runs[i] = widget.ActivityRun{Outcome: outcomeOf(r), End: r.End, Duration: r.Duration,
			DurationKnown: !r.DurationUnknown && r.Finished(), Status: r.Status}
	}
	return a
}

// outcomeOf is how run r ended, for the strip and the timeline.
func outcomeOf(r monitor.Run) widget.Outcome {
	switch s := strings.ToLower(r.Status); {
	case r.Failed():
		return widget.RunFailed
	case !r.Finished():
		return widget.RunRunning
	case s == "completed" || s == "success" || s == "succeeded" || s == "ok" || (s == "" && r.Dated()):
		// No status and an end: an observed run, or a job with only its
		// completion; with neither, nothing says how it went.
		return widget.RunOK
	}
	return widget.RunOther
}
