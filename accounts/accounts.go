// Package accounts watches every account of the config at once: the room
// between the screen and the monitor, beside package shared, whose Watch
// it runs. Each account is opened once, through the spec the account
// opener made (its own client, key, rate limit, history and events), and
// watched by its own shared.Watch, so that ten accounts watched cost each
// what one watched alone costs. The account on screen is not watched here
// (Show): the dashboard's own monitor polls it, and no account is asked
// twice for the same thing.
//
// What the watches see arrives as Snapshot values (Forward hands them to
// a program): a row per account for a home screen of accounts, and each
// account's events, tagged with the account, whichever is on screen. No
// Bubble Tea here: a program hands the values to its model.
package accounts

import (
	"cmp"
	"context"
	"sync"
	"time"

	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// Options configure a Watcher. Zero values take the defaults.
type Options struct {
	Now         func() time.Time // default time.Now
	PerPage     int              // the dashboard's page size, for a profile without its own
	ListRefresh time.Duration    // how often each watch asks the first page again (default the monitor's)
	Logf        func(format string, args ...any)
}

// maxPending bounds the batches of events kept for a program that does not
// take them (its screen is stuck): the oldest go first.
const maxPending = 1024

// Watcher watches every account of a dashboard.
type Watcher struct {
	opts    Options
	ctx     context.Context
	accts   []*watched
	changed chan struct{}  // one slot: a Snapshot has news
	running sync.WaitGroup // the openings and the watches

	mu      sync.Mutex
	shown   int
	pending []shared.Events
	dropped int
}

// watched is one account: opened once, watched by its own Watch.
type watched struct {
	spec  shared.AccountSpec
	index int

	open    sync.Mutex // held while opening: one opening at a time
	mu      sync.Mutex // the rest
	session *shared.Account
	err     error
	watch   *shared.Watch
	summary shared.Summary
	fleet   *monitor.FleetView // the watch's index as last published
	unacked int
}

// Row is one account as a home screen shows it.
type Row struct {
	Name, Host string
	Summary    shared.Summary
	// Unacked are the account's events nobody acknowledged: those of its
	// log when it was opened and those seen since.
	Unacked  int
	Opened   bool
	Err      string // why it could not be opened ("" when it is)
	OnScreen bool   // the dashboard's monitor asks, not a watch
	// Fleet is the account's index as its watch last published it (nil
	// before the first): a copy, safe to read anywhere, for a merged list
	// of every account's connectors.
	Fleet *monitor.FleetView
}

// Snapshot is what the watches saw since the last one: every account's
// row, and the events of each account (oldest batch first).
type Snapshot struct {
	Rows    []Row
	Events  []shared.Events
	Dropped int // batches of events lost because nobody took them
}

// Start opens every account of specs, one after the other in a goroutine
// of its own (a key command may take seconds), and watches each until ctx
// ends; the one at shown is on screen and not watched until Show says
// otherwise. An account the switcher asks for first is opened then.
func Start(ctx context.Context, specs []shared.AccountSpec, shown int, o Options) *Watcher {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	w := &Watcher{opts: o, ctx: ctx, shown: shown, changed: make(chan struct{}, 1)}
	for i, s := range specs {
		w.accts = append(w.accts, &watched{spec: s, index: i})
	}
	// One at a time, in the config's order: a key command may ask for a
	// passphrase, and two asking at once on one terminal confuse both.
	w.running.Add(1)
	go func() {
		defer w.running.Done()
		for _, a := range w.accts {
			if ctx.Err() != nil {
				return
			}
			_, _ = w.get(a)
		}
	}()
	return w
}

// Wait returns when every opening begun and every watch has ended: call
// it once ctx has ended, after the last Specs' Open.
func (w *Watcher) Wait() { w.running.Wait() }

// Specs are the accounts as a dashboard's switcher opens them: through
// the watcher, so the account switched to is the one watched (one client,
// one history and events log), opened once.
func (w *Watcher) Specs() []shared.AccountSpec {
	out := make([]shared.AccountSpec, len(w.accts))
	for i, a := range w.accts {
		out[i] = shared.AccountSpec{Name: a.spec.Name, Host: a.spec.Host, Open: func() (shared.Account, error) { return w.get(a) }}
	}
	return out
}

// Show says account i is on screen: its watch pauses (the dashboard's
// monitor asks), and the one shown before resumes.
func (w *Watcher) Show(i int) {
	w.mu.Lock()
	old := w.shown
	w.shown = i
	w.mu.Unlock()
	if old == i {
		return
	}
	for _, a := range w.accts {
		a.mu.Lock()
		switch watch := a.watch; {
		case watch == nil:
		case a.index == i:
			watch.Pause()
		case a.index == old:
			watch.Resume()
		}
		a.mu.Unlock()
	}
	w.signal()
}

// Changed has a value when a Snapshot has news.
func (w *Watcher) Changed() <-chan struct{} { return w.changed }

// Snapshot takes what the watches saw: the rows now, and the events not
// taken before.
func (w *Watcher) Snapshot() Snapshot {
	w.mu.Lock()
	s := Snapshot{Events: w.pending, Dropped: w.dropped}
	w.pending, w.dropped = nil, 0
	shown := w.shown
	w.mu.Unlock()
	for _, a := range w.accts {
		a.mu.Lock()
		r := Row{Name: a.spec.Name, Host: a.spec.Host, Summary: a.summary, Unacked: a.unacked,
			Opened: a.session != nil, OnScreen: a.index == shown, Fleet: a.fleet}
		if a.err != nil && a.session == nil {
			r.Err = a.err.Error()
		}
		a.mu.Unlock()
		s.Rows = append(s.Rows, r)
	}
	return s
}

// Forward hands a Snapshot to send whenever there is news, until ctx
// ends: what a program's goroutine runs (send is tea.Program.Send).
func (w *Watcher) Forward(ctx context.Context, send func(Snapshot)) {
	send(w.Snapshot())
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.changed:
			send(w.Snapshot())
		}
	}
}

func (w *Watcher) signal() {
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// get is account a, opened now if it is not yet (again, if opening it
// failed before), its watch started.
func (w *Watcher) get(a *watched) (shared.Account, error) {
	a.open.Lock()
	defer a.open.Unlock()
	a.mu.Lock()
	s := a.session
	a.mu.Unlock()
	if s != nil {
		return *s, nil
	}
	opened, err := a.spec.Open()
	if err != nil {
		a.mu.Lock()
		a.err = err
		a.mu.Unlock()
		w.opts.Logf("%s: %v", a.spec.Name, err)
		w.signal()
		return shared.Account{}, err
	}
	unacked := 0
	if opened.Events != nil {
		if seen, _, err := opened.Events.Load(); err == nil {
			for _, e := range seen {
				if !e.Acked {
					unacked++
				}
			}
		}
	}
	a.mu.Lock()
	a.session, a.err, a.unacked = &opened, nil, unacked
	a.mu.Unlock()
	w.running.Add(1)
	go func() {
		defer w.running.Done()
		shared.Keep(w.ctx, func() *shared.Watch { return w.newWatch(a, opened) }, w.opts.Logf)
	}()
	w.signal()
	return opened, nil
}

// newWatch is a's watch, paused when a is on screen.
func (w *Watcher) newWatch(a *watched, s shared.Account) *shared.Watch {
	watch := shared.NewWatch(shared.WatchOptions{API: s.API, Now: w.opts.Now,
		PerPage: cmp.Or(s.PerPage, w.opts.PerPage), ListRefresh: w.opts.ListRefresh, // the profile's own page size first
		Events:  func(evs []monitor.Event) { w.events(a, s, evs) },
		Summary: func(sum shared.Summary) { w.summary(a, sum) },
		Fleet:   func(v *monitor.FleetView) { w.fleet(a, v) }})
	w.mu.Lock()
	onScreen := w.shown == a.index
	w.mu.Unlock()
	a.mu.Lock()
	a.watch = watch
	if onScreen {
		watch.Pause()
	}
	a.mu.Unlock()
	return watch
}

// events are what a's watch saw: written to a's events log, kept for the
// next Snapshot with the account they are of.
func (w *Watcher) events(a *watched, s shared.Account, evs []monitor.Event) {
	if s.Events != nil {
		if _, err := s.Events.Append(evs); err != nil {
			w.opts.Logf("%s: events: %v", a.spec.Name, err)
		}
	}
	a.mu.Lock()
	a.unacked += len(evs)
	a.mu.Unlock()
	w.mu.Lock()
	w.pending = append(w.pending, shared.Events{Account: a.index, Events: evs})
	if n := len(w.pending) - maxPending; n > 0 {
		w.pending = append(w.pending[:0:0], w.pending[n:]...)
		w.dropped += n
	}
	w.mu.Unlock()
	w.signal()
}

func (w *Watcher) summary(a *watched, s shared.Summary) {
	a.mu.Lock()
	a.summary = s
	a.mu.Unlock()
	w.signal()
}

func (w *Watcher) fleet(a *watched, v *monitor.FleetView) {
	a.mu.Lock()
	a.fleet = v
	a.mu.Unlock()
	w.signal()
}
