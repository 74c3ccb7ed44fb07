// Package linemode is the dashboard as lines, for screen readers and
// braille displays (--accessible): its room sits beside the dashboard
// (package ui), over the same monitor, driver and reads (package shared),
// the same write path (package write) and history, with none of the
// drawing. It writes lines and never redraws what it wrote: no box drawing,
// no spinner, no braille, no colour, no cursor movement, no escape sequence
// but the bell. It reads one command a line (help lists them), and
// announces what changes on the account, one line an event, as it happens.
//
// Every text the server wrote is neutralised (ui/termtext) before it is
// written, and the writer checks the whole line once more (plain), so a
// hostile connector name cannot move the cursor or ring anything.
package linemode

import (
	"context"
	"io"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/write"
)

// Options are what one run of the line mode runs on.
type Options struct {
	Account    shared.Account // opened by the one opener (package account)
	Name, Host string         // the account as the dashboard's header names it
	Demo       bool
	User       string // who is recorded in the history for a write
	In         io.Reader
	Out        io.Writer
	// CRLF ends lines with "\r\n" and echoes what is typed (a team
	// server's session: the client's terminal is raw, nothing echoes it).
	CRLF bool
	// Bell rings the terminal bell (BEL, the one control written) with an
	// alert, as the dashboard does.
	Bell       bool
	StuckAfter time.Duration
	// AlertWindow is how long bad events wait to be said together after
	// one was said (default a minute, as the dashboard's alerts).
	AlertWindow time.Duration
	// Lines is how many connectors a page of the list holds (default 20).
	Lines int
	// PerPage, Refresh, IdleRefresh and ListRefresh are the monitor's
	// (0: the account's, else the monitor's defaults).
	PerPage                           int
	Refresh, IdleRefresh, ListRefresh time.Duration
	// Inbox is what a team server hands the session: shared.Events from
	// the account's hub. Nil without a team server.
	Inbox <-chan any
	Now   func() time.Time
	// After arms a timer (default time.AfterFunc); tests may fire them.
	After func(d time.Duration, f func())
}

// DefaultLines is how many connectors a page of the list holds.
const DefaultLines = 20

// session is one run: everything below is touched by the loop goroutine only.
type session struct {
	o     Options
	ctx   context.Context
	out   *lines
	mon   monitor.Monitor
	drive shared.Driver
	now   func() time.Time

	results chan monitor.Result
	writes  chan writeDone
	timers  chan monitor.Timer
	flush   chan struct{}
	input   chan string

	list      listing
	ask       *question // a write waiting for yes or no
	showing   string    // a connector whose detail is awaited for show
	runsFor   string    // a connector shown whose runs are awaited
	first     bool      // the first page has been told
	listWaits bool      // list was typed before it: told with it
	indexed   bool      // the index has been told complete

	// What the dashboard's feed keeps: events, alerts and the watches.
	events  []history.Seen // newest first
	alerts  monitor.Alerts
	stuck   monitor.StuckWatch
	health  monitor.HealthWatch
	flushAt time.Time
	// The past watches (watches.go): lateness and runs, and when lateness
	// next moves with time alone (zero: no timer armed).
	late     monitor.LateWatch
	runWatch monitor.RunWatch
	lateAt   time.Time
	lateDue  chan struct{}
	reports  chan []monitor.Event // the notifier's, see hearReports

	follow *following // the sync whose progress is told
}

// Run runs the line mode until the input ends, quit is typed or ctx ends.
func Run(ctx context.Context, o Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := newSession(ctx, o)
	defer s.hearReports()()
	go readLines(ctx, s.o.In, s.input, s.out, s.o.CRLF)
	err := s.run()
	s.mon.Stop()
	s.drive.CancelAll()
	return err
}

func newSession(ctx context.Context, o Options) *session {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = func(d time.Duration, f func()) { time.AfterFunc(d, f) }
	}
	if o.Lines <= 0 {
		o.Lines = DefaultLines
	}
	a := o.Account
	mo := monitor.Options{API: a.API, Now: o.Now, PerPage: firstOf(o.PerPage, a.PerPage), Refresh: firstOf(o.Refresh, a.Refresh),
		IdleRefresh: o.IdleRefresh, ListRefresh: o.ListRefresh, ReadOnly: a.ReadOnly, Crawl: a.Fleet == nil, Fleet: a.Fleet, Jobs: true}
	s := &session{o: o, ctx: ctx, out: newLines(o.Out, o.CRLF), mon: monitor.New(mo), drive: shared.NewDriver(a.API), now: o.Now,
		results: make(chan monitor.Result, 16), writes: make(chan writeDone, 1), timers: make(chan monitor.Timer, 16),
		flush: make(chan struct{}, 1), input: make(chan string, 16), lateDue: make(chan struct{}, 1), reports: make(chan []monitor.Event)}
	s.stuck.After = o.StuckAfter
	s.alerts.Window = o.AlertWindow
	s.list.sortBy = sortName
	return s
}

func firstOf[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

// InputEndWait is how long the line mode waits, once its input has
// ended, for what was asked and is not told yet (a list before the first
// page, a show's detail or runs): "echo list | pixee-tui --accessible"
// tells the list, then ends.
const InputEndWait = 15 * time.Second

// awaiting says something asked is still to be told.
func (s *session) awaiting() bool { return s.listWaits || s.showing != "" || s.runsFor != "" }

func (s *session) run() error {
	s.greet()
	s.do(s.mon.Start())
	var endBy <-chan time.Time // armed when the input ends with something awaited
	for {
		if s.input == nil && !s.awaiting() {
			return nil
		}
		select {
		case <-s.ctx.Done():
			return nil
		case <-endBy:
			return nil
		case line, ok := <-s.input:
			if !ok {
				s.input, endBy = nil, time.After(InputEndWait)
				continue
			}
			if s.command(line) {
				return nil
			}
		case r := <-s.results:
			s.applyRead(r)
		case w := <-s.writes:
			s.applyWrite(w)
		case t := <-s.timers:
			s.do(s.mon.Wake(t))
		case <-s.flush:
			s.flushAlerts()
		case <-s.lateDue:
			s.onLateDue()
		case evs := <-s.reports:
			s.reported(evs)
		case msg := <-s.o.Inbox:
			if e, ok := msg.(shared.Events); ok {
				s.announce(e.Events)
			}
		}
		if err := s.out.failed(); err != nil {
			return err // nobody reads what is written
		}
	}
}

// do turns a monitor's plan into work: every read a goroutine, every timer
// an armed function, the write through the write path; every answer comes
// back to the loop, so the monitor is only touched there.
func (s *session) do(p monitor.Plan) {
	for _, st := range p {
		j := s.drive.Job(s.ctx, st)
		switch {
		case j.Timer != nil:
			t := *j.Timer
			s.o.After(t.After, func() {
				select {
				case s.timers <- t:
				case <-s.ctx.Done():
				}
			})
		case j.Read != nil:
			go func() {
				res := j.Read()
				select {
				case s.results <- res:
				case <-s.ctx.Done():
				}
			}()
		case j.Write != nil:
			s.send(*j.Write)
		}
	}
}

// writeDone is a write's end, as the write path tells it.
type writeDone struct {
	req monitor.Request
	o   write.Outcome
}

// send sends a write once through the write path (intent recorded first,
// never retried); its outcome comes back to the loop. A write is never
// abandoned: it runs to its answer even when the session ends.
func (s *session) send(r monitor.Request) {
	c, _ := s.mon.Store().Get(r.ID)
	w := write.Writer{API: s.drive.API(), History: s.o.Account.History, NoHistory: s.o.Account.HistoryErr, User: s.o.User}
	go func() {
		var o write.Outcome
		func() {
			defer func() {
				if p := recover(); p != nil {
					o = write.Outcome{Err: shared.Recovered("sending", p)}
				}
			}()
			if r.Kind == monitor.KindTest {
				o = w.Test(context.WithoutCancel(s.ctx), r.ID, c.Name)
			} else {
				o = w.Sync(context.WithoutCancel(s.ctx), write.Sync{ConnectorID: r.ID, ConnectorName: c.Name, EANs: r.EANs, Catalog: r.Kind == monitor.KindSyncCatalog})
			}
		}()
		s.writes <- writeDone{req: r, o: o} // buffered: one write at a time
	}()
}

// applyRead takes a read's answer: the store's changes become events, a
// detail awaited by show is told, a followed sync's progress is told.
func (s *session) applyRead(r monitor.Result) {
	s.drive.Answered(r.Request)
	var prev *api.ConnectorDetail
	if r.Kind == monitor.KindConnector {
		prev, _ = s.mon.Cached(r.ID)
	}
	out := s.mon.Apply(r)
	if out.Dropped {
		return
	}
	if out.Note != "" {
		s.out.say(out.Note)
	}
	fresh := r.Kind == monitor.KindConnector || (out.Page != nil && out.Page.Same)
	evs := append(monitor.EventsOfChanges(s.mon.Received(r), out.Changes, fresh), s.health.Observe(s.now(), &s.mon)...)
	if d := out.Detail; d != nil {
		if e, ok := monitor.EventOfDetail(s.now(), prev, d); ok {
			evs = append(evs, e)
		}
		if e, ok := s.stuck.Observe(s.now(), d); ok {
			evs = append(evs, e)
		}
		evs = append(evs, s.progress(d)...)
	}
	s.record(append(evs, s.pastEvents()...))
	if out.Page != nil && !s.first {
		s.first = true
		s.facts()
		if s.listWaits {
			s.listWaits = false
			s.list.build(s.mon.Store())
			s.tell(1)
		}
	}
	if ix := s.mon.Index(); ix.Complete && !s.indexed && s.first {
		s.indexed = true
		s.out.say("The index is complete: " + count(ix.Known, "connector") + ".")
	}
	if out.Gone != "" && out.Gone == s.showing {
		s.showing = ""
		s.out.say("That connector no longer exists.")
	}
	if d := out.Detail; d != nil && d.ID == s.showing {
		s.showing = ""
		s.detail(d, true)
	}
	if out.Jobs != "" && out.Jobs == s.runsFor {
		s.runsFor = ""
		s.tellRuns(out.Jobs)
	}
	if t := s.mon.Target(monitor.SelectedTarget); s.showing != "" && r.Kind == monitor.KindConnector && r.ID == s.showing && t.Err != nil {
		s.showing = ""
		s.out.say("The detail could not be read: " + oneLine(t.Err.Error()) + ".")
	}
	s.do(out.Plan)
}
