package history

import (
	"testing"
	"time"

	"github.com/pixee/pixee-tui/monitor"
)

// Events and acknowledgements survive a restart: the next start knows
// exactly which are new.
func TestEventsAndAcksPersist(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	log, _, err := OpenEvents(dir, Limits{}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	var in []monitor.Event
	for i := range 5 {
		in = append(in, monitor.Event{Time: t0.Add(time.Duration(i) * time.Minute), ConnectorID: "c", Kind: monitor.TurnedError})
	}
	got, err := log.Append(in)
	if err != nil || len(got) != 5 || got[0].ID == "" {
		t.Fatalf("Append: %v %v", got, err)
	}
	log.AckAll(t0.Add(time.Minute)) // the first two
	log.Ack(got[3].ID)

	again, _, err := OpenEvents(dir, Limits{}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	evs, warns, err := again.Load()
	if err != nil || len(warns) != 0 || len(evs) != 5 {
		t.Fatalf("Load: %d events, %v %v", len(evs), warns, err)
	}
	var fresh []string
	for _, e := range evs {
		if !e.Acked {
			fresh = append(fresh, e.ID)
		}
	}
	if len(fresh) != 2 || fresh[0] != got[4].ID || fresh[1] != got[2].ID {
		t.Errorf("unacknowledged %v, want the 5th and 3rd", fresh)
	}
}

func TestEventsPruned(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	log, _, _ := OpenEvents(dir, Limits{}, c.now)
	for i := range 10 {
		log.Append([]monitor.Event{{Time: c.now(), Kind: monitor.Paused, ConnectorID: "x"}})
		_ = i
		c.add(24 * time.Hour)
	}
	l2, _, err := OpenEvents(dir, Limits{MaxAge: 72 * time.Hour}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	if evs, _, _ := l2.Load(); len(evs) != 2 {
		t.Errorf("%d events after pruning to 3 days, want 2", len(evs))
	}
}
