package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// flexTime decodes the timestamps servers actually send: RFC 3339 as the
// docs show, and the zone-less forms Python servers often emit
// ("2026-05-14T08:00:00", "2026-05-14 08:00:00.123"), read as UTC. null stays
// distinct: the field is then a nil pointer.
type flexTime struct{ t time.Time }

var zoneless = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
}

func (f *flexTime) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		s = string(b[1 : len(b)-1]) // the usual case: no escapes to undo
	} else if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp is not a string")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		f.t = t
		return nil
	}
	for _, layout := range zoneless {
		if t, err := time.Parse(layout, s); err == nil {
			f.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("timestamp %.40q is not RFC 3339", s)
}

func (f *flexTime) ptr() *time.Time {
	if f == nil {
		return nil
	}
	t := f.t
	return &t
}

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
		LastSyncAt: w.LastSyncAt.ptr(), CreatedAt: w.CreatedAt.ptr()}
}

// UnmarshalJSON accepts zone-less timestamps (read as UTC).
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
	var w struct {
		connectorWire
		SyncStats SyncStats `json:"sync_stats"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = ConnectorDetail{Connector: w.connector(), SyncStats: w.SyncStats}
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
	Total       *int  `json:"total"`
	Page        *int  `json:"page"`
	PerPage     *int  `json:"per_page"`
	TotalPages  *int  `json:"total_pages"`
	Pages       *int  `json:"pages"`
	HasNext     *bool `json:"has_next"`
	HasPrevious *bool `json:"has_previous"`
}

// maxCount bounds what a pagination field may say, far from overflow.
const maxCount = 1 << 40

// count is a pagination field that is present and sane.
func count(p *int) (int, bool) {
	if p == nil || *p < 0 || *p > maxCount {
		return 0, false
	}
	return *p, true
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
