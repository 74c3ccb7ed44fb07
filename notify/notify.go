// Package notify is the room that delivers the monitor's transitions to
// the team's own tools: webhooks of the config file's notify: targets, in
// an Alertmanager-like JSON body or as Slack incoming-webhook messages.
//
// One message per state change and one on recovery, coalesced exactly as
// the terminal's alerts are (monitor.Alerts): the first goes at once, more
// within a minute wait and go together, so forty connectors turning to
// error in one crawl are one message listing them. Delivery never blocks
// the caller (a dashboard's Update, a team server's hub): each target has
// a bounded queue (the oldest message dropped, and said, when it is full)
// and one worker that posts, retries 5xx, 429, timeouts and lost
// connections with exponential backoff (never another 4xx), and writes
// every outcome to the target's delivery log (history.DeliveryLog). A
// message that cannot be delivered is said in the server's log and as a
// notify_failed event, never lost silently. The target's URL path, secret
// and header values are never written to a log.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/monitor"
)

// Defaults of Options.
const (
	DefaultWindow     = time.Minute // the terminal alerts' (monitor.Alerts)
	DefaultQueue      = 64
	DefaultRetries    = 5
	DefaultBackoff    = 2 * time.Second
	MaxBackoff        = 5 * time.Minute
	DefaultTimeout    = 10 * time.Second
	maxAlertsPerBody  = 100
	maxResponseReader = 64 << 10
)

// Clock is the time a Notifier lives by: real in the program, fake in
// tests (so no test waits for a real backoff or window).
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine after d; stop cancels it.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
	// Sleep waits d or until ctx ends.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}
func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Options configure a Notifier.
type Options struct {
	Targets []config.NotifyTarget
	Getenv  func(string) string // reads secret_env; nil: none is set
	Dir     string              // the delivery logs' folder (history.DeliveriesDir); "" keeps none
	Client  *http.Client        // nil: one with DefaultTimeout
	Clock   Clock               // nil: the real time
	Window  time.Duration       // coalescing; 0: DefaultWindow
	Queue   int                 // messages waiting per target; 0: DefaultQueue
	Retries int                 // attempts after the first; 0: DefaultRetries, <0: none
	Backoff time.Duration       // the first pause, doubled each retry up to MaxBackoff; 0: DefaultBackoff
	// Logf is the server's log (a failed delivery, a drop); nil: none.
	Logf      func(format string, args ...any)
	UserAgent string
}

// Notifier delivers to the configured targets. Build it with New, hand
// each account its Account, end it with Close.
type Notifier struct {
	opts    Options
	targets []*target
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	mu       sync.Mutex
	accounts []*Account
	closed   bool
}

// New reads the targets' secrets, opens their delivery logs and starts one
// worker per target. Warnings (a secret file others can read, a delivery
// log that cannot be kept) are for stderr.
func New(o Options) (*Notifier, []string, error) {
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Client == nil {
		// A redirect is not followed: it would carry the signature and
		// the custom headers (a token, maybe) to wherever it points. A
		// 3xx is a refusal, said in the log, never repeated.
		o.Client = &http.Client{Timeout: DefaultTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.Queue <= 0 {
		o.Queue = DefaultQueue
	}
	switch {
	case o.Retries == 0:
		o.Retries = DefaultRetries
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.UserAgent == "" {
		o.UserAgent = "pixee-tui"
	}
	n := &Notifier{opts: o}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	var warns []string
	for _, tc := range o.Targets {
		secret, w, err := tc.Secret.Read(o.Getenv)
		warns = append(warns, w...)
		if err != nil {
			n.cancel()
			return nil, warns, err
		}
		t := newTarget(n, tc, secret)
		if o.Dir != "" {
			l, w, err := history.OpenDeliveries(o.Dir, tc.Name, history.Limits{}, o.Clock.Now)
			warns = append(warns, w...)
			if err != nil {
				warns = append(warns, fmt.Sprintf("notify %s: deliveries are not logged: %v", tc.Name, err))
			} else {
				t.log = l
			}
		}
		n.targets = append(n.targets, t)
	}
	for _, t := range n.targets {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			t.run(n.ctx)
		}()
	}
	return n, warns, nil
}

// Targets are the targets' names and where they are (scheme and host:
// a URL's path is often its secret), for a start's message.
func (n *Notifier) Targets() []string {
	out := make([]string, len(n.targets))
	for i, t := range n.targets {
		out[i] = t.cfg.Name + " (" + Where(t.cfg.URL) + ")"
	}
	return out
}

// Account is the notifier of one account (id: the profile's id, as
// routes name it). It is what the dashboard and the team server's hub
// call (shared.Notifier).
func (n *Notifier) Account(id string) *Account {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, a := range n.accounts {
		if a.id == id {
			return a
		}
	}
	a := &Account{n: n, id: id, open: map[string]time.Time{}, batches: make([]batch, len(n.targets))}
	n.accounts = append(n.accounts, a)
	return a
}

// Close sends what waits in the coalescing windows, lets the workers
// deliver what is queued until ctx ends, then stops them (a request in
// flight is cancelled).
func (n *Notifier) Close(ctx context.Context) {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.closed = true
	accounts := n.accounts
	n.mu.Unlock()
	for _, a := range accounts {
		a.flushAll()
	}
	for _, t := range n.targets {
		t.stop()
	}
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		n.cancel()
		<-done
	}
	n.cancel()
}

// Test sends target a test message now, once, without the queue, and
// logs the outcome. It says what the receiver answered.
func (n *Notifier) Test(ctx context.Context, name string) (Result, error) {
	for _, t := range n.targets {
		if t.cfg.Name == name {
			m := testMessage(n.opts.Clock.Now(), name)
			r := t.attempt(ctx, m, 1)
			t.record(m, r, 1, outcomeOf(r))
			return r, nil
		}
	}
	names := make([]string, len(n.targets))
	for i, t := range n.targets {
		names[i] = t.cfg.Name
	}
	if len(names) == 0 {
		return Result{}, errors.New("no notify: targets in the config file")
	}
	return Result{}, fmt.Errorf("no notify target %q (have %s)", name, strings.Join(names, ", "))
}

func outcomeOf(r Result) string {
	if r.OK() {
		return history.DeliveryDelivered
	}
	return history.DeliveryFailed
}

// Account is one account's notifications: routes, coalescing, the alerts
// open (so a recovery carries when its alert started and its fingerprint).
type Account struct {
	n  *Notifier
	id string

	mu      sync.Mutex
	open    map[string]time.Time // fingerprint → startsAt, of firing alerts
	batches []batch              // one per target, as n.targets
	report  func([]monitor.Event)
}

// batch is what waits for one target, coalesced as monitor.Alerts does.
type batch struct {
	last    time.Time
	pending []alert
	stop    func() bool
}

// ReportTo sets where a delivery that finally failed is said as a
// notify_failed event (the dashboard's events, the team server's hub).
func (a *Account) ReportTo(f func([]monitor.Event)) {
	a.mu.Lock()
	a.report = f
	a.mu.Unlock()
}

func (a *Account) reportFailed(target, why string) {
	a.mu.Lock()
	f := a.report
	a.mu.Unlock()
	if f != nil {
		f([]monitor.Event{{ID: monitor.NewEventID(), Time: a.n.opts.Clock.Now(), Kind: monitor.NotifyFailed, Before: target, After: why}})
	}
}

// Notify takes the events an account recorded. It never blocks on the
// network or the disk: what a route takes is queued for its target, at
// once or at the end of the coalescing window.
func (a *Account) Notify(evs []monitor.Event) {
	if len(evs) == 0 || len(a.n.targets) == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.n.opts.Clock.Now()
	alerts := make([]alert, 0, len(evs))
	for _, e := range evs {
		if e.Kind == monitor.NotifyFailed {
			continue // never notified: a failing target would feed itself
		}
		alerts = append(alerts, a.alertOf(e))
	}
	for i, t := range a.n.targets {
		var routed []alert
		for _, al := range alerts {
			if t.route.matches(a.id, al.Event) {
				routed = append(routed, al)
			}
		}
		if len(routed) > 0 {
			a.add(i, now, routed)
		}
	}
}

// add is monitor.Alerts.Add for target i: the first message goes at once,
// what comes within Window of the last one waits and goes with it.
func (a *Account) add(i int, now time.Time, alerts []alert) {
	b := &a.batches[i]
	b.pending = append(b.pending, alerts...)
	if now.Sub(b.last) >= a.n.opts.Window {
		a.flushLocked(i, now)
		return
	}
	if b.stop == nil {
		b.stop = a.n.opts.Clock.AfterFunc(b.last.Add(a.n.opts.Window).Sub(now), func() {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.batches[i].stop = nil
			a.flushLocked(i, a.n.opts.Clock.Now())
		})
	}
}

func (a *Account) flushLocked(i int, now time.Time) {
	b := &a.batches[i]
	if len(b.pending) == 0 {
		return
	}
	m := newMessage(a.id, a.n.targets[i].cfg.Name, b.pending, now)
	b.pending, b.last = nil, now
	a.n.targets[i].enqueue(m, a)
}

func (a *Account) flushAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.n.opts.Clock.Now()
	for i := range a.batches {
		if s := a.batches[i].stop; s != nil {
			s()
			a.batches[i].stop = nil
		}
		a.flushLocked(i, now)
	}
}
