package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Connector is one entry of the connector list. Status is kept as the server
// sent it: values beyond "active" exist and must be shown, not dropped.
type Connector struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Platform   string     `json:"platform"`
	Status     string     `json:"status"`
	LastSyncAt *time.Time `json:"last_sync_at"` // nil: never synced, or unknown (see below)
	CreatedAt  *time.Time `json:"created_at"`   // nil: not sent (the detail answer may omit it), or unknown

	// LastSyncAtUnknown and CreatedAtUnknown say the field was sent but held
	// no time that can be read ("", "20/11/2026 08:00", a year-1 date): the
	// pointer is then nil, yet it means neither "never synced" nor "not
	// sent". Show "?".
	LastSyncAtUnknown bool `json:"-"`
	CreatedAtUnknown  bool `json:"-"`
}

// SyncStats is the sync state of one connector. The counts are 0..MaxCount.
type SyncStats struct {
	ProductsSynced  int     `json:"products_synced"`
	ProductsPending int     `json:"products_pending"`
	LastError       *string `json:"last_error"` // nil: no error; "" is an (odd) empty error

	// ProductsSyncedUnknown and ProductsPendingUnknown say the count was
	// absent, null or nonsense (negative, fractional, text, above
	// MaxCount): show "?", not the number beside it.
	ProductsSyncedUnknown  bool `json:"-"`
	ProductsPendingUnknown bool `json:"-"`
}

// ConnectorDetail is the answer of GET /connectors/{id}.
type ConnectorDetail struct {
	Connector
	SyncStats SyncStats `json:"sync_stats"`
}

// PageMeta is the pagination of a list answer, whichever shape it came in
// ("meta" or root-level fields, "total_pages" or "pages"). Page is 1-based.
// HasNext and HasPrevious follow from Page and TotalPages where the server
// did not send them; a server's has_next is believed over its page count.
type PageMeta struct {
	Total       int  `json:"total"`
	Page        int  `json:"page"`
	PerPage     int  `json:"per_page"`
	TotalPages  int  `json:"total_pages"`
	HasNext     bool `json:"has_next"`
	HasPrevious bool `json:"has_previous"`
}

// ConnectorPage is one page of the connector list.
type ConnectorPage struct {
	Items []Connector
	Meta  PageMeta
}

// SyncResult is the answer to a triggered sync the server accepted (a
// 2xx). A sync the server answered with a status such as "rejected" comes
// with a *SyncRejectedError instead.
type SyncResult struct {
	SyncID         string `json:"sync_id"` // "" when the server returned none
	Status         string `json:"status"`  // as sent; "" when not reported
	ProductsQueued int    `json:"products_queued"`

	// ProductsQueuedUnknown says the answer did not report how many
	// products were queued (absent, null or nonsense): not the same as 0.
	ProductsQueuedUnknown bool `json:"-"`
	// Unreported says the server accepted the sync (a 2xx) but its answer
	// said nothing readable about it: an empty body (202, 204) or one that
	// is not the documented JSON. The sync may well be running: it must not
	// be sent again.
	Unreported bool `json:"-"`
}

// Summary says in a few words what is known about an accepted sync, e.g.
// "accepted by the server; no sync id returned".
func (r *SyncResult) Summary() string {
	var parts []string
	if r.Status != "" {
		parts = append(parts, "status "+r.Status)
	} else {
		parts = append(parts, "accepted by the server")
	}
	switch {
	case !r.ProductsQueuedUnknown:
		parts = append(parts, strconv.Itoa(r.ProductsQueued)+" products queued")
	case !r.Unreported:
		parts = append(parts, "products queued not reported")
	}
	if r.SyncID != "" {
		parts = append(parts, "sync id "+r.SyncID)
	} else {
		parts = append(parts, "no sync id returned")
	}
	return strings.Join(parts, "; ")
}

// SyncRejectedError is a sync the server answered with a 2xx whose status
// says it was not queued ("rejected", "failed", …). Nothing is running:
// whether to send it again is the user's call.
type SyncRejectedError struct {
	Status string // as the server sent it (untrusted)
	SyncID string
	Detail string // the answer's detail or message, if any (untrusted)
}

func (e *SyncRejectedError) Error() string {
	msg := fmt.Sprintf("the server did not queue the sync: status %q", e.Status)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Is matches ErrSyncRejected.
func (e *SyncRejectedError) Is(target error) bool { return target == ErrSyncRejected }

// rejectedStatuses are the statuses of a sync answer that mean "not queued".
var rejectedStatuses = map[string]bool{
	"rejected": true, "failed": true, "failure": true, "error": true, "errored": true,
	"denied": true, "refused": true, "invalid": true, "cancelled": true, "canceled": true, "aborted": true,
}

// TestResult is the answer of POST /connectors/{id}/test, which the docs do
// not describe in detail: the known fields are decoded, the rest kept raw.
type TestResult struct {
	OK      *bool          `json:"ok"`
	Message string         `json:"message"`
	Fields  map[string]any `json:"-"`
}

// MaxPerPage is the largest page any generation of the API serves (the
// seed era's limit); newer servers stop at CappedPerPage.
const MaxPerPage = 500

// CappedPerPage is the largest page the newer docs allow. A server that
// refuses a larger page size (422) is asked again once with this one.
const CappedPerPage = 100

// ListConnectors fetches one page (1-based) of perPage connectors.
//
// It works against every generation of the API (see API.md): it sends
// page/per_page together with the equivalent skip/limit, since a server
// ignores the ones it does not know; it decodes the pagination from "meta"
// or from the root of the answer; it finds the list at "/connectors/" or
// "/connectors" (on a 404 or 405 it tries the other spelling once); and
// when the server refuses the page size with a 422 it asks once more with
// CappedPerPage. What it learns (the path, the cap, the auth header) is
// remembered, so later pages cost one request each. Response.PerPageCap
// says when the page was served at the cap instead of perPage.
func (c *Client) ListConnectors(ctx context.Context, page, perPage int) (*ConnectorPage, *Response, error) {
	p, _, resp, err := c.listConnectors(ctx, page, perPage, func() pageDecoder { return &pageWire{} })
	return p, resp, err
}

// pageDecoder is what a list answer decodes into.
type pageDecoder interface {
	page(page, perPage int) (*ConnectorPage, error)
}

func (c *Client) listConnectors(ctx context.Context, page, perPage int, newOut func() pageDecoder) (*ConnectorPage, pageDecoder, *Response, error) {
	if page < 1 || page > 1<<30/MaxPerPage {
		return nil, nil, nil, fmt.Errorf("api: page must be between 1 and %d, got %d", 1<<30/MaxPerPage, page)
	}
	if perPage < 1 || perPage > MaxPerPage {
		return nil, nil, nil, fmt.Errorf("api: per page must be 1..%d, got %d", MaxPerPage, perPage)
	}
	capped := false
	if limit := int(c.perPageCap.Load()); limit > 0 && perPage > limit {
		page, perPage, capped = capPage(page, perPage, limit), limit, true
	}
	out := newOut()
	p, resp, err := c.listPage(ctx, page, perPage, out)
	if err != nil && !capped && perPage > CappedPerPage && resp != nil && resp.StatusCode == http.StatusUnprocessableEntity {
		// A newer server's per_page limit: ask once more within it.
		page, perPage, capped = capPage(page, perPage, CappedPerPage), CappedPerPage, true
		out = newOut()
		p, resp, err = c.listPage(ctx, page, perPage, out)
		if err == nil {
			c.perPageCap.Store(CappedPerPage)
		}
	}
	if resp != nil && capped {
		resp.PerPageCap = perPage
	}
	return p, out, resp, err
}

// capPage is the page, at the smaller size limit, that starts with the
// first connector of page at perPage.
func capPage(page, perPage, limit int) int {
	return (page-1)*perPage/limit + 1
}

// listPage is one list request, on the list path that answers.
func (c *Client) listPage(ctx context.Context, page, perPage int, out pageDecoder) (*ConnectorPage, *Response, error) {
	q := url.Values{}
	q.Set("page", strconv.Itoa(page))
	q.Set("per_page", strconv.Itoa(perPage))
	q.Set("skip", strconv.Itoa((page-1)*perPage))
	q.Set("limit", strconv.Itoa(perPage))

	spelling := c.listSlash.Load()
	paths := [2]string{"/connectors/", "/connectors"} // today's API first
	first := 0
	if spelling == 1 {
		first = 1
	}
	resp, err := c.get(ctx, paths[first], q, out)
	if spelling == 0 && isMissingRoute(resp, err) {
		first = 1 - first
		resp, err = c.get(ctx, paths[first], q, out) // a 404's body decoded nothing into out
	}
	if err != nil {
		return nil, resp, err
	}
	c.listSlash.Store(int32(2 - first))
	p, err := out.page(page, perPage)
	if err != nil {
		return nil, resp, &UnexpectedResponseError{StatusCode: resp.StatusCode, ContentType: resp.contentType, Reason: err.Error()}
	}
	return p, resp, nil
}

func isMissingRoute(resp *Response, err error) bool {
	return err != nil && resp != nil &&
		(resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed)
}

// GetConnector fetches one connector with its sync stats. An answer about
// another connector (its id is not the one asked for) is a
// *ConnectorMismatchError; an answer without an id is taken as the one
// asked for, since it names no other.
func (c *Client) GetConnector(ctx context.Context, id string) (*ConnectorDetail, *Response, error) {
	if id == "" {
		return nil, nil, errors.New("api: empty connector id")
	}
	var out ConnectorDetail
	resp, err := c.get(ctx, "/connectors/"+escapeID(id), nil, &out)
	if err != nil {
		return nil, resp, err
	}
	if err := out.answers(id); err != nil {
		return nil, resp, err
	}
	return &out, resp, nil
}

// answers checks that the detail is about the connector asked for. An
// answer without an id names no other connector: it is taken as the one
// asked for.
func (d *ConnectorDetail) answers(id string) error {
	switch d.ID {
	case id:
	case "":
		d.ID = id
	default:
		return &ConnectorMismatchError{Asked: id, Answered: d.ID}
	}
	return nil
}

// ConnectorMismatchError is a detail answer about another connector than
// the one asked for: shown as an error, never under the asked-for id.
type ConnectorMismatchError struct {
	Asked    string
	Answered string // untrusted
}

func (e *ConnectorMismatchError) Error() string {
	return fmt.Sprintf("the server answered with connector %q when asked for %q",
		clipN(e.Answered, maxCode), clipN(e.Asked, maxCode))
}

// escapeID makes a connector id one escaped path segment: "/", "?", "%"
// and the like are escaped, and the dot segments "." and ".." are spelled
// "%2E" so no client, proxy or server can take them as "this" or "parent".
func escapeID(id string) string {
	switch id {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return url.PathEscape(id)
}

// SyncEANs queues a sync of the given EANs. An empty list is refused: its
// meaning on the server is ambiguous; use SyncCatalog for the whole catalog.
// The client never retries a POST.
func (c *Client) SyncEANs(ctx context.Context, id string, eans []string) (*SyncResult, *Response, error) {
	if len(eans) == 0 {
		return nil, nil, errors.New("api: no EANs to sync (use SyncCatalog to sync the whole catalog)")
	}
	return c.sync(ctx, id, syncBody{EANs: eans})
}

// SyncCatalog queues a sync of the whole catalog: the body carries no "eans"
// key at all.
func (c *Client) SyncCatalog(ctx context.Context, id string) (*SyncResult, *Response, error) {
	return c.sync(ctx, id, syncBody{})
}

type syncBody struct {
	EANs []string `json:"eans,omitempty"`
}

func (c *Client) sync(ctx context.Context, id string, body syncBody) (*SyncResult, *Response, error) {
	if id == "" {
		return nil, nil, errors.New("api: empty connector id")
	}
	var fields map[string]json.RawMessage
	resp, err := c.post(ctx, "/connectors/"+escapeID(id)+"/sync", body, &fields)
	var ue *UnexpectedResponseError
	if errors.As(err, &ue) && ue.StatusCode >= 200 && ue.StatusCode <= 299 {
		// A 2xx is the server's yes, whatever the body (empty for a 202 or
		// 204, or unreadable): reporting it as failed would invite a
		// second POST and a second sync.
		return &SyncResult{ProductsQueuedUnknown: true, Unreported: true}, resp, nil
	}
	if err != nil {
		return nil, resp, err
	}
	out := syncResult(fields)
	c.redactAnswer(out) // read from raw JSON, after do's redaction
	if rejectedStatuses[strings.ToLower(strings.TrimSpace(out.Status))] {
		rej := &SyncRejectedError{Status: out.Status, SyncID: out.SyncID,
			Detail: clip(firstString(fields, "detail", "message", "error"))}
		c.redactAnswer(rej)
		return out, resp, rej
	}
	return out, resp, nil
}

// syncResult reads each field of a sync answer on its own: one odd field
// costs only itself.
func syncResult(fields map[string]json.RawMessage) *SyncResult {
	out := &SyncResult{Status: clipN(firstString(fields, "status"), maxCode)}
	out.SyncID = clipN(firstString(fields, "sync_id"), maxCode)
	if out.SyncID == "" {
		// A numeric id is still an id.
		if raw := bytes.TrimSpace(fields["sync_id"]); len(raw) > 0 && raw[0] >= '0' && raw[0] <= '9' {
			out.SyncID = clipN(string(raw), maxCode)
		}
	}
	var ok bool
	out.ProductsQueued, ok = parseCount(fields["products_queued"])
	out.ProductsQueuedUnknown = !ok
	return out
}

// firstString returns the first of keys whose value is a JSON string.
func firstString(fields map[string]json.RawMessage, keys ...string) string {
	for _, k := range keys {
		var s string
		if json.Unmarshal(fields[k], &s) == nil && s != "" {
			return s
		}
	}
	return ""
}

// TestConnector asks the server to test the platform connection (newer
// docs). A server without the endpoint (404/405) yields an error matching
// ErrNotSupported.
func (c *Client) TestConnector(ctx context.Context, id string) (*TestResult, *Response, error) {
	if id == "" {
		return nil, nil, errors.New("api: empty connector id")
	}
	var fields map[string]any
	resp, err := c.post(ctx, "/connectors/"+escapeID(id)+"/test", struct{}{}, &fields)
	if err != nil {
		if resp != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed) {
			return nil, resp, &NotSupportedError{Err: err}
		}
		return nil, resp, err
	}
	out := &TestResult{Fields: fields}
	// The verdict: "ok", or "success" as the newer docs write it.
	for _, name := range []string{"ok", "success"} {
		if ok, isBool := fields[name].(bool); isBool {
			out.OK = &ok
			break
		}
	}
	if msg, isStr := fields["message"].(string); isStr {
		out.Message = msg
	}
	return out, resp, nil
}

// NotSupportedError is an endpoint this server does not have.
type NotSupportedError struct{ Err error }

func (e *NotSupportedError) Error() string {
	return "not supported by this server (" + e.Err.Error() + ")"
}
func (e *NotSupportedError) Is(target error) bool { return target == ErrNotSupported }
func (e *NotSupportedError) Unwrap() error        { return e.Err }
