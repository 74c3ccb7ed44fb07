package ui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// The mouse, when the terminal reports it: a click on a row selects it, a
// click on a pane focuses it, the wheel moves through the list or scrolls
// the detail. Overlays (help, form, questions, views) keep the keyboard's
// rules and ignore it. Without mouse reports nothing changes.

// paneAt says which browsing pane holds the cell (x, y) of the screen, and
// the row of the list under it (-1 for none).
func (m *Model) paneAt(x, y int) (layerKind, int, bool) {
	body := m.bodyHeight()
	lw, lh, dw, dh := m.paneSizes(body)
	top := 1 // the header
	var inList, inDetail bool
	switch {
	case lw > 0 && dw > 0 && lh == dh: // side by side
		inList = y >= top && y < top+lh && x < lw
		inDetail = y >= top && y < top+dh && x >= lw
	case lw > 0 && dw > 0: // stacked
		inList = y >= top && y < top+lh
		inDetail = y >= top+lh && y < top+lh+dh
	case lw > 0:
		inList = y >= top && y < top+lh
	case dw > 0:
		inDetail = y >= top && y < top+dh
	}
	switch {
	case inList:
		first := top + 1 // the column header
		if m.bordered(body) {
			first++
		}
		row := -1
		if r := y - first; r >= 0 && r < m.list.rowsShown() && m.list.offset+r < m.list.Len() {
			row = m.list.offset + r
		}
		return layerList, row, true
	case inDetail:
		return layerDetail, -1, true
	}
	return 0, -1, false
}

func (m *Model) onMouse(msg tea.MouseMsg) tea.Cmd {
	if m.screens.depth > 1 {
		return nil
	}
	pane, row, ok := m.paneAt(msg.X, msg.Y)
	if !ok {
		return nil
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp || msg.Button == tea.MouseButtonWheelDown:
		down := msg.Button == tea.MouseButtonWheelDown
		if pane == layerDetail {
			k := m.keys.Up
			if down {
				k = m.keys.Down
			}
			m.detail = m.detail.Update(keyOf1(k.Keys()), m.keys, m.now())
			return nil
		}
		n := -1
		if down {
			n = 1
		}
		if m.list.Move(n) {
			return m.selectionChanged(true)
		}
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionPress:
		if pane == layerDetail {
			m.setFocus(layerDetail)
			return nil
		}
		m.setFocus(layerList)
		if row >= 0 && m.list.MoveTo(row) {
			return m.selectionChanged(true)
		}
	}
	return nil
}

// keyOf1 is the key message of a binding's first key, for the pane's own
// scrolling.
func keyOf1(keys []string) tea.KeyMsg {
	if len(keys) == 0 {
		return tea.KeyMsg{}
	}
	switch keys[0] {
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(keys[0])}
}
