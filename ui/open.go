package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/ui/termtext"
)

// landing is where the cursor goes when a page asked for arrives: on a
// connector (opened from an event, kept across a cleared filter), or on
// the first or last row (j past a page's end, k before its start).
type landing struct {
	page int    // the page it waits for; 0 = none
	id   string // the connector to select, "" = by row
	last bool   // by row: the last (else the first)
	// fetch: the connector is in no page known; its detail was asked for
	// by id, and it is selected when that answer brings it.
	fetch string
}

// land puts the cursor where the landing says, on the page just shown;
// it reports whether it was for this page.
func (m *Model) land(page int) bool {
	l := m.landing
	if l.page == 0 || l.page != page {
		return false
	}
	m.landing = landing{}
	switch {
	case l.id != "":
		if i := m.list.IndexOf(l.id); i >= 0 {
			m.list.MoveTo(i)
		}
	case l.last:
		m.list.MoveTo(m.list.Len() - 1)
	default:
		m.list.MoveTo(0)
	}
	return true
}

// turnPage is j on a page's last row or k on its first: the next page's
// first row, the previous page's last.
func (m *Model) turnPage(down bool) tea.Cmd {
	p := m.mon.PageWanted() + 1
	if !down {
		p = m.mon.PageWanted() - 1
	}
	m.landing = landing{page: p, last: !down}
	return m.do(m.mon.ShowPage(p))
}

// pageTurns says j or k leaves the page: at its edge, on server pages,
// with a page beyond.
func (m *Model) pageTurns(down bool) bool {
	if m.detailFocused() || m.fleet.active() || m.count > 1 {
		return false
	}
	if down {
		return m.list.Len() > 0 && m.list.Cursor() >= m.list.Len()-1 && m.atLastPage() == ""
	}
	return m.list.Cursor() <= 0 && m.atFirstPage() == ""
}

// openConnector selects a connector named elsewhere (an event, an error
// group, a history row) in the list: on the rows shown when it is there,
// else on its server page (the index knows which), else in the index's
// rows; a connector known nowhere is asked for by id and selected when
// its answer comes.
func (m *Model) openConnector(id, name string) tea.Cmd {
	for m.screens.depth > 1 {
		m.screens.pop()
	}
	m.setFocus(layerList)
	if i := m.list.IndexOf(id); i >= 0 {
		m.list.MoveTo(i)
		return m.selectionChanged(false)
	}
	if page, ok := m.mon.PageOf(id); ok && !m.fleet.active() {
		m.landing = landing{page: page, id: id}
		m.flashMsg("opening "+termtext.Sanitize(name)+" on page "+itoa(page)+"…", false)
		if plan := m.mon.ShowPage(page); plan != nil {
			return m.do(plan)
		}
		// Already asked for: its answer lands it.
		return nil
	}
	if _, ok := m.mon.Store().Get(id); ok {
		return m.selectConnector(id)
	}
	m.landing = landing{fetch: id}
	m.flashMsg("opening "+termtext.Sanitize(name)+"…", false)
	return m.do(m.mon.Select(id, false))
}

// fetched is a detail answer: the connector asked for by id is known now,
// and selected.
func (m *Model) fetched(id string) tea.Cmd {
	if m.landing.fetch == "" || m.landing.fetch != id {
		return nil
	}
	m.landing = landing{}
	if _, ok := m.mon.Store().Get(id); !ok {
		return nil
	}
	return m.openConnector(id, "")
}
