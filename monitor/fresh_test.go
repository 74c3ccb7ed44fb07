package monitor

import (
	"context"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/internal/fakeclock"
)

// Each request says how old a shared answer may be: its target's poll
// interval; a refresh a person asked for accepts none.
func TestRequestsCarryTheirFreshness(t *testing.T) {
	m, _ := newTest(t)
	r := oneRequest(t, m.Start())
	if r.Fresh != m.Options().ListRefresh {
		t.Fatalf("page request Fresh = %v, want the list refresh %v", r.Fresh, m.Options().ListRefresh)
	}
	m.Apply(pageOK(r, conn("a")))
	d := oneRequest(t, m.Select("a", false))
	if d.Fresh != m.Options().IdleRefresh {
		t.Fatalf("detail request Fresh = %v, want the idle refresh %v", d.Fresh, m.Options().IdleRefresh)
	}
	m.Apply(detailOK(d, 40)) // a sync is draining: polled fast from now
	p, _ := m.Refresh()
	reqs, _ := split(p)
	if len(reqs) == 0 {
		t.Fatal("refresh asked for nothing")
	}
	for _, q := range reqs {
		if q.Fresh != 0 {
			t.Fatalf("refresh request %+v accepts a shared answer", q)
		}
	}
	if got := FreshOf(WithFresh(context.Background(), 3*time.Second)); got != 3*time.Second {
		t.Fatalf("FreshOf = %v", got)
	}
	if got := FreshOf(context.Background()); got != 0 {
		t.Fatalf("FreshOf(no value) = %v", got)
	}
}

// An answer a shared reader already had counts its age from when it was
// received, not from when it was handed over: the age shown never lies.
func TestSharedAnswerKeepsItsAge(t *testing.T) {
	m, c := newTest(t)
	r := oneRequest(t, m.Start())
	m.Apply(pageOK(r, conn("a")))
	d := oneRequest(t, m.Select("a", false))
	c.Advance(10 * time.Second)
	res := detailOK(d, 0)
	res.At = c.Now().Add(-7 * time.Second)
	m.Apply(res)
	if got := m.Target(SelectedTarget).LastOK; !got.Equal(res.At) {
		t.Fatalf("LastOK = %v, want the answer's time %v", got, res.At)
	}
	if _, at := m.Cached("a"); !at.Equal(res.At) {
		t.Fatalf("cached at %v, want %v", at, res.At)
	}
	// A time from the future (another clock) is clamped to now.
	d = oneRequest(t, m.Select("", false).Then(m.Select("a", false)))
	res = detailOK(d, 0)
	res.At = c.Now().Add(time.Hour)
	m.Apply(res)
	if got := m.Target(SelectedTarget).LastOK; !got.Equal(c.Now()) {
		t.Fatalf("LastOK = %v, want now %v", got, c.Now())
	}
}

// A shared answer about a connector in error counts as seen when it was
// received: every session holding it rechecks it at the same time, so one
// request serves them all again.
func TestSharedErrorDetailSeenWhenReceived(t *testing.T) {
	m, c := newTest(t)
	r := oneRequest(t, m.Start())
	bad := conn("a")
	bad.Status = StatusError
	m.Apply(pageOK(r, bad))
	d := oneRequest(t, m.Select("a", false))
	c.Advance(time.Minute)
	res := detailOK(d, 0)
	res.Detail.Connector = bad
	res.At = c.Now().Add(-20 * time.Minute)
	m.Apply(res)
	if e := m.index.errs["a"]; e == nil || !e.lastSeen.Equal(res.At) {
		t.Fatalf("error seen at %+v, want the answer's time %v", e, res.At)
	}
}

// The next poll after a shared answer comes an interval after the answer
// was received, not after it was handed over.
func TestNextPollCountsFromTheAnswersTime(t *testing.T) {
	m, c := newTest(t)
	r := oneRequest(t, m.Start())
	res := pageOK(r, conn("a"))
	res.At = c.Now().Add(-20 * time.Second)
	out := m.Apply(res)
	var timer *Timer
	for _, s := range out.Plan {
		if s.Timer != nil && s.Timer.Target == PageTarget {
			timer = s.Timer
		}
	}
	if timer == nil {
		t.Fatalf("no page timer in %+v", out.Plan)
	}
	if want := m.Options().ListRefresh - 20*time.Second; timer.After != want {
		t.Fatalf("next page poll after %v, want %v", timer.After, want)
	}
}

// An answer older than the one the store holds changes nothing: a session
// handed an old shared page never goes back in time, nor alerts on it.
func TestStoreNeverGoesBackInTime(t *testing.T) {
	s := newStore(CadenceOptions{})
	now := epoch0
	active, failed := conn("a"), conn("a")
	failed.Status = StatusError
	s.put(active, now, nil)
	if ch := s.put(failed, now.Add(-4*time.Minute), nil); len(ch) != 0 {
		t.Fatalf("an older answer changed the store: %+v", ch)
	}
	if c, _ := s.Get("a"); c.Status != "active" {
		t.Fatalf("status %q, want the newer answer's", c.Status)
	}
	if ch := s.put(failed, now.Add(time.Second), nil); len(ch) != 1 {
		t.Fatalf("a newer answer: %+v, want one change", ch)
	}
}

type fleetHolder struct{ v *FleetView }

func (h *fleetHolder) Fleet() *FleetView { return h.v }

// A monitor reading another's index reports it — state, counts, failures,
// the store — and does not crawl; the view published is a copy that later
// changes of its monitor do not touch.
func TestMonitorReadsAnothersIndex(t *testing.T) {
	clock := fakeclock.New(epoch0)
	c, _ := sandboxClient(t, clock, sandbox.Options{})
	r := newRunner(t, c, clock, Options{})
	r.do(r.m.Start())
	r.advance(3 * time.Minute)
	src := &fleetHolder{}
	reader := New(Options{API: c, Now: clock.Now, Crawl: true, Fleet: src})
	if _, on := reader.CrawlTarget(); on {
		t.Fatal("a monitor reading another's index crawls too")
	}
	if reader.Index().On {
		t.Fatal("an index before any is published")
	}
	src.v = r.m.PublishFleet()
	if got, want := reader.Index(), r.m.Index(); got != want {
		t.Fatalf("index %+v, want the publisher's %+v", got, want)
	}
	if reader.Counts() != r.m.Counts() || reader.Store().Len() != r.m.Store().Len() || reader.FleetVersion() != r.m.FleetVersion() {
		t.Fatal("counts, store or version differ from the publisher's")
	}
	known, _ := reader.Failures()
	if k, _ := r.m.Failures(); len(known) != len(k) || len(k) == 0 {
		t.Fatalf("%d failures known, want the publisher's %d", len(known), len(k))
	}
	var id string
	r.m.Store().Each(func(c api.Connector) { id = c.ID })
	gone := r.m.store.remove(id, nil)
	if len(gone) != 1 {
		t.Fatal("remove")
	}
	if _, ok := reader.Store().Get(id); !ok {
		t.Fatal("a change of the publisher reached a view already published")
	}
}
