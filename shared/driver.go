package shared

import (
	"context"

	"github.com/pixee/pixee-tui/monitor"
)

// Driver turns the steps of a monitor's plans into work, the same way for
// the dashboard (which runs each job as a tea.Cmd and hands results back
// through Update) and for a team server's watch (which runs each in a
// goroutine and hands results back over a channel). It keeps the cancel
// function of every read out, so that the monitor can abandon one that no
// longer matters (the selection moved on). A Driver is used by one
// goroutine at a time, the one that owns its monitor; copies share its
// reads.
type Driver struct {
	api   monitor.API
	reads *readCancels
}

// NewDriver drives a monitor whose requests go to c.
func NewDriver(c monitor.API) Driver {
	return Driver{api: c, reads: &readCancels{byReq: map[readKey]context.CancelFunc{}}}
}

// API is where the driver's reads go.
func (d Driver) API() monitor.API { return d.api }

// Job is one step of a plan, ready to run: exactly one of its fields is
// set, or none (a cancel, done by Job itself).
type Job struct {
	// Timer wakes the monitor (Monitor.Wake) after Timer.After.
	Timer *monitor.Timer
	// Read makes a read and returns its result for Monitor.Apply; it may
	// run on any goroutine, and a panic in it is its result's error. When
	// the result is applied, tell the driver (Answered).
	Read func() monitor.Result
	// Write is a write to send through the caller's write path: it is
	// never abandoned, and never sent by the driver.
	Write *monitor.Request
}

// Job is the work of step s, its reads ending with ctx or when the
// monitor cancels them.
func (d Driver) Job(ctx context.Context, s monitor.Step) Job {
	switch {
	case s.Timer != nil:
		t := *s.Timer
		return Job{Timer: &t}
	case s.Cancel != nil:
		d.reads.cancel(*s.Cancel)
		return Job{}
	case s.Request.Write():
		r := s.Request
		return Job{Write: &r}
	}
	r := s.Request
	rctx := d.reads.start(ctx, r)
	return Job{Read: func() (res monitor.Result) {
		defer func() {
			if p := recover(); p != nil {
				res = monitor.Result{Request: r, Err: Recovered(reading(r), p)}
			}
		}()
		return Read(rctx, d.api, r)
	}}
}

// reading is what a read does, for its error if it panics.
func reading(r monitor.Request) string {
	if r.Kind == monitor.KindConnector {
		return "loading connector"
	}
	return "loading connectors"
}

// Answered releases the context of a read whose result came back.
func (d Driver) Answered(r monitor.Request) { d.reads.cancel(r) }

// CancelAll ends every read out (the account is left).
func (d Driver) CancelAll() { d.reads.cancelAll() }

// readCancels holds the cancel function of every read out, by request.
type readCancels struct {
	byReq map[readKey]context.CancelFunc
}

type readKey struct {
	epoch  uint64
	target monitor.TargetID
	seq    int
}

func keyOf(r monitor.Request) readKey { return readKey{r.Epoch, r.Target, r.Seq} }

func (c *readCancels) start(parent context.Context, r monitor.Request) context.Context {
	ctx, cancel := context.WithCancel(parent)
	c.byReq[keyOf(r)] = cancel
	return ctx
}

// cancel ends a read that no longer matters (and done one that answered).
func (c *readCancels) cancel(r monitor.Request) {
	if f, ok := c.byReq[keyOf(r)]; ok {
		f()
		delete(c.byReq, keyOf(r))
	}
}

func (c *readCancels) cancelAll() {
	for k, f := range c.byReq {
		f()
		delete(c.byReq, k)
	}
}
