package accounts

import (
	"context"
	"slices"
	"testing"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/monitor"
)

// fleetIDs are the connector ids of a published index.
func fleetIDs(v *monitor.FleetView) []string {
	if v == nil {
		return nil
	}
	mon := monitor.New(monitor.Options{Fleet: fixed{v}})
	var ids []string
	mon.Store().Each(func(c api.Connector) { ids = append(ids, c.ID) })
	slices.Sort(ids)
	return ids
}

type fixed struct{ v *monitor.FleetView }

func (f fixed) Fleet() *monitor.FleetView { return f.v }

// Each watched account's row carries its own index, as its watch
// published it: every connector of its own server and none of another's
// (a merged list across accounts is built from these), the account on
// screen too (its watch runs on; the dashboard's monitor reads its index).
func TestEachWatchedAccountsRowCarriesItsOwnIndex(t *testing.T) {
	acme := newCustomer(t, "acme", "pm_test_acme", sandbox.Current, 4, 0, 0)
	globex := newCustomer(t, "globex", "pm_test_globex", sandbox.Seed, 30, 5, 3)
	initech := newCustomer(t, "initech", "pm_test_initech", sandbox.Current, 7, 0, 2)
	ctx, cancel := context.WithCancel(context.Background())
	w := Start(ctx, specs(t, acme, globex, initech), 0, Options{})
	t.Cleanup(func() { cancel(); w.Wait() })
	waitFor(t, "every account indexed", func() bool { return indexed(w, 0) && indexed(w, 1) && indexed(w, 2) })
	waitFor(t, "their indexes published whole", func() bool {
		rows := w.Snapshot().Rows
		return len(fleetIDs(rows[0].Fleet)) == 4 && len(fleetIDs(rows[1].Fleet)) == 30 && len(fleetIDs(rows[2].Fleet)) == 7
	})
	rows := w.Snapshot().Rows
	for i, c := range []*customer{acme, globex, initech} {
		want := slices.Clone(c.sb.IDs())
		slices.Sort(want)
		if got := fleetIDs(rows[i].Fleet); !slices.Equal(got, want) {
			t.Errorf("%s's index: %v, want its own server's %v", c.name, got, want)
		}
	}
}
