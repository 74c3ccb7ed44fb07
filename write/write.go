// Package write is the one path a write to the Pixee API takes, for the
// dashboard, the commands and the team server alike: the intent is written
// to the account's history and flushed, then the POST is sent (once, never
// retried), then what the server said is recorded as an outcome — queued,
// rejected, failed or unknown, in the server's words. A write whose intent
// cannot be recorded (no history, or a history that cannot be written) is
// not sent.
//
// It also holds the one rule that says whether a sync the history awaits
// has drained (Judge). Nothing else calls the client's POST methods;
// decorators that log or check permissions wrap the client and forward.
package write

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
)

// API is the part of the Pixee client that writes.
type API interface {
	SyncEANs(ctx context.Context, id string, eans []string) (*api.SyncResult, *api.Response, error)
	SyncCatalog(ctx context.Context, id string) (*api.SyncResult, *api.Response, error)
	TestConnector(ctx context.Context, id string) (*api.TestResult, *api.Response, error)
}

// Writer sends an account's writes.
type Writer struct {
	API     API
	History *history.Store // nil: no history, so nothing is sent
	// NoHistory says why History is nil (the error that opened it), for
	// the message of a write refused for it.
	NoHistory error
	User      string
}

// Sync is what to sync on one connector.
type Sync struct {
	ConnectorID, ConnectorName string
	EANs                       []string // unless Catalog
	Catalog                    bool
}

// Outcome is one write's end.
type Outcome struct {
	// Action is the history's record, as finished. Its ID is "" when the
	// write was not sent (Sent false).
	Action history.Action
	Sent   bool // false: refused before the POST (see Err)
	Synced *api.SyncResult
	Tested *api.TestResult
	Resp   *api.Response
	Err    error // the POST's error, or a *NotRecordedError
	// Unrecorded is a failure to record the outcome (the intent is
	// recorded: the history shows it as "outcome unknown").
	Unrecorded error
}

// NotRecordedError is a write refused because its intent could not be
// written: a write never leaves unrecorded.
type NotRecordedError struct {
	What string // "sync", "connection test"
	Err  error
}

func (e *NotRecordedError) Error() string {
	if errors.Is(e.Err, ErrNoHistory) {
		return "not sent: no history to record the " + e.What + " in (" + strings.TrimPrefix(strings.TrimPrefix(e.Err.Error(), "no history: "), "history: ") + ")"
	}
	return "not sent: the " + e.What + " cannot be recorded: " + e.Err.Error()
}
func (e *NotRecordedError) Unwrap() error { return e.Err }

// ErrNoHistory is why a write is refused on an account without a history.
var ErrNoHistory = errors.New("no history")

func (w Writer) begin(what string, a history.Action) (history.Action, error) {
	if w.History == nil {
		why := ErrNoHistory
		if w.NoHistory != nil {
			why = fmt.Errorf("%w: %v", ErrNoHistory, w.NoHistory)
		}
		return a, &NotRecordedError{What: what, Err: why}
	}
	rec, err := w.History.Begin(a)
	if err != nil {
		return a, &NotRecordedError{What: what, Err: err}
	}
	return rec, nil
}

func (w Writer) finish(o *Outcome, r history.Result) {
	if err := w.History.Finish(o.Action.ID, r); err != nil {
		o.Unrecorded = err
		return
	}
	o.Action.Outcome, o.Action.SyncID, o.Action.Answer, o.Action.Queued = r.Outcome, r.SyncID, r.Answer, r.Queued
	o.Action.Updated = time.Now()
}

// Sync records s, sends it once and records what the server said.
func (w Writer) Sync(ctx context.Context, s Sync) Outcome {
	a := history.Action{User: w.User, ConnectorID: s.ConnectorID, ConnectorName: s.ConnectorName, Kind: history.SyncEANs, EANs: s.EANs}
	if s.Catalog {
		a.Kind, a.EANs = history.SyncCatalog, nil
	}
	rec, err := w.begin("sync", a)
	if err != nil {
		return Outcome{Action: a, Err: err}
	}
	o := Outcome{Action: rec, Sent: true}
	if s.Catalog {
		o.Synced, o.Resp, o.Err = w.API.SyncCatalog(ctx, s.ConnectorID)
	} else {
		o.Synced, o.Resp, o.Err = w.API.SyncEANs(ctx, s.ConnectorID, s.EANs)
	}
	w.finish(&o, SyncResult(o.Synced, o.Err))
	return o
}

// Test records a connection test, sends it once and records its answer.
func (w Writer) Test(ctx context.Context, id, name string) Outcome {
	rec, err := w.begin("connection test", history.Action{User: w.User, ConnectorID: id, ConnectorName: name, Kind: history.TestConn})
	if err != nil {
		return Outcome{Err: err}
	}
	o := Outcome{Action: rec, Sent: true}
	o.Tested, o.Resp, o.Err = w.API.TestConnector(ctx, id)
	r := history.Result{Outcome: history.OutcomeOK}
	switch {
	case o.Err != nil && api.OutcomeUnknown(o.Err):
		r = history.Result{Outcome: history.OutcomeUnknown, Answer: o.Err.Error()}
	case errors.Is(o.Err, api.ErrNotSupported):
		r = history.Result{Outcome: history.OutcomeFailed, Answer: "not supported"}
	case o.Err != nil:
		r = history.Result{Outcome: history.OutcomeFailed, Answer: o.Err.Error()}
	case o.Tested.OK != nil && !*o.Tested.OK:
		r = history.Result{Outcome: history.OutcomeFailed, Answer: o.Tested.Message}
	default:
		r.Answer = o.Tested.Message
	}
	w.finish(&o, r)
	return o
}

// SyncResult is what a sync's answer says for the history: queued (with
// the count only when the server said it), rejected (a 2xx whose status
// says not queued, as the client decides), failed (an API error) or
// unknown (sent, no answer).
func SyncResult(res *api.SyncResult, err error) history.Result {
	var rej *api.SyncRejectedError
	switch {
	case err != nil && api.OutcomeUnknown(err):
		return history.Result{Outcome: history.OutcomeUnknown, Answer: err.Error()}
	case errors.As(err, &rej):
		return history.Result{Outcome: history.OutcomeRejected, SyncID: rej.SyncID, Answer: rej.Error()}
	case err != nil:
		return history.Result{Outcome: history.OutcomeFailed, Answer: err.Error()}
	}
	r := history.Result{Outcome: history.OutcomeQueued, SyncID: res.SyncID, Answer: res.Status}
	if !res.ProductsQueuedUnknown {
		q := res.ProductsQueued
		r.Queued = &q
	}
	return r
}
