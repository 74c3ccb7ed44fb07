// Package accounts watches every account of the config at once: the room
// between the screen and the monitor, beside package shared, whose Watch
// it runs. Each account is opened once, through the spec the account
// opener made (its own client, key, rate limit, history and events), and
// watched by its own shared.Watch, so that ten accounts watched cost each
// what one watched alone costs. The account on screen is run as a team
// server runs a session's: its watch keeps running, the dashboard's
// monitor reads the watch's index (shared.Account.Fleet) instead of
// crawling, both read through the account's one set of shared reads
// (shared.Reads: the first page both poll is asked once an interval), and
// both hand their events to the account's one stream (shared.Account.Hub,
// hub.go), which keeps each change once: switching accounts back and
// forth reports nothing twice, and opening a watched account sends no
// second crawl.
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
	"sync/atomic"
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
	reads   *shared.Reads // the account's reads, shared by its watch and the dashboard's monitor
	summary shared.Summary
	unacked int
	fleet   atomic.Pointer[monitor.FleetView] // the watch's index, for the dashboard's monitor
	hub     *hub                              // the account's one events stream
}

// Fleet is the watch's latest index of the account (monitor.FleetSource).
func (a *watched) Fleet() *monitor.FleetView { return a.fleet.Load() }

// Row is one account as a home screen shows it.
type Row struct {
	Name, Host string
	Summary    shared.Summary
	// Unacked are the account's events nobody acknowledged: those of its
	// log when it was opened and those seen since.
	Unacked  int
	Opened   bool
	Err      string // why it could not be opened ("" when it is)
	OnScreen bool   // on screen: the dashboard's monitor polls it too
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
	// One at a time, the one on screen first, then in the config's order:
	// a key command may ask for a passphrase, and two asking at once on
	// one terminal confuse both.
	order := make([]*watched, 0, len(w.accts))
	if shown >= 0 && shown < len(w.accts) {
		order = append(order, w.accts[shown])
	}
	for i, a := range w.accts {
		if i != shown {
			order = append(order, a)
		}
	}
	w.running.Add(1)
	go func() {
		defer w.running.Done()
		for _, a := range order {
			if ctx.Err() != nil {
				return
			}
			_, _ = w.get(a)
		}
	}()
	return w
}

// Wait returns when every opening begun, every watch and every read sent
// has ended: call it once ctx has ended, after the last Specs' Open.
func (w *Watcher) Wait() {
	w.running.Wait()
	for _, a := range w.accts {
		a.mu.Lock()
		r := a.reads
		a.mu.Unlock()
		if r != nil {
			r.Wait()
		}
	}
}

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

// Show says account i is on screen. Its watch keeps running: the
// dashboard's monitor reads its index, and the account's hub keeps each
// event once whichever of the two saw it first.
func (w *Watcher) Show(i int) {
	w.mu.Lock()
	old := w.shown
	w.shown = i
	w.mu.Unlock()
	if old != i {
		w.share(old)
		w.share(i)
		w.signal()
	}
}

// share turns account i's shared reads on while it is on screen, where
// its watch and the dashboard's monitor both read it; off screen its
// watch reads alone.
func (w *Watcher) share(i int) {
	if i < 0 || i >= len(w.accts) {
		return
	}
	a := w.accts[i]
	a.mu.Lock()
	r := a.reads
	a.mu.Unlock()
	if r == nil {
		return
	}
	w.mu.Lock()
	r.Share(i == w.shown)
	w.mu.Unlock()
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
			Opened: a.session != nil, OnScreen: a.index == shown, Fleet: a.fleet.Load()}
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
	h := newHub(a.spec.Name, opened, w.opts.Logf, func(evs []monitor.Event) { w.events(a, evs) })
	// The dashboard's monitor reads the watch's index and hands its
	// events to the hub, as a team server's session does; it reads
	// through the reads its watch reads through, so that the first page
	// both poll is asked once per interval, not once by each.
	reads := shared.NewReads(w.ctx, opened.API, w.opts.Now)
	opened.Fleet, opened.Hub, opened.API = a, h, reads.API()
	a.mu.Lock()
	a.session, a.err, a.unacked, a.hub, a.reads = &opened, nil, unacked, h, reads
	a.mu.Unlock()
	w.share(a.index)
	w.running.Add(2)
	go func() {
		defer w.running.Done()
		h.writeLoop(w.ctx)
	}()
	go func() {
		defer w.running.Done()
		shared.Keep(w.ctx, func() *shared.Watch { return w.newWatch(a, opened) }, w.opts.Logf)
	}()
	w.signal()
	return opened, nil
}

// newWatch is a's watch: its events go to a's hub, its index to a, its
// reads through s.API, the reads a's dashboard shares.
func (w *Watcher) newWatch(a *watched, s shared.Account) *shared.Watch {
	return shared.NewWatch(shared.WatchOptions{API: s.API, Now: w.opts.Now,
		PerPage: cmp.Or(s.PerPage, w.opts.PerPage), ListRefresh: w.opts.ListRefresh, // the profile's own page size first
		Events:  a.hub.Publish,
		Fleet:   func(v *monitor.FleetView) { w.fleet(a, v) },
		Summary: func(sum shared.Summary) { w.summary(a, sum) }})
}

// events are what a's hub kept (written to a's events log by the hub):
// kept for the next Snapshot with the account they are of.
func (w *Watcher) events(a *watched, evs []monitor.Event) {
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
	a.fleet.Store(v)
	w.signal()
}
