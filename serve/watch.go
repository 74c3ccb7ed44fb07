package serve

import (
	"context"

	"github.com/pixee/pixee-tui/api"
)

// Each account has a watch (shared.Watch): its own monitor, with no
// screen, that keeps the account indexed and its first page polled and
// publishes what changes to the hub, whether anyone is connected or not.
// So the team's events are recorded through the night, the shift handover
// ("since you last looked") means something, and every session's crawl is
// served by this one's answers (its requests accept answers as old as a
// crawl's rest).

// readsOnly is the shared reads as a monitor.API that refuses every write:
// what the watch reads through (as nobody: no user's limit). It reads no
// jobs: the watch has no connector selected.
type readsOnly struct{ reads *reads }

func (r readsOnly) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	return r.reads.ListConnectors(ctx, page, perPage)
}

func (r readsOnly) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	return r.reads.GetConnector(ctx, id)
}

func (readsOnly) SyncEANs(context.Context, string, []string) (*api.SyncResult, *api.Response, error) {
	return nil, nil, api.ErrReadOnly
}

func (readsOnly) SyncCatalog(context.Context, string) (*api.SyncResult, *api.Response, error) {
	return nil, nil, api.ErrReadOnly
}

func (readsOnly) TestConnector(context.Context, string) (*api.TestResult, *api.Response, error) {
	return nil, nil, api.ErrReadOnly
}
