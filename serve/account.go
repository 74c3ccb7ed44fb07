package serve

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// Account is an account the server offers: a profile of the config file.
// Open reads its key and builds its client, history and events log; the
// server calls it once, the first time a session needs the account.
type Account struct {
	ID         string // what its history is filed under (the profile's id): notify: routes and the metrics' account label name it so
	Name, Host string
	Open       func() (shared.Account, error)
}

// account is an opened account, shared by every session: one client (the
// key stays in it, on the server), one set of reads, one events hub.
type account struct {
	spec    Account
	index   int
	base    shared.Account // the client and the account's state as opened
	reads   *reads
	hub     *shared.EventStream // the account's events, kept once for every session
	limiter *limiter
	fleet   atomic.Pointer[monitor.FleetView] // the watch's index, for the sessions
	watched bool                              // a watch runs: sessions read its index
	inspect chan func(*monitor.Monitor)       // the watch's monitor, for a metrics scrape

	mu      sync.Mutex
	summary shared.Summary // the watch's latest, for the home screens
}

// home is the account's row for a home screen: the watch's summary and
// the events nobody acknowledged.
func (a *account) home() (shared.Summary, int) {
	a.mu.Lock()
	s := a.summary
	a.mu.Unlock()
	return s, a.hub.Unacked()
}

func (a *account) setSummary(s shared.Summary) {
	a.mu.Lock()
	a.summary = s
	a.mu.Unlock()
}

// Fleet is the watch's latest index of the account (monitor.FleetSource).
func (a *account) Fleet() *monitor.FleetView { return a.fleet.Load() }

// opener opens an account once, however many sessions ask at once; an
// opening that failed (a key command that timed out) is tried again by the
// next session that asks.
type opener struct {
	mu     sync.Mutex
	a      *account
	failed bool // the last opening failed (its reason is in the server's log)
}

// sessionFor is the account as one user's session sees it: shared reads,
// and writes that only an operator may send, within the user's limit.
func (a *account) sessionFor(u config.ServeUser, s *sink) shared.Account {
	if s != nil {
		a.hub.Subscribe(s)
	}
	var fleet monitor.FleetSource
	if a.watched {
		fleet = a // one index for every session, not one each
	}
	role := u.RoleOn(a.spec.ID) // a user's role may differ by account
	return shared.Account{
		Fleet:      fleet,
		API:        &userAPI{account: a, user: u},
		History:    a.base.History,
		Events:     a.base.Events,
		Hub:        userHub{EventStream: a.hub, user: u.Name, mayWrite: role.MayWrite()},
		ReadOnly:   a.base.ReadOnly || !role.MayWrite(),
		HistoryErr: a.base.HistoryErr,
		PerPage:    a.base.PerPage,
		Refresh:    a.base.Refresh,
		// base.Warnings (a key file others can read) name the server's
		// files: they went to the server's log when it opened.
	}
}

// userAPI is what one user's dashboard calls: reads go through the
// account's shared reads; writes are checked here, on the server, whatever
// the dashboard shows.
type userAPI struct {
	account *account
	user    config.ServeUser
}

func (u *userAPI) ListConnectors(ctx context.Context, page, perPage int) (*api.ConnectorPage, *api.Response, error) {
	return u.account.reads.ListConnectors(asUser(ctx, u.user.Name), page, perPage)
}

func (u *userAPI) GetConnector(ctx context.Context, id string) (*api.ConnectorDetail, *api.Response, error) {
	return u.account.reads.GetConnector(asUser(ctx, u.user.Name), id)
}

// ListJobs reads a connector's jobs through the shared reads.
func (u *userAPI) ListJobs(ctx context.Context, id string) ([]api.Job, *api.Response, error) {
	return u.account.reads.ListJobs(asUser(ctx, u.user.Name), id)
}

func (u *userAPI) SyncEANs(ctx context.Context, id string, eans []string) (*api.SyncResult, *api.Response, error) {
	if err := u.mayWrite(); err != nil {
		return nil, nil, err
	}
	defer u.account.reads.Wrote()
	return u.account.base.API.SyncEANs(ctx, id, eans)
}

func (u *userAPI) SyncCatalog(ctx context.Context, id string) (*api.SyncResult, *api.Response, error) {
	if err := u.mayWrite(); err != nil {
		return nil, nil, err
	}
	defer u.account.reads.Wrote()
	return u.account.base.API.SyncCatalog(ctx, id)
}

func (u *userAPI) TestConnector(ctx context.Context, id string) (*api.TestResult, *api.Response, error) {
	if err := u.mayWrite(); err != nil {
		return nil, nil, err
	}
	defer u.account.reads.Wrote()
	return u.account.base.API.TestConnector(ctx, id)
}

func (u *userAPI) mayWrite() error {
	if !u.user.RoleOn(u.account.spec.ID).MayWrite() {
		return &WatcherError{User: u.user.Name, Account: u.account.spec.Name}
	}
	if wait := u.account.limiter.take(u.user.Name); wait > 0 {
		return &LimitError{User: u.user.Name, Limit: u.account.limiter.n, Wait: wait}
	}
	return nil
}

// WatcherError is a write asked by a user with the watch role: refused by
// the server, nothing sent.
type WatcherError struct{ User, Account string }

func (e *WatcherError) Error() string {
	on := "this team server"
	if e.Account != "" {
		on = e.Account + " on this team server"
	}
	return "not sent: " + e.User + " has the watch role on " + on + "; syncs and tests need operate"
}

// Is makes it an api.ErrReadOnly: nothing left.
func (e *WatcherError) Is(target error) bool { return target == api.ErrReadOnly }

// LimitError is a write beyond a user's share of the writes: refused,
// nothing sent.
type LimitError struct {
	User  string
	Limit int
	Wait  time.Duration
}

func (e *LimitError) Error() string {
	// The wait first: a status bar cuts what does not fit.
	return fmt.Sprintf("not sent: next allowed in %s · %s has sent %d syncs or tests in the last minute, the most one person may on this team server",
		max(e.Wait.Round(time.Second), time.Second), e.User, e.Limit)
}

// limiter allows each user n writes in any minute.
type limiter struct {
	n   int
	now func() time.Time

	mu   sync.Mutex
	sent map[string][]time.Time
}

func newLimiter(n int, now func() time.Time) *limiter {
	return &limiter{n: n, now: now, sent: map[string][]time.Time{}}
}

// take counts one write for user, or says how long until one is allowed.
func (l *limiter) take(user string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	kept := l.sent[user][:0]
	for _, t := range l.sent[user] {
		if now.Sub(t) < time.Minute {
			kept = append(kept, t)
		}
	}
	if len(kept) >= l.n {
		l.sent[user] = kept
		return max(kept[0].Add(time.Minute).Sub(now), time.Second)
	}
	l.sent[user] = append(kept, now)
	return 0
}

var _ monitor.API = (*userAPI)(nil)
