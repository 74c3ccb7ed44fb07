package shared

import (
	"context"
	"time"

	"github.com/pixee/pixee-tui/monitor"
)

// Watch is an account's own monitor, with no screen: it keeps the account
// indexed (the crawl) and its first page polled, and hands on what changes
// (events, the index, the account's state) whether anyone looks or not. A
// team server runs one per account so the team's events are recorded
// through the night; a dashboard of several accounts runs one per account
// not on screen, so an account's events arrive whichever is shown.
type Watch struct {
	mon    monitor.Monitor
	drive  Driver // the dashboard's driver: reads as the dashboard reads (Read)
	opts   WatchOptions
	health monitor.HealthWatch
	late   monitor.LateWatch // the account's lateness, said once for every screen
	runs   monitor.RunWatch
	// lateAt wakes the watch when lateness moves with time alone.
	lateAt   *time.Timer
	lateNext time.Time
	lateWake chan struct{}

	version  uint64
	progress monitor.IndexState
	said     Summary

	results chan monitor.Result
	timers  chan monitor.Timer
	hold    chan bool // Pause and Resume, for the watch's goroutine
}

// WatchOptions configure a Watch.
type WatchOptions struct {
	API         monitor.API // where its reads go: the watch never writes
	Now         func() time.Time
	PerPage     int           // a dashboard's page size, so its first page and a session's are one answer
	ListRefresh time.Duration // how often the first page is asked again
	// Events are handed what changed, each with its id; they must not
	// block (the watch waits for them).
	Events func([]monitor.Event)
	// Fleet, when set, is handed the index after every change.
	Fleet func(*monitor.FleetView)
	// Summary, when set, is handed the account's state after every result
	// that changed it.
	Summary func(Summary)
	// Inspect, when set, brings functions run on the watch's monitor
	// between two results (a metrics scrape, metrics.Source): the monitor
	// is only ever touched by the watch's goroutine.
	Inspect <-chan func(*monitor.Monitor)
}

// NewWatch builds a watch of the account o.API reads. Nothing is asked
// until Run.
func NewWatch(o WatchOptions) *Watch {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Watch{
		opts: o,
		mon: monitor.New(monitor.Options{API: o.API, Now: o.Now, Crawl: true, ReadOnly: true,
			PerPage: o.PerPage, ListRefresh: o.ListRefresh}),
		drive:    NewDriver(o.API),
		results:  make(chan monitor.Result, 8),
		timers:   make(chan monitor.Timer, 8),
		hold:     make(chan bool, 1),
		lateWake: make(chan struct{}, 1),
	}
}

// Keep runs a watch until ctx ends, starting it again, after a pause and
// from scratch, if it panics: odd data from the server ends a watch, not
// the program with every account on it.
func Keep(ctx context.Context, start func() *Watch, logf func(string, ...any)) {
	for ctx.Err() == nil {
		func() {
			defer func() {
				if p := recover(); p != nil {
					logf("the account's watch stopped on an internal error (%v); it starts again in a minute", p)
				}
			}()
			start().Run(ctx)
		}()
		select {
		case <-ctx.Done():
		case <-time.After(time.Minute):
		}
	}
}

// Pause stops the watch's requests (its account is on a screen, whose own
// monitor asks instead) and Resume starts them again, its index kept. The
// last of several calls wins; neither blocks.
func (w *Watch) Pause()  { w.setHold(true) }
func (w *Watch) Resume() { w.setHold(false) }

func (w *Watch) setHold(paused bool) {
	for {
		select {
		case w.hold <- paused:
			return
		default:
		}
		select {
		case <-w.hold: // an older wish, not yet taken: this one replaces it
		default:
		}
	}
}

// Run drives the monitor until ctx ends: every read is a goroutine, every
// timer a time.AfterFunc, and every result and timer comes back here, so
// the monitor (and its driver) is only ever touched by this goroutine.
func (w *Watch) Run(ctx context.Context) {
	paused := false
	select {
	case paused = <-w.hold: // paused before it ran: nothing is asked yet
	default:
	}
	if !paused {
		w.do(ctx, w.mon.Start())
	}
	started := !paused
	for {
		select {
		case <-ctx.Done():
			w.mon.Stop()
			w.drive.CancelAll()
			if w.lateAt != nil {
				w.lateAt.Stop()
			}
			return
		case p := <-w.hold:
			switch {
			case p == paused:
			case p && started:
				w.mon.Stop()
				w.drive.CancelAll()
			case !started:
				started = true
				w.do(ctx, w.mon.Start())
			default:
				w.do(ctx, w.mon.Resume())
			}
			paused = p
		case r := <-w.results:
			w.apply(ctx, r)
		case t := <-w.timers:
			w.do(ctx, w.mon.Wake(t))
		case <-w.lateWake:
			w.lateNext = time.Time{}
			w.publish(w.past(ctx))
		case f := <-w.opts.Inspect:
			f(&w.mon)
		}
	}
}

func (w *Watch) apply(ctx context.Context, r monitor.Result) {
	w.drive.Answered(r.Request)
	out := w.mon.Apply(r)
	if out.Dropped {
		return
	}
	if v, ix := w.mon.FleetVersion(), w.mon.Index(); w.opts.Fleet != nil && (v != w.version || ix != w.progress) {
		w.version, w.progress = v, ix
		w.opts.Fleet(w.mon.PublishFleet())
	}
	fresh := r.Kind == monitor.KindConnector || (out.Page != nil && out.Page.Same)
	evs := append(monitor.EventsOfChanges(w.mon.Received(r), out.Changes, fresh), w.health.Observe(w.opts.Now(), &w.mon)...)
	w.publish(append(evs, w.past(ctx)...))
	if w.opts.Summary != nil {
		if s := Summarize(&w.mon); s != w.said {
			w.said = s
			w.opts.Summary(s)
		}
	}
	w.do(ctx, out.Plan)
}

// publish hands events on, each with its id.
func (w *Watch) publish(evs []monitor.Event) {
	if len(evs) == 0 || w.opts.Events == nil {
		return
	}
	for i := range evs {
		evs[i].ID = monitor.NewEventID()
	}
	w.opts.Events(evs)
}

// past is what the watches of lateness and runs say now; it arms the one
// timer for when lateness next moves with time alone.
func (w *Watch) past(ctx context.Context) []monitor.Event {
	evs, next := w.mon.WatchPast(&w.late, &w.runs)
	if next.IsZero() || (!w.lateNext.IsZero() && !next.Before(w.lateNext)) {
		return evs // nothing due, or a wake already armed no later
	}
	w.lateNext = next
	if w.lateAt != nil {
		w.lateAt.Stop()
	}
	w.lateAt = time.AfterFunc(max(next.Sub(w.opts.Now()), 0), func() {
		select {
		case w.lateWake <- struct{}{}:
		case <-ctx.Done():
		default: // one already waiting
		}
	})
	return evs
}

func (w *Watch) do(ctx context.Context, p monitor.Plan) {
	for _, s := range p {
		j := w.drive.Job(ctx, s)
		switch {
		case j.Timer != nil:
			t := *j.Timer
			time.AfterFunc(t.After, func() {
				select {
				case w.timers <- t:
				case <-ctx.Done():
				}
			})
		case j.Read != nil:
			go func() { w.deliver(ctx, j.Read()) }() // a read that panics fails (the driver)
		}
		// A watch never writes (its monitor is read-only), and only
		// selections cancel, which it makes none of.
	}
}

func (w *Watch) deliver(ctx context.Context, res monitor.Result) {
	select {
	case w.results <- res:
	case <-ctx.Done():
	}
}
