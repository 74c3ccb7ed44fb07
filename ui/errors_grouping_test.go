package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// Five connectors rejected for "missing price" on five platforms are one
// group of five in the errors view, which names the five platforms: not
// five groups of one.
func TestErrorsViewGroupsOneCauseAcrossPlatforms(t *testing.T) {
	platforms := []string{"shopify", "magento", "woocommerce", "etsy", "shopware"}
	f := &lastErrorAPI{fakeAPI: &fakeAPI{items: fakeConnectors(8)}, errs: map[string]string{}}
	for i, p := range platforms {
		f.items[i].Platform, f.items[i].Status = p, "error"
		f.errs[f.items[i].ID] = "Product 40" + itoa(i) + "7 rejected: missing price"
	}
	clock := newFakeClock()
	o := testOptions(f, clock)
	o.NoIndex = false
	d := newDriver(t, o, clock, 120, 40)
	d.Advance(2 * time.Minute)
	if known, waiting := d.m.mon.Failures(); len(known) != 5 || len(waiting) != 0 {
		t.Fatalf("%d last_errors known, %d waiting; want 5, 0", len(known), len(waiting))
	}
	d.Key("e")
	view := d.View()
	if !strings.Contains(view, "1 cause") {
		t.Errorf("the view does not count one cause:\n%s", view)
	}
	if !strings.Contains(view, "✗ 5 × Product <n> rejected: missing price") {
		t.Errorf("no group of five for the one cause:\n%s", view)
	}
	if !strings.Contains(view, "on etsy 1, magento 1, shopify 1, shopware 1, woocommerce 1") {
		t.Errorf("the group does not list its platforms:\n%s", view)
	}
}

// lastErrorAPI is fakeAPI whose details carry a last_error.
type lastErrorAPI struct {
	*fakeAPI
	errs map[string]string
}

func (f *lastErrorAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	d, r, err := f.fakeAPI.GetConnector(ctx, id)
	if e, ok := f.errs[id]; ok && d != nil {
		d.SyncStats.LastError = &e
	}
	return d, r, err
}
