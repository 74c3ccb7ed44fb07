package ui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/write"
)

// API is what the dashboard needs from the Pixee client: the monitor's. The
// *api.Client satisfies it; tests may use a fake.
type API = monitor.API

// All tea.Cmd constructors live here. They take the API and plain values,
// never the model, and return exactly one message. Every string that comes
// from the server is neutralised where it enters the program: here for
// writes' answers, in shared.Read for reads.

// request is a read the driver made ready (shared.Driver.Job), as a
// command whose message says which pane it is for.
func request(kind monitor.Kind, read func() monitor.Result) tea.Cmd {
	if kind == monitor.KindConnector {
		return func() tea.Msg { return detailMsg{read()} }
	}
	if kind == monitor.KindJobs {
		return func() tea.Msg { return jobsMsg{read()} }
	}
	return func() tea.Msg { return pageMsg{read()} }
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
// sequence numbers) stays right. (Reads are guarded by the driver.)
func guarded(what string, fail func(error) tea.Msg, f func() tea.Msg) tea.Cmd {
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = fail(shared.Recovered(what, r))
			}
		}()
		return f()
	}
}

// rateOf and cleanErr are the reads' (package shared), for the writes'
// answers too.
func rateOf(r *api.Response) api.RateLimit { return shared.RateOf(r) }
func cleanErr(err error) error             { return shared.CleanErr(err) }
