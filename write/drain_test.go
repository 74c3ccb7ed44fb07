package write

import (
	"testing"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
)

func detail(synced, pending int) *api.ConnectorDetail {
	d := &api.ConnectorDetail{}
	d.ID = "c1"
	d.SyncStats.ProductsSynced, d.SyncStats.ProductsPending = synced, pending
	return d
}

func TestJudgeSaysDrainedOnlyWhenSyncedRoseByWhatWasQueued(t *testing.T) {
	q := func(n int) *int { return &n }
	le := "boom"
	unreadable := detail(0, 0)
	unreadable.SyncStats.ProductsPendingUnknown = true
	syncedUnreadable := detail(0, 0)
	syncedUnreadable.SyncStats.ProductsSyncedUnknown = true
	failed := detail(1500, 0)
	failed.SyncStats.LastError = &le
	tests := []struct {
		name string
		w    Awaited
		d    *api.ConnectorDetail
		want Verdict
	}{
		{"pending", Awaited{Synced: 1472, SyncedKnown: true, Queued: q(1250)}, detail(1500, 1222), Waiting},
		{"drained", Awaited{Synced: 1472, SyncedKnown: true, Queued: q(1250)}, detail(2722, 0), Drained},
		{"drained, others synced too", Awaited{Synced: 10, SyncedKnown: true, Queued: q(2)}, detail(40, 0), Drained},
		{"drained, count not said", Awaited{Synced: 10, SyncedKnown: true}, detail(12, 0), Drained},
		{"server restarted: synced fell", Awaited{Synced: 1472, SyncedKnown: true, Queued: q(1250)}, detail(1250, 0), Lost},
		{"synced fell, count not said", Awaited{Synced: 1472, SyncedKnown: true}, detail(3, 0), Lost},
		{"queue lost: synced barely rose", Awaited{Synced: 1472, SyncedKnown: true, Queued: q(1250)}, detail(1499, 0), Lost},
		{"pending unreadable", Awaited{Synced: 1, SyncedKnown: true, Queued: q(1)}, unreadable, Lost},
		{"synced unreadable", Awaited{Synced: 1, SyncedKnown: true, Queued: q(1)}, syncedUnreadable, Lost},
		{"new last_error", Awaited{Synced: 1472, SyncedKnown: true, Queued: q(10)}, failed, Failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, r := Judge(tt.w, tt.d)
			if v != tt.want {
				t.Fatalf("verdict %d, want %d (%+v)", v, tt.want, r)
			}
			switch v {
			case Lost:
				if r.Outcome != history.OutcomeUnknown || r.Answer == "" {
					t.Errorf("recorded %+v, want outcome unknown with the reason", r)
				}
			case Drained:
				if r.Outcome != history.OutcomeDrained {
					t.Errorf("recorded %+v", r)
				}
			}
		})
	}
}

func TestSyncResultKeepsAnUnsaidCountUnknown(t *testing.T) {
	r := SyncResult(&api.SyncResult{SyncID: "s1", Status: "queued", ProductsQueuedUnknown: true}, nil)
	if r.Outcome != history.OutcomeQueued || r.Queued != nil {
		t.Errorf("recorded %+v, want queued with no count", r)
	}
	r = SyncResult(nil, &api.SyncRejectedError{Status: "rejected", Detail: "catalog locked"})
	if r.Outcome != history.OutcomeRejected || r.Answer == "" {
		t.Errorf("a rejected sync recorded as %+v", r)
	}
}
