package ui

import (
	"context"
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/write"
)

// API is what the dashboard needs from the Pixee client: the monitor's. The
// *api.Client satisfies it; tests may use a fake.
type API = monitor.API

// All tea.Cmd constructors live here. They take the API and plain values,
// never the model, and return exactly one message. Every string that comes
// from the server is neutralised here, where it enters the program.

// request makes the call a monitor asked for.
func request(ctx context.Context, c API, r monitor.Request) tea.Cmd {
	switch r.Kind {
	case monitor.KindPage:
		fail := func(err error) tea.Msg { return pageMsg{monitor.Result{Request: r, Err: err}} }
		return guarded("loading connectors", fail, func() tea.Msg { return pageMsg{Read(ctx, c, r)} })
	case monitor.KindConnector:
		fail := func(err error) tea.Msg { return detailMsg{monitor.Result{Request: r, Err: err}} }
		return guarded("loading connector", fail, func() tea.Msg { return detailMsg{Read(ctx, c, r)} })
	}
	return nil
}

// Read makes a read a monitor asked for (a page or a connector) and returns
// its result, what the server said neutralised for display. The dashboard
// runs it in a command; a team server's watch (package serve) calls it too.
func Read(ctx context.Context, c API, r monitor.Request) monitor.Result {
	ctx = monitor.WithFresh(ctx, r.Fresh)
	res := monitor.Result{Request: r}
	var resp *api.Response
	var err error
	switch r.Kind {
	case monitor.KindPage:
		var p *api.ConnectorPage
		if p, resp, err = c.ListConnectors(ctx, r.Page, r.PerPage); err == nil {
			res.Items = make([]api.Connector, len(p.Items))
			for i, it := range p.Items {
				res.Items[i] = sanitizeConnector(it)
			}
			res.Meta = p.Meta
		}
	case monitor.KindConnector:
		var d *api.ConnectorDetail
		d, resp, err = c.GetConnector(ctx, r.ID)
		if err == nil && d.ID != "" && d.ID != r.ID {
			// An answer about another connector, from a client that does
			// not check: an error, never shown under the id asked for.
			err = &api.ConnectorMismatchError{Asked: r.ID, Answered: d.ID}
		}
		if err == nil {
			cd := *d
			cd.Connector = sanitizeConnector(d.Connector)
			if d.SyncStats.LastError != nil {
				s := termtext.SanitizeMultiline(*d.SyncStats.LastError)
				cd.SyncStats.LastError = &s
			}
			res.Detail = &cd
		}
	default:
		err = errors.New("not a read")
	}
	res.Rate, res.Err = rateOf(resp), cleanErr(err)
	if resp != nil {
		res.PerPageCap, res.At = resp.PerPageCap, resp.Served
	}
	return res
}

// triggerSync sends one sync through the write path: its intent recorded
// first (and nothing sent if it cannot be), the POST, the outcome
// recorded. It is never retried: a sync that may have been queued must not
// be queued twice.
func triggerSync(ctx context.Context, w write.Writer, r monitor.Request, name string) tea.Cmd {
	fail := func(err error) tea.Msg { return syncMsg{Result: monitor.Result{Request: r, Err: err}} }
	return guarded("triggering sync", fail, func() tea.Msg {
		o := w.Sync(ctx, write.Sync{ConnectorID: r.ID, ConnectorName: name, EANs: r.EANs, Catalog: r.Kind == monitor.KindSyncCatalog})
		msg := syncMsg{Result: monitor.Result{Request: r, Rate: rateOf(o.Resp), Err: cleanErr(o.Err)}}
		if o.Sent {
			act := o.Action
			msg.Action = &act
		}
		if o.Err == nil {
			cr := *o.Synced
			cr.SyncID = termtext.Sanitize(o.Synced.SyncID)
			cr.Status = termtext.Sanitize(o.Synced.Status)
			msg.Synced = &cr
		}
		return msg
	})
}

// guarded turns a panic inside a command into that command's own result
// message carrying an error, so a bug or a hostile answer never takes the
// program and the terminal down, and the request bookkeeping (in flight,
// sequence numbers) stays right.
func guarded(what string, fail func(error) tea.Msg, f func() tea.Msg) tea.Cmd {
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = fail(&panicError{what: what, value: termtext.Sanitize(fmt.Sprint(r))})
			}
		}()
		return f()
	}
}

// panicError is a command that panicked: shown, not fatal.
type panicError struct {
	what  string
	value string
}

func (e *panicError) Error() string {
	return "internal error while " + e.what + ": " + e.value + " (please report it)"
}

func rateOf(r *api.Response) api.RateLimit {
	if r == nil {
		return api.RateLimit{}
	}
	return r.Rate
}

// sanitizeConnector neutralises what is shown. The id is kept as it came:
// it addresses requests and keys maps, and is neutralised where shown.
func sanitizeConnector(c api.Connector) api.Connector {
	c.Name = termtext.Sanitize(c.Name)
	c.Platform = termtext.Sanitize(c.Platform)
	c.Status = termtext.Sanitize(c.Status)
	return c
}

// safeError keeps the typed error for decisions (errors.Is/As) while its
// text, which may quote the server, is neutralised for display.
type safeError struct {
	err error
	msg string
}

func (e *safeError) Error() string { return e.msg }
func (e *safeError) Unwrap() error { return e.err }

func cleanErr(err error) error {
	if err == nil {
		return nil
	}
	return &safeError{err: err, msg: termtext.Sanitize(err.Error())}
}
