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
}

// One odd timestamp costs only its own field: what can be read is read, the
// rest is marked unknown (distinct from null), and the row and the page are
// kept.
func TestOddTimestampsAreReadOrMarkedUnknownPerField(t *testing.T) {
	nov20 := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		raw  string    // JSON value of last_sync_at
		want time.Time // zero: unknown
	}{
		{`"2026-11-20t08:00:00z"`, nov20},
		{`"2026-11-20T09:00:00+01:00"`, nov20},
		{`"2026-11-20 09:00:00 +0100"`, nov20},
		{`"2026-11-20T09:00:00+0100"`, nov20},
		{`"2026-11-20 08:00"`, nov20},
		{`1795161600`, nov20},
		{`1795161600000`, nov20},
		{`1795161600.0`, nov20},
		{`"1795161600"`, nov20},
		{`"2016-12-31T23:59:60Z"`, time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)},
		{`""`, time.Time{}},
		{`"20/11/2026 08:00"`, time.Time{}}, // day and month order cannot be told in general
		{`"yesterday"`, time.Time{}},
		{`"0001-01-01T00:00:00Z"`, time.Time{}},
		{`"1999-12-31T23:59:59Z"`, time.Time{}},
		{`2026`, time.Time{}},
		{`0`, time.Time{}},
		{`-5`, time.Time{}},
		{`1e300`, time.Time{}},
		{`true`, time.Time{}},
		{`{"at":"2026-11-20T08:00:00Z"}`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			page := `{"items":[{"id":"a","last_sync_at":` + tt.raw + `,"created_at":` + tt.raw + `},` +
				`{"id":"b","last_sync_at":null}],"meta":{"total":2}}`
			var w pageWire
			if err := json.Unmarshal([]byte(page), &w); err != nil {
				t.Fatalf("the page was refused for one field: %v", err)
			}
			p, err := w.page(1, 50)
			if err != nil || len(p.Items) != 2 {
				t.Fatalf("%d rows, want 2", len(p.Items))
			}
			a := p.Items[0]
			for _, f := range []struct {
				name    string
				at      *time.Time
				unknown bool
			}{{"last_sync_at", a.LastSyncAt, a.LastSyncAtUnknown}, {"created_at", a.CreatedAt, a.CreatedAtUnknown}} {
				if tt.want.IsZero() {
					if f.at != nil || !f.unknown {
						t.Errorf("%s = %v, unknown %v; want nil and unknown", f.name, f.at, f.unknown)
					}
					continue
				}
				if f.at == nil || !f.at.Equal(tt.want) || f.unknown {
					t.Errorf("%s = %v, unknown %v; want %v", f.name, f.at, f.unknown, tt.want)
				}
			}
			if b := p.Items[1]; b.LastSyncAt != nil || b.LastSyncAtUnknown {
				t.Errorf("null last_sync_at = %v, unknown %v; want nil and known (never synced)", b.LastSyncAt, b.LastSyncAtUnknown)
			}
		})
	}
}

// Counts written as integral floats are counts; nonsense (negative,
// fractional, text, absent) is marked unknown; huge values are clamped so
// synced + pending cannot overflow. None of it refuses the detail.
func TestSyncStatsCountsAreReadPerField(t *testing.T) {
	tests := []struct {
		raw     string // JSON value of products_synced and products_pending
		want    int
		unknown bool
	}{
		{`1250`, 1250, false},
		{`1250.0`, 1250, false},
		{`1.25e3`, 1250, false},
		{`"1250"`, 1250, false},
		{`0`, 0, false},
		{`-0.0`, 0, false},
		{`-100`, 0, true},
		{`12.5`, 0, true},
		{`"many"`, 0, true},
		{`null`, 0, true},
		{`true`, 0, true},
		{`[1]`, 0, true},
		{`9223372036854775807`, MaxCount, true},
		{`92233720368547758070`, MaxCount, true},
		{`1e400`, MaxCount, true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			body := `{"id":"c","sync_stats":{"products_synced":` + tt.raw + `,"products_pending":` + tt.raw + `,"last_error":null}}`
			var d ConnectorDetail
			if err := json.Unmarshal([]byte(body), &d); err != nil {
				t.Fatalf("the detail was refused for one field: %v", err)
			}
			ss := d.SyncStats
			if ss.ProductsSynced != tt.want || ss.ProductsPending != tt.want {
				t.Errorf("synced, pending = %d, %d; want %d", ss.ProductsSynced, ss.ProductsPending, tt.want)
			}
			if ss.ProductsSyncedUnknown != tt.unknown || ss.ProductsPendingUnknown != tt.unknown {
				t.Errorf("unknown = %v, %v; want %v", ss.ProductsSyncedUnknown, ss.ProductsPendingUnknown, tt.unknown)
			}
			if sum := ss.ProductsSynced + ss.ProductsPending; sum < 0 {
				t.Errorf("synced + pending overflows: %d", sum)
			}
		})
	}
	for _, body := range []string{`{"id":"c"}`, `{"id":"c","sync_stats":null}`, `{"id":"c","sync_stats":"n/a"}`} {
		var d ConnectorDetail
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if !d.SyncStats.ProductsSyncedUnknown || !d.SyncStats.ProductsPendingUnknown {
			t.Errorf("%s: counts %+v, want unknown", body, d.SyncStats)
		}
	}
	var d ConnectorDetail
	if err := json.Unmarshal([]byte(`{"id":"c","sync_stats":{"products_synced":1,"products_pending":2,"last_error":{"code":7}}}`), &d); err != nil {
		t.Fatalf("a last_error object refused the detail: %v", err)
	}
	if d.SyncStats.LastError == nil || *d.SyncStats.LastError != `{"code":7}` {
		t.Errorf("last_error = %v, want its JSON text", d.SyncStats.LastError)
	}
}
