package api

import (
	"bytes"
	"encoding/json"
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

// pageWire is ConnectorPage as it travels: decoding items straight into
// connectorWire avoids re-scanning each item for Connector.UnmarshalJSON.
type pageWire struct {
	Items []connectorWire `json:"items"`
	Meta  PageMeta        `json:"meta"`
}

func (w *pageWire) page() *ConnectorPage {
	p := &ConnectorPage{Items: make([]Connector, len(w.Items)), Meta: w.Meta}
	for i, it := range w.Items {
		p.Items[i] = it.connector()
	}
	return p
}
