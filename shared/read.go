package shared

import (
	"context"
	"errors"
	"fmt"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// Read makes a read a monitor asked for (a page, a connector or its jobs) and returns
// its result, what the server said neutralised for display: every string
// that comes from the server is neutralised here, where it enters the
// program. The dashboard and a team server's watch both read through it
// (Driver).
func Read(ctx context.Context, c monitor.API, r monitor.Request) monitor.Result {
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
	case monitor.KindJobs:
		jc, ok := c.(monitor.JobsAPI)
		if !ok {
			err = &api.NotSupportedError{Err: errors.New("this client does not read jobs")}
			break
		}
		var jobs []api.Job
		if jobs, resp, err = jc.ListJobs(ctx, r.ID); err == nil {
			res.Jobs = make([]api.Job, len(jobs))
			for i, j := range jobs {
				j.ID, j.JobType, j.Status = termtext.Sanitize(j.ID), termtext.Sanitize(j.JobType), termtext.Sanitize(j.Status)
				res.Jobs[i] = j
			}
		}
	default:
		err = errors.New("not a read")
	}
	res.Rate, res.Err = RateOf(resp), CleanErr(err)
	if resp != nil {
		res.PerPageCap, res.At = resp.PerPageCap, resp.Served
	}
	return res
}

// RateOf is the budget reading of an answer; none without one.
func RateOf(r *api.Response) api.RateLimit {
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

// CleanErr is err with its text neutralised for display, still err to
// errors.Is and errors.As.
func CleanErr(err error) error {
	if err == nil {
		return nil
	}
	return &safeError{err: err, msg: termtext.Sanitize(err.Error())}
}

// PanicError is work that panicked (a bug, a hostile answer): shown or
// logged, never fatal.
type PanicError struct {
	What  string // what was being done: "loading connectors"
	Value string // what it panicked with, neutralised
}

func (e *PanicError) Error() string {
	return "internal error while " + e.What + ": " + e.Value + " (please report it)"
}

// Recovered is the error of work that panicked with p while doing what.
func Recovered(what string, p any) error {
	return &PanicError{What: what, Value: termtext.Sanitize(fmt.Sprint(p))}
}
