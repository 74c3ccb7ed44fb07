package ui

import (
	"testing"
	"time"

	"github.com/pixee/pixee-tui/history"
)

// The history read again from disk replaces the journal's records of the
// same id (another process finished them) and keeps the journal's own not
// yet on disk; newest first.
func TestJournalMergeTakesTheDisksRecords(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	j := &journal{actions: []history.Action{
		{ID: "mine", Time: t0.Add(3 * time.Minute), Outcome: history.OutcomeQueued},
		{ID: "a", Time: t0, Outcome: history.OutcomeQueued},
	}}
	j.merge([]history.Action{
		{ID: "b", Time: t0.Add(time.Minute), User: "alice", Outcome: history.OutcomeQueued},
		{ID: "a", Time: t0, Outcome: history.OutcomeDrained},
	})
	var ids []string
	for _, a := range j.actions {
		ids = append(ids, a.ID)
	}
	if len(ids) != 3 || ids[0] != "mine" || ids[1] != "b" || ids[2] != "a" {
		t.Fatalf("merged %v, want [mine b a]", ids)
	}
	if j.actions[2].Outcome != history.OutcomeDrained {
		t.Fatalf("a's outcome %q, want the disk's drained", j.actions[2].Outcome)
	}
}
