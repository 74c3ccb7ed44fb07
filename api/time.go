package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// flexTime decodes the timestamps servers actually send, one field at a
// time: RFC 3339 as the docs show (in any letter case, with a leap second),
// the zone-less forms Python servers often emit ("2026-05-14T08:00:00",
// "2026-05-14 08:00:00.123", read as UTC), offsets written "+0100", and Unix
// times in seconds or milliseconds. Anything else ("", "20/11/2026 08:00",
// a year-1 date) is unknown, never an error: one odd field must not cost the
// row or the page. null stays distinct: the field is then a nil pointer.
type flexTime struct {
	t       time.Time
	unknown bool // sent, but not a time that can be read
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999Z07",
	"2006-01-02T15:04Z07:00",
}

// zoneless layouts carry no offset: they are read as UTC.
var zoneless = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
}

func (f *flexTime) UnmarshalJSON(b []byte) error {
	f.t, f.unknown = time.Time{}, false
	t, ok := parseTimestamp(b)
	if !ok {
		f.unknown = true
		return nil
	}
	f.t = t
	return nil
}

func parseTimestamp(b []byte) (time.Time, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return time.Time{}, false
	}
	var s string
	switch {
	case b[0] == '"' && len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0:
		s = string(b[1 : len(b)-1]) // the usual case: no escapes to undo
	case b[0] == '"':
		if json.Unmarshal(b, &s) != nil {
			return time.Time{}, false
		}
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		return unixTime(string(b))
	default: // true, false, an object or a list
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return plausible(t)
	}
	return parseTimeText(strings.TrimSpace(s))
}

// parseTimeText is the slow path: the forms beyond strict RFC 3339.
func parseTimeText(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if s[0] >= '0' && s[0] <= '9' && strings.Trim(s, "0123456789.") == "" {
		return unixTime(s)
	}
	// RFC 3339 allows "t" and "z"; time.Parse does not.
	s = strings.ToUpper(s)
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	// "2026-11-20T08:00:00 +0100": no space before the offset.
	if i := strings.LastIndexByte(s, ' '); i > 10 && i+1 < len(s) && strings.ContainsRune("+-Z", rune(s[i+1])) {
		s = s[:i] + s[i+1:]
	}
	// A leap second (23:59:60) is read as the second after 23:59:59.
	leap := len(s) >= 19 && s[13] == ':' && s[16] == ':' && s[17:19] == "60"
	if leap {
		s = s[:17] + "59" + s[19:]
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return plausible(addLeap(t, leap))
		}
	}
	for _, layout := range zoneless {
		if t, err := time.Parse(layout, s); err == nil {
			return plausible(addLeap(t.UTC(), leap))
		}
	}
	return time.Time{}, false
}

func addLeap(t time.Time, leap bool) time.Time {
	if leap {
		return t.Add(time.Second)
	}
	return t
}

// unixTime reads a Unix time in seconds, or in milliseconds when it is too
// large to be seconds (1e11 seconds is the year 5138).
func unixTime(s string) (time.Time, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return time.Time{}, false
	}
	if math.Abs(v) >= 1e11 {
		v /= 1000
	}
	if math.Abs(v) >= 1e11 {
		return time.Time{}, false
	}
	sec := math.Floor(v)
	return plausible(time.Unix(int64(sec), int64((v-sec)*1e9)).UTC())
}

// earliest is the first time a connector can have: anything before it is a
// placeholder ("0001-01-01T00:00:00Z" is Go's zero time, 0 a zeroed
// column, a small number a mistaken unit), not a sync that happened.
var earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func plausible(t time.Time) (time.Time, bool) {
	if t.Before(earliest) {
		return time.Time{}, false
	}
	return t, true
}

func (f *flexTime) ptr() *time.Time {
	if f == nil || f.unknown {
		return nil
	}
	t := f.t
	return &t
}

// isUnknown says the field was sent but could not be read.
func (f *flexTime) isUnknown() bool { return f != nil && f.unknown }

// connectorWire is Connector as it travels, with tolerant timestamps.
type connectorWire struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Platform   string    `json:"platform"`
	Status     string    `json:"status"`
	LastSyncAt *flexTime `json:"last_sync_at"`
	CreatedAt  *flexTime `json:"created_at"`
}

func (w connectorWire) connector() Connector {
	return Connector{ID: w.ID, Name: w.Name, Platform: w.Platform, Status: w.Status,
		LastSyncAt: w.LastSyncAt.ptr(), CreatedAt: w.CreatedAt.ptr(),
		LastSyncAtUnknown: w.LastSyncAt.isUnknown(), CreatedAtUnknown: w.CreatedAt.isUnknown()}
}

// UnmarshalJSON reads timestamps liberally (see flexTime).
func (c *Connector) UnmarshalJSON(b []byte) error {
	var w connectorWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = w.connector()
	return nil
}

// UnmarshalJSON decodes the connector and its sync stats; without it the
// embedded Connector's method would take the whole object and drop
// sync_stats.
func (d *ConnectorDetail) UnmarshalJSON(b []byte) error {
	// Two passes rather than an embedded connectorWire: an embedded
	// struct's Go name would show in a wrong-type error's field path.
	var cw connectorWire
	if err := json.Unmarshal(b, &cw); err != nil {
		return err
	}
	var w struct {
		SyncStats json.RawMessage `json:"sync_stats"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var ss SyncStats
	ss.UnmarshalJSON(w.SyncStats) // never fails: what is unknown is marked so
	*d = ConnectorDetail{Connector: cw.connector(), SyncStats: ss}
	return nil
}

// pageWire is ConnectorPage as it travels, in either shape: pagination in
// "meta" (the seed and the connectors page of the newer docs) or at the
// root (the newer pagination docs and today's API). Items decode straight
// into connectorWire, which avoids re-scanning each item.
type pageWire struct {
	Items *[]connectorWire `json:"items"`
	Meta  *metaWire        `json:"meta"`
	metaWire
}

// metaWire is every pagination field any generation sends; nil is absent.
type metaWire struct {
	Total       *pageNum `json:"total"`
	Page        *pageNum `json:"page"`
	PerPage     *pageNum `json:"per_page"`
	TotalPages  *pageNum `json:"total_pages"`
	Pages       *pageNum `json:"pages"`
	HasNext     *bool    `json:"has_next"`
	HasPrevious *bool    `json:"has_previous"`
}

// pageNum is a pagination number read as liberally as a product count
// (50, 50.0, "50"); one that is not a count reads as absent.
type pageNum struct {
	n  int
	ok bool
}

func (p *pageNum) UnmarshalJSON(b []byte) error {
	p.n, p.ok = parseCount(b)
	return nil
}

// maxCount bounds what a pagination field may say, far from overflow.
const maxCount = 1 << 40

// count is a pagination field that is present and sane.
func count(p *pageNum) (int, bool) {
	if p == nil || !p.ok || p.n > maxCount {
		return 0, false
	}
	return p.n, true
}

func (m *metaWire) any() bool {
	return m.Total != nil || m.TotalPages != nil || m.Pages != nil || m.HasNext != nil
}

// page resolves the answer to the page asked for (page, perPage fill what
// the server left out). An answer with no items or no pagination at all is
// an error: it must never read as "0 connectors".
func (w *pageWire) page(page, perPage int) (*ConnectorPage, error) {
	m := &w.metaWire
	if w.Meta != nil && w.Meta.any() {
		m = w.Meta
	}
	if !m.any() {
		return nil, errors.New("no pagination in the list answer (neither meta nor total/pages)")
	}
	pm := PageMeta{Page: page, PerPage: perPage}
	if v, ok := count(m.Page); ok && v > 0 {
		pm.Page = v
	}
	if v, ok := count(m.PerPage); ok && v > 0 {
		pm.PerPage = v
	}
	total, hasTotal := count(m.Total)
	pm.Total = total
	if v, ok := count(m.TotalPages); ok {
		pm.TotalPages = v
	} else if v, ok := count(m.Pages); ok {
		pm.TotalPages = v
	} else if hasTotal {
		pm.TotalPages = (total + pm.PerPage - 1) / pm.PerPage
	}
	pm.HasNext = pm.Page < pm.TotalPages
	if m.HasNext != nil {
		pm.HasNext = *m.HasNext
	}
	pm.HasPrevious = pm.Page > 1
	if m.HasPrevious != nil {
		pm.HasPrevious = *m.HasPrevious
	}
	if pm.HasNext && pm.TotalPages <= pm.Page {
		// has_next decides: a page count of 0 or missing must not make the
		// rest of the list unreachable.
		pm.TotalPages = pm.Page + 1
	}
	var items []connectorWire
	switch {
	case w.Items != nil:
		items = *w.Items
	case pm.Total > 0:
		return nil, errors.New(`no "items" in a list answer of a non-empty account`)
	}
	p := &ConnectorPage{Items: make([]Connector, len(items)), Meta: pm}
	for i, it := range items {
		p.Items[i] = it.connector()
	}
	return p, nil
}
