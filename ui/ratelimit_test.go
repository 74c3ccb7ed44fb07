package ui

// Rate limits: a 429 holds every read, a spent or low budget slows or
// holds polling, and budget readings expire.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/widget"
)

// A budget reading whose reset is far in the future holds requests back at
// most 15 minutes.
func TestFarFutureResetIsCapped(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: fakeConnectors(3),
		rate: api.RateLimit{Known: true, Limit: 100, Remaining: 0, Reset: time.Unix(9999999999, 0)}}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	if h := d.m.mon.HoldOff(); h <= 0 || h > monitor.MaxHold {
		t.Fatalf("hold = %s, want (0, %s]", h, monitor.MaxHold)
	}
}

// A reading without a reset time is good for one window, not forever.
func TestBudgetReadingWithoutResetExpires(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: fakeConnectors(3), rate: api.RateLimit{Known: true, Limit: 100, Remaining: 5}}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	if _, ok := d.m.mon.Budget(); !ok {
		t.Fatal("a fresh reading is not used")
	}
	f.mu.Lock()
	f.rate = api.RateLimit{}
	f.mu.Unlock()
	d.Advance(2 * time.Hour)
	if r, ok := d.m.mon.Budget(); ok {
		t.Fatalf("a 2-hour-old reading still counts: %+v", r)
	}
	if strings.Contains(d.View(), "API budget 5/100") {
		t.Fatal("the old budget is still on screen")
	}
}

// A 429 holds every request back for the wait it names (body, Retry-After,
// X-RateLimit-Reset, or a default minute): nothing is sent while the fake
// clock runs through the wait, the status bar counts it down, r and a sync
// send nothing and say why, and polling resumes by itself afterwards.
func TestRateLimitHoldsEveryRequestThenResumes(t *testing.T) {
	cases := []struct {
		name  string
		fault func(now time.Time) faultFunc
		wait  time.Duration
	}{
		{"retry_after_seconds in the body", func(time.Time) faultFunc {
			return respond(429, "application/json", `{"detail":"Rate limit exceeded","retry_after_seconds":30}`)
		}, 30 * time.Second},
		{"Retry-After header, no JSON", func(time.Time) faultFunc {
			return respond(429, "text/plain", "Too Many Requests", "Retry-After", "45")
		}, 45 * time.Second},
		{"documented body with error_code and a header disagreeing", func(time.Time) faultFunc {
			return respond(429, "application/json",
				`{"detail":"Rate limit exceeded","error_code":"RATE_LIMIT_EXCEEDED","retry_after_seconds":20}`, "Retry-After", "900")
		}, 20 * time.Second},
		{"X-RateLimit-Reset only", func(now time.Time) faultFunc {
			return respond(429, "application/json", `{"detail":"Rate limit exceeded"}`,
				"X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "0",
				"X-RateLimit-Reset", fmt.Sprint(now.Add(50*time.Second).Unix()))
		}, 50 * time.Second},
		{"no wait named", func(time.Time) faultFunc { return respond(429, "", "") }, 60 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			fs := newTestServer(t, clock, sandbox.Options{})
			d := startLoadedOn(t, fs, 160, 48)
			fs.set(firstOnly(onRoute("list", tc.fault(clock.Now()))))
			d.Key("r") // list (429) and detail (fine) go out now
			sent := fs.count()
			v := d.View()
			want := "rate limited · next request in " + widget.Duration(tc.wait)
			if !strings.Contains(v, want) {
				t.Fatalf("status bar does not say %q:\n%s", want, v)
			}
			// Through the wait, second by second: not one request.
			for s := 1; s < int(tc.wait/time.Second); s++ {
				d.Advance(time.Second)
				if got := fs.count(); got != sent {
					t.Fatalf("%d request(s) sent %ds into a %s rate-limit wait", got-sent, s, tc.wait)
				}
				if s == 10 {
					left := "next request in " + widget.Duration(tc.wait-10*time.Second)
					if !strings.Contains(d.View(), left) {
						t.Fatalf("countdown does not show %q 10s in:\n%s", left, d.View())
					}
					// r sends nothing and says why.
					d.Key("r")
					if fs.count() != sent {
						t.Fatalf("r sent a request during the rate-limit wait")
					}
					if !strings.Contains(d.View(), "rate limited: nothing sent") {
						t.Fatalf("r during the wait does not say why nothing happened:\n%s", d.View())
					}
					// A whole-catalog sync is refused too, with the reason.
					d.Key("S", "y")
					if fs.count("sync") != 0 {
						t.Fatalf("a sync was POSTed during the rate-limit wait")
					}
					if !strings.Contains(d.View(), "rate limited: nothing sent; try again in") {
						t.Fatalf("the refused sync does not say why:\n%s", d.View())
					}
				}
			}
			d.Advance(2 * time.Second)
			if fs.count("list") == 0 || fs.count() == sent {
				t.Fatalf("polling did not resume after the wait")
			}
			// Within one slowed-down list interval everything is fresh again,
			// and a budget reading whose window has reset is not shown.
			d.Advance(3 * time.Minute)
			v = d.View()
			if strings.Contains(v, "rate limited") || strings.Contains(v, "stale") || strings.Contains(v, "API budget 0") {
				t.Fatalf("still limited, stale or out of budget 3 minutes after the wait:\n%s", v)
			}
		})
	}
}

// A low X-RateLimit-Remaining slows polling down: fewer requests per fake
// minute than with a full budget, and the budget is on screen.
func TestLowRateBudgetSlowsPolling(t *testing.T) {
	perMinute := func(remaining int) (float64, string) {
		clock := newFakeClock()
		fs := newTestServer(t, clock, sandbox.Options{})
		fs.set(func(_ string, w http.ResponseWriter, _ *http.Request) bool {
			w.Header().Set("X-RateLimit-Limit", "100")
			w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(remaining))
			return false // the sandbox answers; the headers stay
		})
		// A low budget lengthens the selection's debounce:
		// the first detail arrives after it.
		d := newDriver(t, testOptions(fs.client, fs.clock), fs.clock, 160, 48)
		d.Advance(2 * time.Second)
		if d.m.detail.Data() == nil {
			t.Fatalf("dashboard did not load:\n%s", d.View())
		}
		start := fs.count()
		d.Advance(20 * time.Minute)
		return float64(fs.count()-start) / 20, d.View()
	}
	full, _ := perMinute(100)
	low, v := perMinute(5)
	t.Logf("requests per minute: full budget %.1f, 5/100 left %.1f", full, low)
	if full < 6 {
		t.Fatalf("with a full budget the dashboard polls %.1f/min, expected about 8", full)
	}
	if low*3 > full {
		t.Fatalf("a budget of 5/100 left does not slow polling: %.1f/min vs %.1f/min", low, full)
	}
	if !strings.Contains(v, "API budget 5/100") {
		t.Fatalf("the budget left is not on screen:\n%s", v)
	}
}
