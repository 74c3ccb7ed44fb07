package ui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

type dialogKind int

const (
	askSyncEANs dialogKind = iota
	askSyncCatalog
)

// dialog is a yes/no question before a sync; the default answer is No.
type dialog struct {
	kind      dialogKind
	connector api.Connector
	account   string // the account it is sent on, when there are several
	eans      []string
	warnings  []string // facts to weigh before saying yes (pending, a recent same sync)
	rejected  int      // tokens of the field that are not sent
	warned    int      // EANs sent despite a check-digit warning
}

// answer is what a key said to a question.
type answer int

const (
	unanswered answer = iota
	answeredYes
	answeredNo
)

// Update takes a key: yes, no (esc, enter and n are all no), or neither.
func (d *dialog) Update(msg tea.KeyMsg, k *keymap.KeyMap) (*dialog, answer) {
	switch {
	case key.Matches(msg, k.Yes):
		return d, answeredYes
	case key.Matches(msg, k.No):
		return d, answeredNo
	}
	return d, unanswered
}

// View is the question in a box of width w, its keys derived from the
// bindings. Over a body of fewer than room lines it is compacted (no blank
// lines, no keys: the help line below says them), so that the rows it is
// asked about stay in view around it.
func (d *dialog) View(st *Styles, k *keymap.KeyMap, w, room int) []string {
	name := d.connector.Name
	if d.account != "" {
		name += " on account " + d.account
	}
	var q, sub string
	if d.kind == askSyncCatalog {
		q = "Sync the ENTIRE catalog to " + name + "?"
		sub = "Every product of the catalog is queued for this connector."
	} else {
		q = "Sync " + widget.Plural(len(d.eans), "EAN", "EANs") + " to " + name + "?"
		var what []string
		if d.rejected > 0 {
			what = append(what, widget.Thousands(d.rejected)+" rejected (not sent)")
		}
		if d.warned > 0 {
			what = append(what, widget.Plural(d.warned, "check-digit warning", "check-digit warnings")+" (sent anyway)")
		}
		sub = strings.Join(what, " · ")
	}
	text := widget.WrapWords(q, w)
	if sub != "" {
		text = append(text, "")
		text = append(text, widget.WrapWords(sub, w)...)
	}
	for _, warn := range d.warnings {
		text = append(text, "")
		text = append(text, widget.WrapWords("⚠ "+warn, w)...)
	}
	if d.connector.Status != "active" {
		// What is sent to a connector that is not active may wait: say so.
		status, _ := widget.StatusText(st, d.connector.Status)
		text = append(text, "")
		text = append(text, widget.WrapWords("The connector is "+status+".", w)...)
	}
	text = append(text, "", keymap.Keys(k.Yes)+" yes · "+keymap.Keys(k.No)+" no (default)")
	if len(text)+2 > room-3 {
		text = slices.DeleteFunc(text[:len(text)-1], func(l string) bool { return l == "" })
	}
	for i, l := range text {
		text[i] = termtext.PadRight(l, w)
	}
	return widget.Box(st, text, w, true)
}

// Sync is what a yes sends: EANs to a connector, or its whole catalog.
func (d *dialog) Sync() (id string, eans []string, catalog bool) {
	if d.kind == askSyncCatalog {
		return d.connector.ID, nil, true
	}
	return d.connector.ID, d.eans, false
}
