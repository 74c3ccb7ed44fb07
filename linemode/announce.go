package linemode

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/write"
)

// What changes is said as it happens, one line an event ("14:02 Harbor
// Hardware turned to error: missing price"). Bad events are coalesced as
// the dashboard's alerts are (monitor.Alerts): the first rings at once,
// more within the minute wait and are said together in one line. Many
// events of one answer are one line too.

// manyAtOnce is how many events of one answer are said one a line; more
// are summed up in one.
const manyAtOnce = 5

// record keeps events the monitor saw: with a team server's hub they go to
// the hub, which hands them back (and to every session) through the inbox;
// else they are written to the events log and said.
func (s *session) record(evs []monitor.Event) {
	if len(evs) == 0 {
		return
	}
	for i := range evs {
		evs[i].ID = monitor.NewEventID()
		evs[i].Name = termtext.Sanitize(evs[i].Name)
	}
	if h := s.o.Account.Hub; h != nil {
		h.Publish(append([]monitor.Event(nil), evs...))
		return
	}
	if n := s.o.Account.Notify; n != nil {
		n.Notify(append([]monitor.Event(nil), evs...)) // never blocks (package notify queues)
	}
	if l := s.o.Account.Events; l != nil {
		if _, err := l.Append(evs); err != nil {
			s.out.say("Events are not kept for the next start: " + oneLine(err.Error()) + ".")
		}
	}
	s.announce(evs)
}

// announce says events, and keeps them for the events command.
func (s *session) announce(evs []monitor.Event) {
	for _, e := range evs {
		e.Name = termtext.Sanitize(e.Name)
		s.events = append([]history.Seen{{Event: e}}, s.events...)
	}
	if len(s.events) > history.MaxEventsKept {
		s.events = s.events[:history.MaxEventsKept]
	}
	var quiet []monitor.Event
	for _, e := range evs {
		if !e.Kind.Bad() {
			quiet = append(quiet, e)
		}
	}
	if len(quiet) > manyAtOnce {
		s.out.say(s.clock(quiet[0].Time) + " " + summary(quiet) + ". Type events to hear them.")
	} else {
		for _, e := range quiet {
			s.out.say(s.clock(e.Time) + " " + s.words(e))
		}
	}
	ring, at := s.alerts.Add(s.now(), evs)
	s.ring(ring, evs)
	if !at.IsZero() && (s.flushAt.IsZero() || at.Before(s.flushAt)) {
		s.flushAt = at
		s.o.After(at.Sub(s.now()), func() {
			select {
			case s.flush <- struct{}{}:
			default:
			}
		})
	}
}

func (s *session) flushAlerts() {
	s.flushAt = time.Time{}
	s.ring(s.alerts.Flush(s.now()), nil)
}

// ring says an alert's line, with the bell. A lone event is said in this
// mode's words (with the error when it is known).
func (s *session) ring(text string, evs []monitor.Event) {
	if text == "" {
		return
	}
	var bad []monitor.Event
	for _, e := range evs {
		if e.Kind.Bad() {
			bad = append(bad, e)
		}
	}
	if len(bad) == 1 && bad[0].Text() == text {
		text = s.words(bad[0])
	}
	s.out.ring(s.clock(s.now())+" "+text, s.o.Bell)
}

// words is an event in words, with what is known of the error.
func (s *session) words(e monitor.Event) string {
	t := e.Text()
	if e.Kind == monitor.TurnedError {
		if le, ok := s.mon.LastError(e.ConnectorID); ok && le != "" {
			t += ": " + oneLine(le)
		}
	}
	return t
}

// summary is many events as one line: "12 changes: 8 recovered, 4 appeared".
func summary(evs []monitor.Event) string {
	n := map[monitor.EventKind]int{}
	var order []monitor.EventKind
	for _, e := range evs {
		if n[e.Kind] == 0 {
			order = append(order, e.Kind)
		}
		n[e.Kind]++
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%d %s", n[k], strings.ReplaceAll(string(k), "_", " "))
	}
	return fmt.Sprintf("%d changes: %s", len(evs), strings.Join(parts, ", "))
}

// clock is a time of day, as people say it.
func (s *session) clock(t time.Time) string {
	if t.IsZero() {
		t = s.now()
	}
	return t.Format("15:04")
}

// tellEvents says the latest events, newest first.
func (s *session) tellEvents() {
	if len(s.events) == 0 && s.o.Account.Events != nil {
		if seen, _, err := s.o.Account.Events.Load(); err == nil {
			s.events = seen
		}
	}
	if len(s.events) == 0 {
		s.out.say("No event yet.")
		return
	}
	n := min(len(s.events), s.o.Lines)
	out := []string{fmt.Sprintf("The latest %s, newest first:", count(n, "event"))}
	for _, e := range s.events[:n] {
		day := ""
		if s.now().Sub(e.Time) > 20*time.Hour {
			day = e.Time.Format("Jan 2") + " "
		}
		out = append(out, day+s.clock(e.Time)+" "+termtext.Sanitize(e.Text()))
	}
	s.out.say(out...)
}

// tellErrors says the connectors in error, grouped by cause.
func (s *session) tellErrors() {
	known, waiting := s.mon.Failures()
	if len(known)+len(waiting) == 0 {
		s.out.say("No connector is in error" + s.soFar() + ".")
		return
	}
	out := []string{fmt.Sprintf("%s in error%s.", count(len(known)+len(waiting), "connector"), s.soFar())}
	for _, g := range monitor.GroupByCause(known) {
		names := make([]string, 0, 5)
		for _, c := range g.Connectors[:min(5, len(g.Connectors))] {
			names = append(names, orWord(c.Name, c.ID))
		}
		more := ""
		if len(g.Connectors) > 5 {
			more = fmt.Sprintf(" and %d more", len(g.Connectors)-5)
		}
		out = append(out, fmt.Sprintf("%s: %s, on %s: %s%s.", oneLine(g.Cause), count(len(g.Connectors), "connector"),
			strings.Join(g.Platforms, ", "), strings.Join(names, ", "), more))
	}
	if len(waiting) > 0 {
		out = append(out, fmt.Sprintf("%s in error whose error is not read yet.", count(len(waiting), "connector")))
	}
	s.out.say(out...)
}

// tellHistory says the latest syncs and tests sent on the account.
func (s *session) tellHistory() {
	h := s.o.Account.History
	if h == nil {
		s.out.say("There is no history on this account.")
		return
	}
	acts, _, err := h.Actions()
	if err != nil {
		s.out.say("The history cannot be read: " + oneLine(err.Error()) + ".")
		return
	}
	if len(acts) == 0 {
		s.out.say("Nothing has been sent from pixee-tui on this account.")
		return
	}
	n := min(len(acts), s.o.Lines)
	out := []string{fmt.Sprintf("The latest %s, newest first:", count(n, "action"))}
	for _, a := range acts[:n] {
		out = append(out, actionWords(a, s.now()))
	}
	s.out.say(out...)
}

func actionWords(a history.Action, now time.Time) string {
	what := "a whole-catalog sync"
	switch a.Kind {
	case history.SyncEANs:
		what = "a sync of " + count(len(a.EANs), "EAN")
	case history.TestConn:
		what = "a connection test"
	}
	w := ago(now.Sub(a.Time)) + ", " + what + " to " + termtext.Sanitize(orWord(a.ConnectorName, a.ConnectorID))
	if a.User != "" {
		w += " by " + termtext.Sanitize(a.User)
	}
	w += ": " + orWord(a.Outcome, "no outcome recorded")
	if a.Answer != "" && a.Answer != a.Outcome {
		w += " (the server said: " + oneLine(a.Answer) + ")"
	}
	return w + "."
}

// applyWrite takes a write's end: the monitor learns it, and it is said in
// words.
func (s *session) applyWrite(w writeDone) {
	o := w.o
	r := monitor.Result{Request: w.req, Rate: shared.RateOf(o.Resp), Err: shared.CleanErr(o.Err)}
	if o.Err == nil && o.Synced != nil {
		cr := *o.Synced
		cr.SyncID, cr.Status = termtext.Sanitize(cr.SyncID), termtext.Sanitize(cr.Status)
		r.Synced = &cr
	}
	if o.Err == nil && o.Tested != nil {
		ct := *o.Tested
		ct.Message = termtext.Sanitize(ct.Message)
		r.Tested = &ct
	}
	c, _ := s.mon.Store().Get(w.req.ID)
	before, _ := s.mon.Cached(w.req.ID)
	out := s.mon.Apply(r)
	s.askedRun(w.req.ID, o.Action, o.Sent)
	if o.Unrecorded != nil {
		s.out.say("The outcome could not be written to the history: " + oneLine(o.Unrecorded.Error()) + ".")
	}
	switch {
	case out.Test != nil:
		s.out.say("Connection test of " + name(c) + ": " + testWords(out.Test.Result, out.Test.Err) + ".")
	case out.Sync != nil:
		s.synced(c, out.Sync, o, before)
	}
	s.do(out.Plan)
}

// synced says a sync's answer, and follows a queued one.
func (s *session) synced(c api.Connector, d *monitor.SyncDone, o write.Outcome, before *api.ConnectorDetail) {
	var rej *api.SyncRejectedError
	var notRec *write.NotRecordedError
	switch {
	case errors.As(d.Err, &notRec):
		s.out.say("Sync to " + name(c) + " " + oneLine(d.Err.Error()) + ".")
		return
	case errors.Is(d.Err, api.ErrReadOnly):
		s.out.say("Sync to " + name(c) + " refused: read-only, " + oneLine(d.Err.Error()) + ". Nothing sent.")
		return
	case errors.As(d.Err, &rej):
		s.out.say("The server refused the sync to " + name(c) + ": " + oneLine(d.Err.Error()) + ".")
		return
	case d.Err != nil && api.OutcomeUnknown(d.Err):
		s.out.say("The sync to " + name(c) + " was sent but no answer came: it may be queued. It is not sent again; the history says outcome unknown. " + oneLine(d.Err.Error()) + ".")
		return
	case d.Err != nil:
		s.out.say("The sync to " + name(c) + " failed: " + oneLine(d.Err.Error()) + ".")
		return
	}
	res := d.Result
	what := "The sync"
	if d.Catalog {
		what = "The whole-catalog sync"
	}
	switch {
	case res.Unreported:
		s.out.say(what + " to " + name(c) + " was accepted; the server said nothing more.")
	case res.ProductsQueuedUnknown:
		s.out.say(what + " to " + name(c) + " is queued; the server did not say how many products.")
	default:
		s.out.say(what + " to " + name(c) + " is queued: " + count(res.ProductsQueued, "product") + ", sync id " + orWord(res.SyncID, "not given") + ".")
	}
	s.sent(c, d, o)
	f := &following{id: c.ID, name: name(c), start: s.now(), actionID: o.Action.ID,
		before: write.AwaitedFrom(before, history.Result{Queued: o.Action.Queued})}
	if !res.ProductsQueuedUnknown && !res.Unreported {
		f.total = res.ProductsQueued
	}
	s.follow = f
	s.out.say("Its progress is told every quarter.")
	s.do(s.mon.Select(c.ID, false))
}

// sent tells the others on a team server's account of a sync queued here,
// as the dashboard does: they hear who did what as it happens.
func (s *session) sent(c api.Connector, d *monitor.SyncDone, o write.Outcome) {
	if s.o.Account.Hub == nil || !o.Sent {
		return
	}
	what := "the whole catalog"
	if !d.Catalog {
		what = count(len(o.Action.EANs), "EAN")
	}
	s.record([]monitor.Event{{Time: s.now(), ConnectorID: c.ID, Name: c.Name, Kind: monitor.SyncSent, Before: s.o.User, After: what}})
}

// following is a queued sync whose progress is told at 25 % steps, and
// whose end is judged by the write path's rule (write.Judge).
type following struct {
	id, name string
	start    time.Time
	actionID string
	before   write.Awaited
	total    int // products to go through: queued, or the first pending seen
	told     int // the last quarter told: 0, 25, 50, 75
	done     bool
}

// progress is what a fresh detail says of the followed sync: its quarters
// in words, and its end as an event.
func (s *session) progress(d *api.ConnectorDetail) []monitor.Event {
	f := s.follow
	if f == nil || f.done || d.ID != f.id {
		return nil
	}
	v, r := write.Judge(f.before, d)
	if v != write.Waiting {
		f.done = true
		if h := s.o.Account.History; h != nil && f.actionID != "" {
			if err := h.Finish(f.actionID, r); err != nil {
				s.out.say("The end of the sync could not be written to the history: " + oneLine(err.Error()) + ".")
			}
		}
		e := monitor.Event{Time: s.now(), ConnectorID: d.ID, Name: d.Name}
		switch v {
		case write.Drained:
			e.Kind = monitor.SyncDrained
		case write.Failed:
			e.Kind, e.After = monitor.SyncFailed, r.Answer
		default:
			e.Kind, e.After = monitor.SyncLost, r.Answer
		}
		return []monitor.Event{e}
	}
	st := d.SyncStats
	if st.ProductsPendingUnknown {
		return nil
	}
	if f.total < st.ProductsPending {
		f.total = st.ProductsPending
	}
	if f.total == 0 {
		return nil
	}
	doneN := f.total - st.ProductsPending
	pct := doneN * 100 / f.total
	q := pct / 25 * 25
	if q <= f.told || q >= 100 {
		return nil
	}
	f.told = q
	line := fmt.Sprintf("%s: %d percent", f.name, q)
	if el := s.now().Sub(f.start); doneN > 0 && el > 0 {
		left := time.Duration(float64(el) * float64(st.ProductsPending) / float64(doneN))
		line += ", " + span(left) + " left"
	}
	s.out.say(line + ".")
	return nil
}
