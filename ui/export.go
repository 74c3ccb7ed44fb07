package ui

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

// Export writes the list as shown (filtered and sorted, or the page on
// screen) to a CSV or JSON file named by the user, in the current folder by
// default; a file that exists is overwritten only after a yes.

type exportView struct {
	input   textinput.Model
	rows    []api.Connector
	accts   []string // each row's account (the merged list); nil: one account, no column
	confirm bool     // the file exists: asking before overwriting
	err     string
	// partial is the index's state when the rows are the index's and it
	// is incomplete ("so far · index 1 100/10 000"): the export asks
	// first, and the file's name says "partial".
	partial    string
	partialOK  bool // the user said yes to a partial export
	askPartial bool // asking it now
}

type exportedMsg struct {
	path    string
	n       int
	partial string
	err     error
}

func (m *Model) openExport() {
	rows := append([]api.Connector(nil), m.list.items...)
	partial := ""
	if m.fleet.active() {
		partial = soFar(m.mon.Index())
	}
	m.pushExport(rows, nil, partial)
}

// pushExport opens the prompt to export rows (with their accounts when
// accts is not nil), partial when an index is incomplete.
func (m *Model) pushExport(rows []api.Connector, accts []string, partial string) {
	name := "connectors-" + m.now().In(m.opts.Location).Format("20060102-1504")
	if partial != "" {
		name += "-partial"
	}
	ti := textinput.New()
	ti.Prompt = "file: "
	ti.SetValue(name + ".csv")
	ti.CursorEnd()
	ti.Focus()
	ti.CharLimit = 1024
	m.screens.push(&exportView{input: ti, rows: rows, accts: accts, partial: partial})
}

func (m *Model) exportKey(msg tea.KeyMsg) tea.Cmd {
	ev := m.screens.top().(*exportView)
	k := m.keys
	if ev.askPartial {
		switch {
		case key.Matches(msg, k.Yes):
			ev.askPartial, ev.partialOK = false, true
			return m.exportKey(tea.KeyMsg{Type: tea.KeyEnter})
		case key.Matches(msg, k.No):
			ev.askPartial = false
		}
		return nil
	}
	if ev.confirm {
		switch {
		case key.Matches(msg, k.Yes):
			m.screens.pop()
			return writeExport(partialName(strings.TrimSpace(ev.input.Value()), ev.partial), ev.rows, ev.accts, true, ev.partial)
		case key.Matches(msg, k.No):
			ev.confirm = false
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		m.screens.pop()
		return nil
	case key.Matches(msg, k.Open):
		path := strings.TrimSpace(ev.input.Value())
		if path == "" {
			ev.err = "name a file"
			return nil
		}
		if ev.partial != "" && !ev.partialOK {
			ev.askPartial = true
			return nil
		}
		path = partialName(path, ev.partial)
		if _, err := os.Stat(path); err == nil {
			ev.confirm = true
			return nil
		}
		m.screens.pop()
		return writeExport(path, ev.rows, ev.accts, false, ev.partial)
	}
	var cmd tea.Cmd
	ev.input, cmd = ev.input.Update(msg)
	ev.err = ""
	return cmd
}

// writeExport writes rows to path, as JSON when the name ends in .json and
// as CSV otherwise. The file is written aside and moved into place, so a
// kill halfway leaves no half file; without overwrite it never replaces
// one (a link fails when the name is taken).
func writeExport(path string, rows []api.Connector, accts []string, overwrite bool, partial string) tea.Cmd {
	return func() tea.Msg {
		f, err := os.CreateTemp(filepath.Dir(path), ".pixee-export-*")
		if err != nil {
			return exportedMsg{path: path, err: err}
		}
		tmp := f.Name()
		defer os.Remove(tmp)
		if strings.EqualFold(filepath.Ext(path), ".json") {
			err = exportJSON(f, rows, accts)
		} else {
			err = exportCSV(f, rows, accts)
		}
		err = errors.Join(err, f.Sync(), f.Close(), os.Chmod(tmp, 0o644))
		switch {
		case err != nil:
		case overwrite:
			err = os.Rename(tmp, path)
		default:
			err = os.Link(tmp, path)
			if errors.Is(err, os.ErrExist) {
				err = fmt.Errorf("%s exists: not overwritten", path)
			}
		}
		return exportedMsg{path: path, n: len(rows), partial: partial, err: err}
	}
}

// partialName is path with "partial" in its name when the export is
// partial and the name does not say so already: the fact stays with the
// file.
func partialName(path, partial string) string {
	if partial == "" || strings.Contains(strings.ToLower(filepath.Base(path)), "partial") {
		return path
	}
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-partial" + ext
}

func exportTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func exportCSV(f *os.File, rows []api.Connector, accts []string) error {
	w := csv.NewWriter(f)
	head := []string{"id", "name", "platform", "status", "last_sync_at", "created_at"}
	if accts != nil {
		head = append([]string{"account"}, head...)
	}
	w.Write(head)
	for n, c := range rows {
		ls, cr := "", ""
		if p := exportTime(c.LastSyncAt); p != nil {
			ls = *p
		}
		if p := exportTime(c.CreatedAt); p != nil {
			cr = *p
		}
		row := []string{c.ID, c.Name, c.Platform, c.Status, ls, cr}
		if accts != nil {
			row = append([]string{accts[n]}, row...)
		}
		for i := range row {
			row[i] = termtext.CSVCell(row[i]) // never a formula in a spreadsheet
		}
		w.Write(row)
	}
	w.Flush()
	return w.Error()
}

func exportJSON(f *os.File, rows []api.Connector, accts []string) error {
	type row struct {
		Account    string  `json:"account,omitempty"`
		ID         string  `json:"id"`
		Name       string  `json:"name"`
		Platform   string  `json:"platform"`
		Status     string  `json:"status"`
		LastSyncAt *string `json:"last_sync_at"`
		CreatedAt  *string `json:"created_at"`
	}
	out := make([]row, len(rows))
	for i, c := range rows {
		out[i] = row{"", c.ID, c.Name, c.Platform, c.Status, exportTime(c.LastSyncAt), exportTime(c.CreatedAt)}
		if accts != nil {
			out[i].Account = accts[i]
		}
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func (m *Model) onExported(msg exportedMsg) {
	if msg.err != nil {
		m.flashMsg("export: "+termtext.Sanitize(msg.err.Error()), true)
		return
	}
	what := widget.Plural(msg.n, "connector", "connectors")
	if msg.partial != "" {
		what += " (" + msg.partial + ": a partial export)"
	}
	m.flashMsg(fmt.Sprintf("exported %s to %s", what, termtext.Sanitize(msg.path)), false)
}

func (m *Model) exportBody(w, h int, bordered bool) []string {
	ev := m.screens.top().(*exportView)
	what := widget.Plural(len(ev.rows), "connector", "connectors") + " as shown"
	lines := []string{" Export " + what + " · .json for JSON, anything else CSV · enter writes · esc cancels", "", " " + ev.input.View()}
	if ev.partial != "" {
		lines = append(lines, "", " The index is incomplete ("+ev.partial+"): the file holds the connectors known so far, and its name says partial.")
	}
	if ev.askPartial {
		lines = append(lines, "", " Write a partial export? "+keymap.Keys(m.keys.Yes)+" yes · "+keymap.Keys(m.keys.No)+" no")
	}
	if ev.confirm {
		lines = append(lines, "", " "+termtext.Sanitize(strings.TrimSpace(ev.input.Value()))+" exists. Overwrite it? "+
			keymap.Keys(m.keys.Yes)+" yes · "+keymap.Keys(m.keys.No)+" no")
	}
	if ev.err != "" {
		lines = append(lines, "", " "+ev.err)
	}
	return widget.Pane(strings.Join(lines, "\n"), w, h, bordered, m.styles, true)
}
