package ui

import (
	"context"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// API is what the dashboard needs from the Pixee client. The sandbox-backed
// *api.Client satisfies it; tests may use a fake.
type API interface {
	ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error)
	GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error)
	SyncEANs(ctx context.Context, id string, eans []string) (*api.SyncResult, *api.Response, error)
	SyncCatalog(ctx context.Context, id string) (*api.SyncResult, *api.Response, error)
}

// All tea.Cmd constructors live here. They take the API and plain values,
// never the model, and return exactly one message. Every string that comes
// from the server is neutralised here, where it enters the program.

func fetchPage(ctx context.Context, c API, seq, page, perPage int) tea.Cmd {
	fail := func(err error) tea.Msg { return pageMsg{seq: seq, page: page, err: err} }
	return guarded("loading connectors", fail, func() tea.Msg {
		p, resp, err := c.ListConnectors(ctx, page, perPage)
		msg := pageMsg{seq: seq, page: page, rate: rateOf(resp), err: cleanErr(err)}
		if err == nil {
			msg.items = make([]api.Connector, len(p.Items))
			for i, it := range p.Items {
				msg.items[i] = sanitizeConnector(it)
			}
			msg.meta = p.Meta
		}
		return msg
	})
}

func fetchDetail(ctx context.Context, c API, seq int, id string) tea.Cmd {
	fail := func(err error) tea.Msg { return detailMsg{seq: seq, id: id, err: err} }
	return guarded("loading connector", fail, func() tea.Msg {
		d, resp, err := c.GetConnector(ctx, id)
		msg := detailMsg{seq: seq, id: id, rate: rateOf(resp), err: cleanErr(err)}
		if err == nil {
			cd := *d
			cd.Connector = sanitizeConnector(d.Connector)
			if d.SyncStats.LastError != nil {
				s := termtext.SanitizeMultiline(*d.SyncStats.LastError)
				cd.SyncStats.LastError = &s
			}
			msg.detail = &cd
		}
		return msg
	})
}

// triggerSync sends one POST. It is never retried: a sync that may have been
// queued must not be queued twice.
func triggerSync(ctx context.Context, c API, seq int, id string, eans []string) tea.Cmd {
	fail := func(err error) tea.Msg {
		return syncMsg{seq: seq, id: id, catalog: eans == nil, err: err}
	}
	return guarded("triggering sync", fail, func() tea.Msg {
		var (
			r    *api.SyncResult
			resp *api.Response
			err  error
		)
		if eans == nil {
			r, resp, err = c.SyncCatalog(ctx, id)
		} else {
			r, resp, err = c.SyncEANs(ctx, id, eans)
		}
		msg := syncMsg{seq: seq, id: id, catalog: eans == nil, rate: rateOf(resp), err: cleanErr(err)}
		if err == nil {
			cr := *r
			cr.SyncID = termtext.Sanitize(r.SyncID)
			cr.Status = termtext.Sanitize(r.Status)
			msg.result = &cr
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
