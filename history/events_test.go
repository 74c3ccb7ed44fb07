package history

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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

// A flapping fleet (hundreds of events a second for a simulated minute)
// keeps the log under its bound on disk, and Load never returns more than
// the events kept; the newest events and their acknowledgements stay.
func TestFlappingFleetKeepsTheLogBounded(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	lim := Limits{MaxActions: 200, MaxBytes: 64 << 10}
	log, _, err := OpenEvents(dir, lim, c.now)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "events.jsonl")
	var last []monitor.Event
	largest := int64(0)
	for tick := range 600 { // a minute, every 100 ms
		batch := make([]monitor.Event, 30)
		for i := range batch {
			kind := monitor.TurnedError
			if (tick+i)%2 == 1 {
				kind = monitor.Recovered
			}
			batch[i] = monitor.Event{Time: c.now(), ConnectorID: fmt.Sprintf("c%04d", (tick*30+i)%5000), Kind: kind, Name: "Shop"}
		}
		log.AckAll(c.now().Add(-time.Millisecond)) // everything before this batch
		if last, err = log.Append(batch); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(p); err == nil && st.Size() > largest {
			largest = st.Size()
		}
		c.add(100 * time.Millisecond)
	}
	if bound := 4 * lim.MaxBytes; largest > bound {
		t.Errorf("the log reached %d bytes, over %d", largest, bound)
	}
	evs, warns, err := log.Load()
	if err != nil || len(warns) > 0 {
		t.Fatal(err, warns)
	}
	if len(evs) == 0 || len(evs) > lim.MaxActions {
		t.Fatalf("Load: %d events, want 1–%d", len(evs), lim.MaxActions)
	}
	if evs[0].ID != last[len(last)-1].ID {
		t.Errorf("the newest event is not the last appended")
	}
	if !evs[len(evs)-1].Acked {
		t.Errorf("the oldest kept event lost its acknowledgement of all")
	}
}

// A huge log (left by an older version) is read from its tail only: Load
// returns the newest events and reads a bounded part of the file.
func TestHugeEventsLogIsReadFromItsTail(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	p := filepath.Join(dir, "events.jsonl")
	f, _ := os.Create(p)
	w := bufio.NewWriter(f)
	const n = 50000
	for i := range n {
		ev := monitor.Event{ID: fmt.Sprintf("e%05d", i), Time: t0.Add(time.Duration(i) * time.Second), ConnectorID: "c", Kind: monitor.Paused}
		b, _ := json.Marshal(eventRecord{Op: "event", Event: &ev, At: ev.Time})
		w.Write(append(b, '\n'))
	}
	w.Flush()
	f.Close()
	c.add(n * time.Second)
	st, _ := os.Stat(p)
	lim := Limits{MaxActions: 100, MaxBytes: 16 << 10}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	log, warns, err := OpenEvents(dir, lim, c.now)
	if err != nil || len(warns) > 0 {
		t.Fatal(err, warns)
	}
	evs, _, _ := log.Load()
	runtime.ReadMemStats(&after)
	if read := after.TotalAlloc - before.TotalAlloc; read > uint64(st.Size())/4 {
		t.Errorf("opening and loading a %d-byte log allocated %d bytes: it was read whole", st.Size(), read)
	}
	if len(evs) != 100 || evs[0].ID != fmt.Sprintf("e%05d", n-1) || evs[99].ID != fmt.Sprintf("e%05d", n-100) {
		t.Fatalf("Load: %d events, from %s", len(evs), evs[0].ID)
	}
	if st, _ := os.Stat(p); st.Size() > 2*lim.MaxBytes {
		t.Errorf("after opening, the log holds %d bytes", st.Size())
	}
}

// An acknowledgement read back says when it was made and by whom: its own
// ack, or the first "all" that covers the event; the connector's timeline
// lists it at that time.
func TestAcksReadBackWithTheirTimeAndUser(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	log, _, err := OpenEvents(dir, Limits{}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	got, err := log.Append([]monitor.Event{
		{Time: t0, ConnectorID: "c", Kind: monitor.TurnedError},
		{Time: t0.Add(time.Minute), ConnectorID: "c", Kind: monitor.Recovered},
		{Time: t0.Add(2 * time.Minute), ConnectorID: "c", Kind: monitor.Paused},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.add(time.Hour)
	if err := log.AckBy("alice", []string{got[1].ID}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	c.add(time.Hour)
	if err := log.AckBy("bob", nil, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	evs, _, err := log.Load()
	if err != nil || len(evs) != 3 {
		t.Fatalf("Load: %d events, %v", len(evs), err)
	}
	want := map[string]struct {
		at time.Time
		by string
	}{got[0].ID: {t0.Add(2 * time.Hour), "bob"}, got[1].ID: {t0.Add(time.Hour), "alice"}}
	for _, e := range evs {
		w, ok := want[e.ID]
		if e.Acked != ok || !e.AckedAt.Equal(w.at) || e.AckedBy != w.by {
			t.Errorf("%s: acked %v at %v by %q, want %v at %v by %q", e.Kind, e.Acked, e.AckedAt, e.AckedBy, ok, w.at, w.by)
		}
	}
}
