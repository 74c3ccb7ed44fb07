package shared

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
)

// fakeAPI answers reads through get; its writes must never be called.
type fakeAPI struct {
	t   *testing.T
	get func(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error)
}

func (f fakeAPI) ListConnectors(context.Context, int, int) (*api.ConnectorPage, *api.Response, error) {
	return &api.ConnectorPage{Items: []api.Connector{{ID: "a", Name: "Shop\x1b[31m A"}}}, nil, nil
}

func (f fakeAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	return f.get(ctx, id)
}

func (f fakeAPI) SyncEANs(context.Context, string, []string) (*api.SyncResult, *api.Response, error) {
	f.t.Fatal("the driver sent a write")
	return nil, nil, nil
}

func (f fakeAPI) SyncCatalog(context.Context, string) (*api.SyncResult, *api.Response, error) {
	f.t.Fatal("the driver sent a write")
	return nil, nil, nil
}

func (f fakeAPI) TestConnector(context.Context, string) (*api.TestResult, *api.Response, error) {
	f.t.Fatal("the driver sent a write")
	return nil, nil, nil
}

// A read that panics is that read's failed result, for the dashboard and
// a team server's watch alike: neither goes down with it.
func TestDriverReadThatPanicsIsAFailedResult(t *testing.T) {
	d := NewDriver(fakeAPI{t: t, get: func(context.Context, string) (*api.ConnectorDetail, *api.Response, error) {
		panic("odd data")
	}})
	r := monitor.Request{Kind: monitor.KindConnector, ID: "a", Seq: 3}
	j := d.Job(context.Background(), monitor.Step{Request: r})
	if j.Read == nil || j.Timer != nil || j.Write != nil {
		t.Fatalf("a read became %+v", j)
	}
	res := j.Read()
	var pe *PanicError
	if !errors.As(res.Err, &pe) || res.Request.Seq != 3 || !strings.Contains(res.Err.Error(), "internal error while loading connector: odd data") {
		t.Fatalf("result %+v, error %v", res, res.Err)
	}
}

// The monitor's cancel ends the read it names, and only it; a write is
// handed back to the caller's write path, never sent by the driver.
func TestDriverCancelsTheReadTheMonitorAbandonsAndLeavesWritesToTheCaller(t *testing.T) {
	started := make(chan string, 2)
	d := NewDriver(fakeAPI{t: t, get: func(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
		started <- id
		<-ctx.Done()
		return nil, nil, ctx.Err()
	}})
	ra := monitor.Request{Kind: monitor.KindConnector, ID: "a", Target: monitor.SelectedTarget, Seq: 1}
	rb := monitor.Request{Kind: monitor.KindConnector, ID: "b", Target: monitor.SelectedTarget, Seq: 2}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make(chan monitor.Result, 2)
	for _, r := range []monitor.Request{ra, rb} {
		j := d.Job(ctx, monitor.Step{Request: r})
		go func() { results <- j.Read() }()
		<-started
	}
	d.Job(ctx, monitor.Step{Cancel: &ra})
	select {
	case res := <-results:
		if res.Request.ID != "a" || !errors.Is(res.Err, context.Canceled) {
			t.Fatalf("the cancel ended %+v", res)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the abandoned read was not cancelled")
	}
	select {
	case res := <-results:
		t.Fatalf("a read nobody abandoned ended: %+v", res)
	default:
	}
	d.CancelAll()
	if res := <-results; res.Request.ID != "b" {
		t.Fatalf("CancelAll ended %+v", res)
	}
	w := monitor.Request{Kind: monitor.KindSyncEANs, ID: "a", EANs: []string{"4006381333931"}}
	if j := d.Job(ctx, monitor.Step{Request: w}); j.Write == nil || j.Write.ID != "a" || j.Read != nil {
		t.Fatalf("a write became %+v", j)
	}
}

// A page's names are neutralised where they enter the program.
func TestDriverReadNeutralisesWhatTheServerSaid(t *testing.T) {
	d := NewDriver(fakeAPI{t: t})
	res := d.Job(context.Background(), monitor.Step{Request: monitor.Request{Kind: monitor.KindPage, Page: 1, PerPage: 50}}).Read()
	if res.Err != nil || len(res.Items) != 1 || strings.Contains(res.Items[0].Name, "\x1b") {
		t.Fatalf("page %+v, err %v", res.Items, res.Err)
	}
}
