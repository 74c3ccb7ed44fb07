package api

import (
	"encoding/json"
	"testing"
	"time"
)

func TestConnectorTimestampsTolerateZonelessForms(t *testing.T) {
	want := time.Date(2026, 5, 14, 8, 0, 0, 0, time.UTC)
	for _, ts := range []string{
		"2026-05-14T08:00:00Z", "2026-05-14T10:00:00+02:00", "2026-05-14T08:00:00",
		"2026-05-14 08:00:00", "2026-05-14T08:00:00.000000",
	} {
		var d ConnectorDetail
		body := `{"id":"a","last_sync_at":"` + ts + `","created_at":null,"sync_stats":{"products_synced":3,"products_pending":1,"last_error":null}}`
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Errorf("%s: %v", ts, err)
			continue
		}
		if d.LastSyncAt == nil || !d.LastSyncAt.Equal(want) {
			t.Errorf("%s: last_sync_at = %v, want %v", ts, d.LastSyncAt, want)
		}
		if d.CreatedAt != nil {
			t.Errorf("%s: null created_at decoded as %v", ts, d.CreatedAt)
		}
		if d.SyncStats.ProductsSynced != 3 || d.SyncStats.ProductsPending != 1 || d.ID != "a" {
			t.Errorf("%s: sync stats or id lost: %+v", ts, d)
		}
	}
	var c Connector
	if err := json.Unmarshal([]byte(`{"id":"a","last_sync_at":"yesterday"}`), &c); err == nil {
		t.Error("a timestamp that is no date decoded without error")
	}
}
