package monitor

import (
	"slices"
	"time"

	"github.com/pixee/pixee-tui/api"
)

// Store is every connector the monitor has seen, by id, as last reported by
// a page or a detail answer. Writing to it reports what changed, so the
// fleet view, an events feed or alerts read changes instead of polling
// again.
type Store struct {
	byID map[string]api.Connector
	at   map[string]time.Time // when each one's answer was received

	// For the crawl (index.go): version moves on every change; mark is the
	// crawl pass in which each id was last seen, by any target.
	version uint64
	mark    map[string]uint32
	pass    uint32

	// Each connector's rhythm (cadence.go).
	cadence map[string]*cadenceState
	copts   CadenceOptions

	// Each connector's runs and the observation under way (runs.go), and
	// the connectors whose jobs are kept as runs, least recently learnt
	// first (at most MaxJobRunsKept).
	runsByID map[string]*runState
	jobRuns  []string

	// The connectors whose lateness or runs may have changed, for the
	// watches (LateWatch, RunWatch) to look at those only.
	lateTouched, runsTouched touches
}

func newStore(o CadenceOptions) *Store {
	return &Store{byID: map[string]api.Connector{}, at: map[string]time.Time{}, mark: map[string]uint32{},
		cadence: map[string]*cadenceState{}, copts: o.withDefaults(), runsByID: map[string]*runState{}}
}

// ChangeKind says what happened to a connector.
type ChangeKind int

const (
	Added ChangeKind = iota + 1
	Updated
	Removed // the server says it no longer exists
)

// Change is one connector's change: Before is zero for Added, After for
// Removed.
type Change struct {
	ID     string
	Kind   ChangeKind
	Before api.Connector
	After  api.Connector
}

// Get returns a connector as last seen.
func (s *Store) Get(id string) (api.Connector, bool) {
	c, ok := s.byID[id]
	return c, ok
}

// Len is how many connectors are known.
func (s *Store) Len() int { return len(s.byID) }

// put records c, from an answer received at at, and reports the change, if
// any. An answer older than the one recorded (a shared answer a session
// had from before) changes nothing: the store never goes back in time. A
// detail answer may omit created_at: the known one is kept.
func (s *Store) put(c api.Connector, at time.Time, changes []Change) []Change {
	before, ok := s.byID[c.ID]
	s.mark[c.ID] = s.pass
	if ok && at.Before(s.at[c.ID]) {
		return changes
	}
	s.at[c.ID] = at
	s.learnSync(c.ID, c)
	if !ok || !sameConnector(before, c) {
		s.lateTouched.add(c.ID) // its last sync or status: its lateness
	}
	if ok && c.CreatedAt == nil && !c.CreatedAtUnknown {
		c.CreatedAt, c.CreatedAtUnknown = before.CreatedAt, before.CreatedAtUnknown
	}
	switch {
	case !ok:
		s.byID[c.ID] = c
		s.version++
		return append(changes, Change{ID: c.ID, Kind: Added, After: c})
	case !sameConnector(before, c):
		s.byID[c.ID] = c
		s.version++
		return append(changes, Change{ID: c.ID, Kind: Updated, Before: before, After: c})
	}
	return changes
}

func (s *Store) remove(id string, changes []Change) []Change {
	before, ok := s.byID[id]
	if !ok {
		return changes
	}
	delete(s.byID, id)
	delete(s.at, id)
	delete(s.mark, id)
	delete(s.cadence, id)
	delete(s.runsByID, id)
	s.jobRuns = slices.DeleteFunc(s.jobRuns, func(o string) bool { return o == id })
	s.lateTouched.add(id)
	s.runsTouched.add(id)
	s.version++
	return append(changes, Change{ID: id, Kind: Removed, Before: before})
}

func sameConnector(a, b api.Connector) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Platform == b.Platform && a.Status == b.Status &&
		sameTime(a.LastSyncAt, b.LastSyncAt) && sameTime(a.CreatedAt, b.CreatedAt) &&
		a.LastSyncAtUnknown == b.LastSyncAtUnknown && a.CreatedAtUnknown == b.CreatedAtUnknown
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// touches is a journal of the connectors whose lateness (or runs) may have
// changed, read by each watch from its own cursor: watching after a result
// costs what the result touched, not the size of the account.
type touches struct {
	base uint64 // the position of ids[0] since the store began
	ids  []string
}

// maxTouches bounds the journal: a watch that falls further behind looks
// at everything once.
const maxTouches = 4096

func (t *touches) add(id string) {
	if len(t.ids) >= maxTouches {
		n := len(t.ids) / 2
		t.ids = append(t.ids[:0], t.ids[n:]...)
		t.base += uint64(n)
	}
	t.ids = append(t.ids, id)
}

// since is what was touched after cursor, each id once, moving the cursor
// past it; all says the cursor is not in the journal (fallen behind, or of
// another store): everything must be looked at.
func (t *touches) since(cursor *uint64) (ids []string, all bool) {
	end := t.base + uint64(len(t.ids))
	from := *cursor
	*cursor = end
	if from < t.base || from > end {
		return nil, true
	}
	seen := make(map[string]bool, end-from)
	for _, id := range t.ids[from-t.base:] {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, false
}
