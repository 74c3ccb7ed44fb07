package monitor

import "github.com/pixee/pixee-tui/api"

// An account's index is one monitor's work — its crawl — and may be read by
// others: a team server's watch publishes a FleetView after every change,
// and each session's monitor reads the latest instead of crawling (and
// holding) the account itself.

// FleetView is a monitor's store and index as they were when published:
// a copy, never written again, safe to read from any goroutine.
type FleetView struct {
	store *Store
	index *index
}

// FleetSource hands out the latest FleetView; nil until there is one.
type FleetSource interface {
	Fleet() *FleetView
}

// PublishFleet copies the store and the index for others to read.
func (m *Monitor) PublishFleet() *FleetView {
	st := &Store{byID: make(map[string]api.Connector, len(m.store.byID)), version: m.store.version,
		cadence: make(map[string]*cadenceState, len(m.store.cadence)), copts: m.store.copts}
	for id, c := range m.store.byID {
		st.byID[id] = c
	}
	for id, cs := range m.store.cadence {
		st.cadence[id] = cs // never changed once stored: shared
	}
	ix := *m.index
	ix.seen = nil
	ix.errs = make(map[string]*errorInfo, len(m.index.errs))
	for id, e := range m.index.errs {
		c := *e
		ix.errs[id] = &c
	}
	return &FleetView{store: st, index: &ix}
}

// fleet is the store and index this monitor reports: the source's latest
// view, or its own.
func (m *Monitor) fleet() (*Store, *index) {
	if m.opts.Fleet != nil {
		if v := m.opts.Fleet.Fleet(); v != nil {
			return v.store, v.index
		}
	}
	return m.store, m.index
}
