package monitor

import (
	"context"
	"testing"
	"time"
)

// The API is down at the second read in a row that fails, whichever target
// asked: the selected connector's 2 s polls say so long before the page on
// screen's 30 s ones would. One good answer says it is back.
func TestOutageIsTheSecondFailedReadOfAnyTarget(t *testing.T) {
	m, c := newTest(t)
	var h HealthWatch
	m.Apply(pageOK(oneRequest(t, m.Start()), conn("a")))
	d := oneRequest(t, m.Select("a", false))
	m.Apply(detailOK(d, 500))
	if evs := h.Observe(c.Now(), m); len(evs) != 0 {
		t.Fatalf("events while all is well: %+v", evs)
	}
	timeout := &timeoutError{}
	for i := 1; i <= 2; i++ {
		c.Advance(2 * time.Second)
		d = oneRequest(t, wakeNow(m, SelectedTarget))
		m.Apply(failed(d, timeout))
		evs := h.Observe(c.Now(), m)
		switch {
		case i == 1 && len(evs) != 0:
			t.Fatalf("an outage after one failed read: %+v", evs)
		case i == 2 && (len(evs) != 1 || evs[0].Kind != APIDown):
			t.Fatalf("after two failed reads in a row, events %+v, want api_down", evs)
		}
	}
	if m.Target(PageTarget).Failures != 0 {
		t.Fatal("the page on screen failed too: the test proves nothing")
	}
	c.Advance(2 * time.Second)
	m.Apply(detailOK(oneRequest(t, wakeNow(m, SelectedTarget)), 400))
	if evs := h.Observe(c.Now(), m); len(evs) != 1 || evs[0].Kind != APIUp {
		t.Fatalf("after a good answer, events %+v, want api_up", evs)
	}
}

// wakeNow asks target ti now, as its timer would.
func wakeNow(m *Monitor, ti TargetID) Plan {
	return m.Wake(Timer{Epoch: m.epoch, Target: ti, Gen: m.targets[ti].gen})
}

type timeoutError struct{}

func (*timeoutError) Error() string { return "Get \"…\": context deadline exceeded" }
func (*timeoutError) Unwrap() error { return context.DeadlineExceeded }
