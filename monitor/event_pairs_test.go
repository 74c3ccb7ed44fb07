package monitor

import "testing"

// A state and its way back share one pair, which the hubs that merge
// several sources' events key repeats by; kinds without a way back have
// none.
func TestAStateAndItsWayBackShareAPair(t *testing.T) {
	for _, pr := range [][2]EventKind{{TurnedError, Recovered}, {Paused, Resumed}, {Appeared, Disappeared},
		{KeyRefused, KeyAccepted}, {APIDown, APIUp}, {TurnedLate, LateRecovered}} {
		if pr[0].Pair() == "" || pr[0].Pair() != pr[1].Pair() {
			t.Errorf("%s and %s: pairs %q and %q", pr[0], pr[1], pr[0].Pair(), pr[1].Pair())
		}
	}
	if TurnedError.Pair() == TurnedLate.Pair() {
		t.Errorf("error and late share a pair")
	}
	for _, k := range []EventKind{SyncSent, SyncDrained, SlowRun} {
		if k.Pair() != "" {
			t.Errorf("%s has pair %q", k, k.Pair())
		}
	}
}
