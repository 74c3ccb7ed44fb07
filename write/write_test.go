package write

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
)

// counting is a client that counts the POSTs it is asked to send.
type counting struct{ posts int }

func (c *counting) SyncEANs(context.Context, string, []string) (*api.SyncResult, *api.Response, error) {
	c.posts++
	return &api.SyncResult{SyncID: "s", Status: "queued", ProductsQueued: 1}, &api.Response{}, nil
}
func (c *counting) SyncCatalog(context.Context, string) (*api.SyncResult, *api.Response, error) {
	c.posts++
	return &api.SyncResult{SyncID: "s", Status: "queued", ProductsQueued: 9}, &api.Response{}, nil
}
func (c *counting) TestConnector(context.Context, string) (*api.TestResult, *api.Response, error) {
	c.posts++
	return &api.TestResult{Message: "ok"}, &api.Response{}, nil
}

func TestAWriteWhoseIntentCannotBeRecordedIsNotSent(t *testing.T) {
	dir := t.TempDir()
	h, _, err := history.Open(dir, "a", history.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The state folder becomes unwritable under the open store.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a folder"), 0o400); err != nil {
		t.Fatal(err)
	}
	for name, w := range map[string]Writer{
		"no history":         {History: nil, NoHistory: errors.New("mkdir: permission denied")},
		"unwritable history": {History: h},
	} {
		c := &counting{}
		w.API = c
		for _, o := range []Outcome{w.Sync(context.Background(), Sync{ConnectorID: "c1", EANs: []string{"4006381333931"}}),
			w.Sync(context.Background(), Sync{ConnectorID: "c1", Catalog: true}), w.Test(context.Background(), "c1", "")} {
			var nr *NotRecordedError
			if o.Sent || !errors.As(o.Err, &nr) || !strings.HasPrefix(o.Err.Error(), "not sent") {
				t.Errorf("%s: sent %v, err %v; want not sent", name, o.Sent, o.Err)
			}
		}
		if c.posts != 0 {
			t.Errorf("%s: %d POSTs", name, c.posts)
		}
	}
}

func TestAWriteIsRecordedBeforeAndAfter(t *testing.T) {
	h, _, err := history.Open(t.TempDir(), "a", history.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &counting{}
	o := Writer{API: c, History: h, User: "ann"}.Sync(context.Background(), Sync{ConnectorID: "c1", ConnectorName: "Shop", Catalog: true})
	if !o.Sent || o.Err != nil || c.posts != 1 {
		t.Fatalf("sent %v, err %v, %d POSTs", o.Sent, o.Err, c.posts)
	}
	acts, _, err := h.Actions()
	if err != nil || len(acts) != 1 || acts[0].Outcome != history.OutcomeQueued || acts[0].Queued == nil || *acts[0].Queued != 9 || acts[0].User != "ann" {
		t.Errorf("history %+v, %v", acts, err)
	}
}
