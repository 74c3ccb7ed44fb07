package accounts

import (
	"context"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/internal/fakeclock"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// The account on screen is polled by its watch and by the dashboard's
// monitor, both asking for the first page every list refresh: they share
// one answer. The dashboard's first page, asked just after the watch's,
// costs no request; and over a window of ten intervals in which each
// asks once an interval (the watch at its start, the dashboard 7 s
// later), the server is asked at most once an interval, not twice.
func TestTheAccountOnScreenAsksItsFirstPageOnceForItsWatchAndItsDashboard(t *testing.T) {
	acme := newCustomer(t, "acme", "pm_test_acme", sandbox.Current, 120, 0, 0)
	clock := fakeclock.New(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(context.Background())
	// The watch's own timers are real: an hour keeps its next poll out
	// of the test, whose window moves on the fake clock.
	w := Start(ctx, specs(t, acme), 0, Options{Now: clock.Now, ListRefresh: time.Hour})
	t.Cleanup(func() { cancel(); w.Wait() })
	s, err := w.Specs()[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	const perPage, every = 50, 30 * time.Second
	waitFor(t, "the watch's first page", func() bool { return acme.pageAsked(1, perPage) == 1 })

	firstPage := func() {
		t.Helper()
		// As the dashboard's monitor asks it: its list refresh is how old
		// an answer may be.
		res := shared.Read(ctx, s.API, monitor.Request{Kind: monitor.KindPage, Page: 1, PerPage: perPage, Fresh: every})
		if res.Err != nil || len(res.Items) != perPage {
			t.Fatalf("the first page: %d items, %v", len(res.Items), res.Err)
		}
	}
	clock.Advance(2 * time.Second)
	firstPage()
	if n := acme.pageAsked(1, perPage); n != 1 {
		t.Fatalf("the first page was asked %d times by the watch and the dashboard at start, want once", n)
	}

	const intervals = 10
	for range intervals {
		clock.Advance(every - 7*time.Second)
		firstPage() // the watch's
		clock.Advance(7 * time.Second)
		firstPage() // the dashboard's
	}
	if n := acme.pageAsked(1, perPage) - 1; n > intervals {
		t.Errorf("the first page was asked %d times in %d intervals, want at most one an interval", n, intervals)
	}
}
