package app

import (
	"context"
	"log"
	"strconv"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// loggingAPI writes one line per API call to the debug log (--log): what
// was asked, the status, the time it took and the error. Never the key: the
// client holds it in its transport, and no method here sees it. Server text
// in errors is neutralised, since the log may be read in a terminal.
type loggingAPI struct{ next *api.Client }

func (l loggingAPI) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	start := time.Now()
	p, resp, err := l.next.ListConnectors(ctx, page, perPage)
	logCall("GET /connectors page=%d per_page=%d", start, resp, err, page, perPage)
	return p, resp, err
}

func (l loggingAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	start := time.Now()
	d, resp, err := l.next.GetConnector(ctx, id)
	logCall("GET /connectors/%s", start, resp, err, termtext.Sanitize(id))
	return d, resp, err
}

func (l loggingAPI) SyncEANs(ctx context.Context, id string, eans []string) (*api.SyncResult, *api.Response, error) {
	start := time.Now()
	r, resp, err := l.next.SyncEANs(ctx, id, eans)
	logCall("POST /connectors/%s/sync eans=%d", start, resp, err, termtext.Sanitize(id), len(eans))
	return r, resp, err
}

func (l loggingAPI) SyncCatalog(ctx context.Context, id string) (*api.SyncResult, *api.Response, error) {
	start := time.Now()
	r, resp, err := l.next.SyncCatalog(ctx, id)
	logCall("POST /connectors/%s/sync whole catalog", start, resp, err, termtext.Sanitize(id))
	return r, resp, err
}

func (l loggingAPI) TestConnector(ctx context.Context, id string) (*api.TestResult, *api.Response, error) {
	start := time.Now()
	r, resp, err := l.next.TestConnector(ctx, id)
	logCall("POST /connectors/%s/test", start, resp, err, termtext.Sanitize(id))
	return r, resp, err
}

func logCall(format string, start time.Time, resp *api.Response, err error, args ...any) {
	status := "-"
	if resp != nil {
		status = strconv.Itoa(resp.StatusCode)
		if resp.Rate.Known {
			status += " budget " + strconv.Itoa(resp.Rate.Remaining) + "/" + strconv.Itoa(resp.Rate.Limit)
		}
	}
	line := format + " → %s in %s"
	args = append(args, status, time.Since(start).Round(time.Millisecond))
	if err != nil {
		line += ": %s"
		args = append(args, termtext.Sanitize(err.Error()))
		if api.OutcomeUnknown(err) {
			line += " (outcome unknown)"
		}
	}
	log.Printf(line, args...)
}
