package serve

import (
	"context"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// watch is the account's own monitor, with no screen: it keeps the account
// indexed (the crawl) and its first page polled, and publishes what changes
// to the hub, whether anyone is connected or not. So the team's events are
// recorded through the night, the shift handover ("since you last looked")
// means something, and every session's crawl is served by this one's
// answers (its requests accept answers as old as a crawl's rest).
type watch struct {
	mon    monitor.Monitor
	drive  shared.Driver // the dashboard's driver: reads as the dashboard reads (shared.Read)
	hub    *hub
	now    func() time.Time
	health monitor.HealthWatch
	late   monitor.LateWatch // the account's lateness, said once for every session
	runs   monitor.RunWatch
	// lateAt wakes the watch when lateness moves with time alone.
	lateAt   *time.Timer
	lateNext time.Time
	lateWake chan struct{}

	publish  func(*monitor.FleetView) // the index for the sessions
	version  uint64
	progress monitor.IndexState

	results chan monitor.Result
	timers  chan monitor.Timer
	inspect <-chan func(*monitor.Monitor) // a metrics scrape (metrics.Source)
}

func newWatch(a monitor.API, h *hub, now func() time.Time, perPage int, listRefresh time.Duration,
	publish func(*monitor.FleetView), inspect <-chan func(*monitor.Monitor)) *watch {
	return &watch{
		inspect: inspect,
		publish: publish,
		// The sessions' page size, so that its first page and theirs are
		// one answer.
		mon: monitor.New(monitor.Options{API: a, Now: now, Crawl: true, ReadOnly: true,
			PerPage: perPage, ListRefresh: listRefresh}),
		drive:    shared.NewDriver(a),
		hub:      h,
		now:      now,
		results:  make(chan monitor.Result, 8),
		timers:   make(chan monitor.Timer, 8),
		lateWake: make(chan struct{}, 1),
	}
}

// keep runs the watch until ctx ends, starting it again, after a pause and
// from scratch, if it panics: odd data from the server ends a watch, not
// the server with every session on it.
func keep(ctx context.Context, start func() *watch, logf func(string, ...any)) {
	for ctx.Err() == nil {
		func() {
			defer func() {
				if p := recover(); p != nil {
					logf("the account's watch stopped on an internal error (%v); it starts again in a minute", p)
				}
			}()
			start().run(ctx)
		}()
		select {
		case <-ctx.Done():
		case <-time.After(time.Minute):
		}
	}
}

// run drives the monitor until ctx ends: every read is a goroutine, every
// timer a time.AfterFunc, and every result and timer comes back here, so
// the monitor (and its driver) is only ever touched by this goroutine.
func (w *watch) run(ctx context.Context) {
	w.do(ctx, w.mon.Start())
	for {
		select {
		case <-ctx.Done():
			w.mon.Stop()
			if w.lateAt != nil {
				w.lateAt.Stop()
			}
			return
		case r := <-w.results:
			w.apply(ctx, r)
		case t := <-w.timers:
			w.do(ctx, w.mon.Wake(t))
		case <-w.lateWake:
			w.lateNext = time.Time{}
			w.publishEvents(w.past(ctx))
		case f := <-w.inspect:
			f(&w.mon)
		}
	}
}

func (w *watch) apply(ctx context.Context, r monitor.Result) {
	w.drive.Answered(r.Request)
	out := w.mon.Apply(r)
	if out.Dropped {
		return
	}
	if v, ix := w.mon.FleetVersion(), w.mon.Index(); w.publish != nil && (v != w.version || ix != w.progress) {
		w.version, w.progress = v, ix
		w.publish(w.mon.PublishFleet())
	}
	fresh := r.Kind == monitor.KindConnector || (out.Page != nil && out.Page.Same)
	evs := append(monitor.EventsOfChanges(w.mon.Received(r), out.Changes, fresh), w.health.Observe(w.now(), &w.mon)...)
	w.publishEvents(append(evs, w.past(ctx)...))
	w.do(ctx, out.Plan)
}

func (w *watch) publishEvents(evs []monitor.Event) {
	if len(evs) == 0 {
		return
	}
	for i := range evs {
		evs[i].ID = monitor.NewEventID()
	}
	w.hub.Publish(evs)
}

// past is what the watches of lateness and runs say now; it arms the one
// timer for when lateness next moves with time alone.
func (w *watch) past(ctx context.Context) []monitor.Event {
	evs, next := w.mon.WatchPast(&w.late, &w.runs)
	if next.IsZero() || (!w.lateNext.IsZero() && !next.Before(w.lateNext)) {
		return evs // nothing due, or a wake already armed no later
	}
	w.lateNext = next
	if w.lateAt != nil {
		w.lateAt.Stop()
	}
	w.lateAt = time.AfterFunc(max(next.Sub(w.now()), 0), func() {
		select {
		case w.lateWake <- struct{}{}:
		case <-ctx.Done():
		default: // one already waiting
		}
	})
	return evs
}

func (w *watch) do(ctx context.Context, p monitor.Plan) {
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

func (w *watch) deliver(ctx context.Context, res monitor.Result) {
	select {
	case w.results <- res:
	case <-ctx.Done():
	}
}

// readsOnly is the shared reads as a monitor.API that refuses every write:
// what the watch reads through.
type readsOnly struct{ *reads }

func (readsOnly) SyncEANs(context.Context, string, []string) (*api.SyncResult, *api.Response, error) {
	return nil, nil, api.ErrReadOnly
}

func (readsOnly) SyncCatalog(context.Context, string) (*api.SyncResult, *api.Response, error) {
	return nil, nil, api.ErrReadOnly
}

func (readsOnly) TestConnector(context.Context, string) (*api.TestResult, *api.Response, error) {
	return nil, nil, api.ErrReadOnly
}
