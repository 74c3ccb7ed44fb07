package monitor

import (
	"context"
	"errors"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// holds are what stops requests from going out: a rate limit (every read
// waits), a rejected key (polling stops until asked again), and the budget
// reading the headers last gave.
type holds struct {
	limitedUntil time.Time
	holdReason   string // why reads wait: what the status bar says
	authErr      error
	rate         api.RateLimit
	rateAt       time.Time // when rate was read
	// failing counts the reads in a row, of any target, that failed for
	// want of an answer (a timeout, a refused connection, a 5xx); any good
	// answer ends the run. lastFail is the last of them.
	failing  int
	lastFail error
}

// writer is the one sync that may be out, and the hold on syncs: writes have
// their own budget on the server, so a POST's 429 holds later syncs, not
// the polling.
type writer struct {
	seq      int
	inFlight bool
	heldTill time.Time
	refused  error // a 403 on a sync: this key may not trigger syncs
}

// ErrReadOnly is a sync asked of a read-only monitor: nothing is sent.
var ErrReadOnly = errors.New("read-only: nothing sent")

// WritesOff says why no sync can be sent on this account, "" when one can:
// a read-only profile, or a key the API refused a sync to (403), which
// makes the rest of the run read-only.
func (m *Monitor) WritesOff() string {
	switch {
	case m.opts.ReadOnly:
		return "read-only"
	case m.write.refused != nil:
		return "this key may not trigger syncs"
	}
	return ""
}

// NoPermissionError is a 403 on a sync: the key may lack the permission
// that triggering a sync needs.
type NoPermissionError struct{ Err error }

func (e *NoPermissionError) Error() string {
	return e.Err.Error() + " — this key may lack the MANAGE_SETTINGS permission that triggering a sync needs"
}
func (e *NoPermissionError) Unwrap() error { return e.Err }

// HoldOff is how long no read may be sent: the rest of a rate-limit wait.
func (m *Monitor) HoldOff() time.Duration {
	if d := m.limitedUntil.Sub(m.now()); d > 0 {
		return d
	}
	return 0
}

// WriteHold is how long no sync may be sent: the longer of the read hold
// and the write hold.
func (m *Monitor) WriteHold() time.Duration {
	wait := m.HoldOff()
	if d := m.write.heldTill.Sub(m.now()); d > wait {
		wait = d
	}
	return wait
}

// AuthErr is the error that stopped polling (a rejected key, or a key that
// may not list), nil while polling.
func (m *Monitor) AuthErr() error { return m.authErr }

// Budget is the last rate-limit reading while it still holds: once the
// window it describes has reset, "5 left" says nothing about now, and an
// answer without the headers (not every one has them) must not leave
// polling slowed down, or an old budget on screen, for good.
func (m *Monitor) Budget() (api.RateLimit, bool) {
	r := m.rate
	expired := !r.Reset.IsZero() && !m.now().Before(r.Reset)
	if r.Reset.IsZero() && m.now().Sub(m.rateAt) > RateWindow {
		expired = true // no reset time: a reading is good for one window
	}
	if !r.Known || expired {
		return api.RateLimit{}, false
	}
	return r, true
}

func (m *Monitor) noteRate(r api.RateLimit) {
	if !r.Known {
		return
	}
	m.rate, m.rateAt = r, m.now()
	if r.Remaining == 0 && r.Reset.After(m.now()) {
		// Budget spent: wait for the window to reset rather than earn a
		// 429 — capped, so a server clock far ahead cannot freeze us.
		m.hold(minTime(r.Reset, m.now().Add(MaxHold)), "API budget spent")
	}
}

// hold keeps reads back until t, for the reason given.
func (m *Monitor) hold(t time.Time, why string) {
	if !t.Before(m.limitedUntil) { // the later hold names the reason
		m.limitedUntil, m.holdReason = t, why
	}
}

// HoldReason says why reads are held back ("rate limited", "the server is
// unavailable", "API budget spent"), while HoldOff is above zero.
func (m *Monitor) HoldReason() string {
	if m.holdReason == "" {
		return "rate limited"
	}
	return m.holdReason
}

// retryWait is how long the server said to wait: what a 429 names (or
// DefaultWait), or the Retry-After of another answer (a 503), which is
// honoured the same way rather than retried on the backoff's schedule.
func retryWait(err error) (time.Duration, bool) {
	var rl *api.RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter <= 0 {
		return DefaultWait, true
	}
	if d := api.RetryAfterOf(err); d > 0 {
		return min(d, MaxHold), true
	}
	return 0, false
}

// noteFailure classifies a read's error: a rate limit holds every read
// back, a bad key stops polling, anything else counts towards backoff.
func (m *Monitor) noteFailure(t *target, err error) {
	t.err = err
	wait, limited := retryWait(err)
	switch {
	case errors.Is(err, context.Canceled):
	case limited:
		why := "rate limited"
		if !errors.Is(err, api.ErrRateLimited) {
			why = "the server is unavailable" // a 503 that named its wait
		}
		m.hold(m.now().Add(wait), why)
	case errors.Is(err, api.ErrUnauthorized), errors.Is(err, api.ErrForbidden) && t.kind == KindPage:
		// A bad key, or a key that may not even list: polling stops. A 403
		// on one connector only stops that connector.
		m.authErr = err
	case errors.Is(err, api.ErrForbidden):
	default:
		t.failures++
		m.failing++
		m.lastFail = err
	}
}

// OutageAfter is how many reads in a row must fail for the API to be
// called down: two, whichever targets asked. The page on screen alone
// polls every 30 s, the selected connector every 2 or 10 s: counting only
// the page's failures said so up to a minute late.
const OutageAfter = 2

// Failing is how many reads in a row have failed for want of an answer,
// and the last one's error; 0 and nil after any good answer.
func (m *Monitor) Failing() (int, error) { return m.failing, m.lastFail }

// answered notes a good answer: the API is up.
func (m *Monitor) answered() { m.failing, m.lastFail = 0, nil }

// ErrWriteBusy is a sync asked for while one is out.
var ErrWriteBusy = errors.New("a sync is still being sent: wait for its result")

// HoldError is a sync refused before sending: a rate limit holds writes.
type HoldError struct{ Wait time.Duration }

func (e *HoldError) Error() string { return "rate limited: nothing sent" }

// Syncing says whether a sync is out.
func (m *Monitor) Syncing() bool { return m.write.inFlight }

// Test asks for a connection test of connector id: a POST like a sync
// (one at a time, held by the same holds, refused when read-only, never
// retried), though it syncs nothing.
func (m *Monitor) Test(id string) (Request, error) {
	r, err := m.Sync(id, nil, true)
	if err != nil {
		return r, err
	}
	r.Kind = KindTest
	return r, nil
}

// Sync asks for a sync of eans to connector id, or of its whole catalog
// when catalog is set. It is refused while one is out (ErrWriteBusy) or
// writes are held (*HoldError). A sync is never retried: one that may have
// been queued must not be queued twice.
func (m *Monitor) Sync(id string, eans []string, catalog bool) (Request, error) {
	if m.WritesOff() != "" {
		return Request{}, ErrReadOnly
	}
	if m.write.inFlight {
		return Request{}, ErrWriteBusy
	}
	if wait := m.WriteHold(); wait > 0 {
		return Request{}, &HoldError{Wait: wait}
	}
	m.write.inFlight = true
	m.write.seq++
	r := Request{Epoch: m.epoch, Target: WriteTarget, Seq: m.write.seq, Kind: KindSyncEANs, ID: id, EANs: eans}
	if catalog {
		r.Kind, r.EANs = KindSyncCatalog, nil
	}
	return r, nil
}
