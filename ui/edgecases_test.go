package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
)

// fakeAPI answers from fixed connectors and records what was asked.
type fakeAPI struct {
	mu       sync.Mutex
	items    []api.Connector
	metaPage int // what meta.page says, whatever was asked (0: the truth)
	rate     api.RateLimit
	asked    []string // ids asked for with GetConnector
	posts    int
}

func (f *fakeAPI) ListConnectors(_ context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	total := len(f.items)
	from, to := min((page-1)*perPage, total), min(page*perPage, total)
	mp := page
	if f.metaPage != 0 {
		mp = f.metaPage
	}
	pages := (total + perPage - 1) / perPage
	return &api.ConnectorPage{Items: append([]api.Connector(nil), f.items[from:to]...),
			Meta: api.PageMeta{Total: total, Page: mp, PerPage: perPage, TotalPages: pages, HasNext: page < pages}},
		&api.Response{StatusCode: 200, Rate: f.rate}, nil
}

func (f *fakeAPI) GetConnector(_ context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, id)
	for _, c := range f.items {
		if c.ID == id {
			return &api.ConnectorDetail{Connector: c}, &api.Response{StatusCode: 200, Rate: f.rate}, nil
		}
	}
	return nil, &api.Response{StatusCode: 404}, &api.APIError{StatusCode: 404, Detail: "Connector not found"}
}

func (f *fakeAPI) SyncEANs(context.Context, string, []string) (*api.SyncResult, *api.Response, error) {
	f.mu.Lock()
	f.posts++
	f.mu.Unlock()
	return &api.SyncResult{SyncID: "s1", Status: "queued", ProductsQueued: 1}, &api.Response{StatusCode: 202}, nil
}

func (f *fakeAPI) SyncCatalog(ctx context.Context, id string) (*api.SyncResult, *api.Response, error) {
	return f.SyncEANs(ctx, id, nil)
}

func (f *fakeAPI) TestConnector(context.Context, string) (*api.TestResult, *api.Response, error) {
	return &api.TestResult{}, &api.Response{StatusCode: 200}, nil
}

func fakeConnectors(n int) []api.Connector {
	out := make([]api.Connector, n)
	for i := range out {
		out[i] = api.Connector{ID: "c" + itoa(i), Name: "Shop " + itoa(i), Platform: "shopify", Status: "active"}
	}
	return out
}

// An id is used as the server sent it: neutralising it for display must not
// change what is requested (a zero-width space would become "<U+200B>").
func TestRawIDsAddressRequests(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: []api.Connector{{ID: "abc\u200bdef", Name: "Odd id", Status: "active"}}}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	d.Advance(time.Second)
	if len(f.asked) == 0 || f.asked[0] != "abc\u200bdef" {
		t.Fatalf("asked for %q, want the raw id", f.asked)
	}
	if d.m.detail.gone || !strings.Contains(d.View(), "abc<U+200B>def") {
		t.Fatalf("the odd id is not fetched and shown neutralised:\n%s", d.View())
	}
}

// "Sy" read at once: the catalog question opens, and the y typed ahead does
// not answer it unseen.
func TestTypeAheadDoesNotAnswerAQuestion(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: fakeConnectors(3)}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	d.Type("Sy")
	if f.posts != 0 || d.m.question() == nil {
		t.Fatalf("posts = %d, dialog open = %v; want 0 and the question shown", f.posts, d.m.question() != nil)
	}
}

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

// A server whose meta.page always says 1: the page shown is the page asked
// for, and a refresh of page 2 keeps the selection.
func TestPageShownIsThePageAskedFor(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: fakeConnectors(120), metaPage: 1}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	d.Key("]")
	d.Key("j", "j")
	sel, _ := d.m.list.Selected()
	d.Advance(31 * time.Second) // a list refresh
	after, _ := d.m.list.Selected()
	if after.ID != sel.ID || !strings.Contains(d.View(), "page 2/3") {
		t.Fatalf("after a refresh: selected %s (was %s); view:\n%s", after.ID, sel.ID, d.View())
	}
}

// Scrolling the detail stops at its end, so the way back is one key.
func TestDetailScrollStopsAtTheEnd(t *testing.T) {
	clock := newFakeClock()
	c, sb := newSandbox(t, clock, sandbox.Options{})
	long := strings.Repeat("the platform said no; ", 40) // about 12 wrapped lines
	sb.SetLastError(sb.IDs()[0], &long)
	d := newDriver(t, testOptions(c, clock), clock, 80, 24)
	d.Advance(time.Second)
	d.Key("tab")
	for range 30 {
		d.Key("j")
	}
	end := d.m.detail.offset
	d.Key("k")
	if end == 0 || end >= 30 || d.m.detail.offset != end-1 {
		t.Fatalf("offset %d after 30 downs, %d after one up", end, d.m.detail.offset)
	}
}

// Data shown from the cache says so until a fresh answer arrives.
func TestCachedDetailIsLabelled(t *testing.T) {
	clock := newFakeClock()
	f := &fakeAPI{items: fakeConnectors(3)}
	d := newDriver(t, testOptions(f, clock), clock, 160, 48)
	d.Advance(time.Second) // c0 fetched
	d.Key("j")
	d.Advance(time.Second) // c1 fetched
	d.Advance(20 * time.Minute)
	d.Key("k") // back to c0: its 20-minute-old detail is shown at once
	if v := d.View(); !strings.Contains(v, "cached · 20m ago") {
		t.Fatalf("cached detail not labelled:\n%s", v)
	}
	d.Advance(time.Second)
	if v := d.View(); strings.Contains(v, "cached") || !strings.Contains(v, "live · every") {
		t.Fatalf("still labelled cached after a fresh answer:\n%s", v)
	}
}
