// Package keymap is the only place key names live: every action of
// pixee-tui has a stable name (sync_eans, next_page, …) in one table, with
// its bindings, its help text and whether it writes to the server. The help
// views and every key hint shown in text are derived from the bindings, so
// a config file can remap an action by name (Remap) and everything that
// mentions its keys follows. Which keys act on which screen, and why one
// does nothing now, is the UI's (its bindings); this package only defines
// the actions.
package keymap

import (
	"errors"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// KeyMap is every binding of the program. Default returns a fresh value, so
// a later config file can remap keys without touching a package variable.
type KeyMap struct {
	// List and global.
	Up, Down, Top, Bottom key.Binding
	PageDown, PageUp      key.Binding // a screenful of rows
	HalfDown, HalfUp      key.Binding // half a screenful
	NextPage, PrevPage    key.Binding
	FocusNext, FocusPrev  key.Binding
	Open                  key.Binding
	Sync, SyncAll         key.Binding
	Refresh, Pause        key.Binding
	Help, Quit, ForceQuit key.Binding
	Back                  key.Binding // closes an overlay (the help)
	History, HistoryMine  key.Binding // the history of actions; only the selected connector's
	Events, EventKind     key.Binding // the events feed; cycle its kind filter
	EventKindBack         key.Binding // cycle the kind filter the other way
	Ack, AckAll           key.Binding // acknowledge an event, all of them
	Mute, MuteAll         key.Binding // mute a connector's alerts, the account's
	Test                  key.Binding // test the connection (a POST that syncs nothing)
	CopyID, CopyCard      key.Binding // copy the id, an incident card (OSC 52)
	SwitchAccount         key.Binding // the accounts switcher
	AccountsHome          key.Binding // the home screen of every account
	MergedList            key.Binding // every account's connectors in one list
	Mark                  key.Binding // the home screen: mark an account for the merged list
	OpenLatest            key.Binding // the home screen: open the connector of an account's latest event
	Export                key.Binding // write the list as shown to a file
	Timeline              key.Binding // the selected connector's past, newest first

	// The fleet: filter, sort, the errors view.
	Filter, Sort, Errors    key.Binding
	ServerOrder             key.Binding // leave the sort: the server's pages again
	FilterKeep, FilterClear key.Binding // while typing a filter
	Select                  key.Binding // the errors view: select the connector

	// Sync form.
	Submit, CloseForm        key.Binding
	ProblemsDown, ProblemsUp key.Binding // scroll the list of rejected and warned EANs

	// Confirmation and result dialogs.
	Yes, No, Dismiss key.Binding

	// The EAN field's editing keys (typed text is not a binding).
	Edit EditKeys
}

// EditKeys are the text field's keys.
type EditKeys struct {
	Newline, Space                                 key.Binding
	DeleteBack, Delete, DeleteWord                 key.Binding
	DeleteToStart, DeleteToEnd                     key.Binding
	Left, Right, LineStart, LineEnd                key.Binding
	Up, Down, PageUp, PageDown, TextStart, TextEnd key.Binding
}

// Action is one row of the table: an action's stable name, its binding, and
// whether it leads to a write (a POST), so read-only mode is one switch.
type Action struct {
	Name    string
	Writes  bool
	Binding *key.Binding
}

// entry is an action's default: keys, the help line's label when it is not
// simply the keys (a shorter one), the help text.
type entry struct {
	name   string
	field  func(*KeyMap) *key.Binding
	keys   []string
	label  string // "" = derived from the keys
	desc   string
	writes bool
}

// table is the one list of actions, in help order.
func table() []entry {
	return []entry{
		{"up", func(k *KeyMap) *key.Binding { return &k.Up }, []string{"up", "k"}, "", "up", false},
		{"down", func(k *KeyMap) *key.Binding { return &k.Down }, []string{"down", "j"}, "", "down", false},
		{"top", func(k *KeyMap) *key.Binding { return &k.Top }, []string{"g", "home"}, "", "first row", false},
		{"bottom", func(k *KeyMap) *key.Binding { return &k.Bottom }, []string{"G", "end"}, "", "last row", false},
		{"rows_page_down", func(k *KeyMap) *key.Binding { return &k.PageDown }, []string{"pgdown"}, "", "screen down", false},
		{"rows_page_up", func(k *KeyMap) *key.Binding { return &k.PageUp }, []string{"pgup"}, "", "screen up", false},
		{"rows_half_down", func(k *KeyMap) *key.Binding { return &k.HalfDown }, []string{"ctrl+d"}, "", "half screen down", false},
		{"rows_half_up", func(k *KeyMap) *key.Binding { return &k.HalfUp }, []string{"ctrl+u"}, "", "half screen up", false},
		{"next_page", func(k *KeyMap) *key.Binding { return &k.NextPage }, []string{"right", "l", "]"}, "", "next page", false},
		{"prev_page", func(k *KeyMap) *key.Binding { return &k.PrevPage }, []string{"left", "h", "["}, "", "prev page", false},
		{"next_pane", func(k *KeyMap) *key.Binding { return &k.FocusNext }, []string{"tab"}, "", "next pane", false},
		{"prev_pane", func(k *KeyMap) *key.Binding { return &k.FocusPrev }, []string{"shift+tab"}, "", "prev pane", false},
		{"open", func(k *KeyMap) *key.Binding { return &k.Open }, []string{"enter"}, "", "open detail", false},
		{"sync_eans", func(k *KeyMap) *key.Binding { return &k.Sync }, []string{"s"}, "", "sync EANs", true},
		{"sync_catalog", func(k *KeyMap) *key.Binding { return &k.SyncAll }, []string{"S"}, "", "sync whole catalog", true},
		{"refresh", func(k *KeyMap) *key.Binding { return &k.Refresh }, []string{"r"}, "", "refresh", false},
		{"pause", func(k *KeyMap) *key.Binding { return &k.Pause }, []string{"p"}, "", "pause live", false},
		{"help", func(k *KeyMap) *key.Binding { return &k.Help }, []string{"?"}, "", "help", false},
		{"quit", func(k *KeyMap) *key.Binding { return &k.Quit }, []string{"q"}, "", "quit", false},
		{"force_quit", func(k *KeyMap) *key.Binding { return &k.ForceQuit }, []string{"ctrl+c"}, "", "quit", false},
		{"back", func(k *KeyMap) *key.Binding { return &k.Back }, []string{"esc"}, "", "close", false},
		{"filter", func(k *KeyMap) *key.Binding { return &k.Filter }, []string{"/"}, "", "filter", false},
		{"sort", func(k *KeyMap) *key.Binding { return &k.Sort }, []string{"o"}, "", "sort", false},
		{"server_order", func(k *KeyMap) *key.Binding { return &k.ServerOrder }, []string{"O"}, "", "server order", false},
		{"errors", func(k *KeyMap) *key.Binding { return &k.Errors }, []string{"e"}, "", "errors by cause", false},
		{"filter_keep", func(k *KeyMap) *key.Binding { return &k.FilterKeep }, []string{"enter"}, "", "keep filter", false},
		{"filter_clear", func(k *KeyMap) *key.Binding { return &k.FilterClear }, []string{"esc"}, "", "clear filter", false},
		{"select", func(k *KeyMap) *key.Binding { return &k.Select }, []string{"enter"}, "", "select connector", false},
		{"submit", func(k *KeyMap) *key.Binding { return &k.Submit }, []string{"ctrl+s"}, "", "submit", true},
		{"close_form", func(k *KeyMap) *key.Binding { return &k.CloseForm }, []string{"esc"}, "", "close (draft kept)", false},
		{"problems_down", func(k *KeyMap) *key.Binding { return &k.ProblemsDown }, []string{"ctrl+n"}, "", "more problems", false},
		{"problems_up", func(k *KeyMap) *key.Binding { return &k.ProblemsUp }, []string{"ctrl+p"}, "", "earlier problems", false},
		{"confirm_yes", func(k *KeyMap) *key.Binding { return &k.Yes }, []string{"y", "Y"}, "", "yes", true},
		{"confirm_no", func(k *KeyMap) *key.Binding { return &k.No }, []string{"n", "N", "esc", "enter"}, "n/esc", "no", false},
		{"dismiss", func(k *KeyMap) *key.Binding { return &k.Dismiss }, []string{"enter", "esc"}, "", "dismiss", false},
		{"history", func(k *KeyMap) *key.Binding { return &k.History }, []string{"H"}, "", "history", false},
		{"history_connector", func(k *KeyMap) *key.Binding { return &k.HistoryMine }, []string{"c"}, "", "this connector only / all", false},
		{"test_connection", func(k *KeyMap) *key.Binding { return &k.Test }, []string{"t"}, "", "test connection", true},
		{"copy_id", func(k *KeyMap) *key.Binding { return &k.CopyID }, []string{"y"}, "", "copy id", false},
		{"copy_card", func(k *KeyMap) *key.Binding { return &k.CopyCard }, []string{"Y"}, "", "copy incident", false},
		{"export", func(k *KeyMap) *key.Binding { return &k.Export }, []string{"x"}, "", "export list", false},
		{"switch_account", func(k *KeyMap) *key.Binding { return &k.SwitchAccount }, []string{"P"}, "", "switch account", false},
		{"accounts_home", func(k *KeyMap) *key.Binding { return &k.AccountsHome }, []string{"W"}, "", "all accounts", false},
		{"merged_list", func(k *KeyMap) *key.Binding { return &k.MergedList }, []string{"L"}, "", "merged list", false},
		{"mark", func(k *KeyMap) *key.Binding { return &k.Mark }, []string{" "}, "", "mark / unmark", false},
		{"open_latest_event", func(k *KeyMap) *key.Binding { return &k.OpenLatest }, []string{"J"}, "", "open latest event's connector", false},
		{"events", func(k *KeyMap) *key.Binding { return &k.Events }, []string{"E"}, "", "events", false},
		{"timeline", func(k *KeyMap) *key.Binding { return &k.Timeline }, []string{"T"}, "", "timeline", false},
		{"event_kind", func(k *KeyMap) *key.Binding { return &k.EventKind }, []string{"f"}, "", "filter by kind", false},
		{"event_kind_back", func(k *KeyMap) *key.Binding { return &k.EventKindBack }, []string{"F"}, "", "previous kind", false},
		{"ack", func(k *KeyMap) *key.Binding { return &k.Ack }, []string{"a"}, "", "acknowledge", false},
		{"ack_all", func(k *KeyMap) *key.Binding { return &k.AckAll }, []string{"A"}, "", "acknowledge all", false},
		{"mute", func(k *KeyMap) *key.Binding { return &k.Mute }, []string{"m"}, "", "mute this connector", false},
		{"mute_all", func(k *KeyMap) *key.Binding { return &k.MuteAll }, []string{"M"}, "", "mute all alerts", false},

		{"edit_newline", func(k *KeyMap) *key.Binding { return &k.Edit.Newline }, []string{"enter"}, "", "new line", false},
		{"edit_space", func(k *KeyMap) *key.Binding { return &k.Edit.Space }, []string{"tab"}, "", "space", false},
		{"edit_delete_back", func(k *KeyMap) *key.Binding { return &k.Edit.DeleteBack }, []string{"backspace"}, "", "delete back", false},
		{"edit_delete", func(k *KeyMap) *key.Binding { return &k.Edit.Delete }, []string{"delete", "ctrl+d"}, "", "delete", false},
		{"edit_delete_word", func(k *KeyMap) *key.Binding { return &k.Edit.DeleteWord }, []string{"ctrl+w"}, "", "delete word", false},
		{"edit_delete_to_start", func(k *KeyMap) *key.Binding { return &k.Edit.DeleteToStart }, []string{"ctrl+u"}, "", "delete to line start", false},
		{"edit_delete_to_end", func(k *KeyMap) *key.Binding { return &k.Edit.DeleteToEnd }, []string{"ctrl+k"}, "", "delete to line end", false},
		{"edit_left", func(k *KeyMap) *key.Binding { return &k.Edit.Left }, []string{"left", "ctrl+b"}, "", "left", false},
		{"edit_right", func(k *KeyMap) *key.Binding { return &k.Edit.Right }, []string{"right", "ctrl+f"}, "", "right", false},
		{"edit_line_start", func(k *KeyMap) *key.Binding { return &k.Edit.LineStart }, []string{"home", "ctrl+a"}, "", "line start", false},
		{"edit_line_end", func(k *KeyMap) *key.Binding { return &k.Edit.LineEnd }, []string{"end", "ctrl+e"}, "", "line end", false},
		{"edit_up", func(k *KeyMap) *key.Binding { return &k.Edit.Up }, []string{"up"}, "", "line up", false},
		{"edit_down", func(k *KeyMap) *key.Binding { return &k.Edit.Down }, []string{"down"}, "", "line down", false},
		{"edit_page_up", func(k *KeyMap) *key.Binding { return &k.Edit.PageUp }, []string{"pgup"}, "", "page up", false},
		{"edit_page_down", func(k *KeyMap) *key.Binding { return &k.Edit.PageDown }, []string{"pgdown"}, "", "page down", false},
		{"edit_text_start", func(k *KeyMap) *key.Binding { return &k.Edit.TextStart }, []string{"ctrl+home"}, "", "text start", false},
		{"edit_text_end", func(k *KeyMap) *key.Binding { return &k.Edit.TextEnd }, []string{"ctrl+end"}, "", "text end", false},
	}
}

// Default returns the default bindings.
func Default() KeyMap {
	var k KeyMap
	for _, e := range table() {
		label := e.label
		if label == "" {
			label = Label(e.keys)
		}
		*e.field(&k) = key.NewBinding(key.WithKeys(e.keys...), key.WithHelp(label, e.desc))
	}
	return k
}

// Actions is the table: every action by name, with its binding.
func (k *KeyMap) Actions() []Action {
	t := table()
	out := make([]Action, len(t))
	for i, e := range t {
		out[i] = Action{Name: e.name, Writes: e.writes, Binding: e.field(k)}
	}
	return out
}

// writes is which actions lead to a write, by name.
var writes = func() map[string]bool {
	w := map[string]bool{}
	for _, e := range table() {
		w[e.name] = e.writes
	}
	return w
}()

// Writes says the action named leads to a write (a POST).
func Writes(name string) bool { return writes[name] }

// Lookup finds an action by its name.
func (k *KeyMap) Lookup(name string) (Action, bool) {
	for _, a := range k.Actions() {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}

// Remap binds an action to other keys; its help label and every hint that
// names it follow.
func (k *KeyMap) Remap(name string, keys ...string) error {
	a, ok := k.Lookup(name)
	switch {
	case !ok:
		return errors.New("keymap: no action named " + name)
	case len(keys) == 0:
		return errors.New("keymap: " + name + " needs at least one key")
	}
	keys = slices.Clone(keys)
	for i, k := range keys {
		if k == "space" { // as a person writes it; Bubble Tea names the key " "
			keys[i] = " "
		}
	}
	a.Binding.SetKeys(keys...)
	a.Binding.SetHelp(Label(keys), a.Binding.Help().Desc)
	return nil
}

// Label is how keys are written for a person: arrows as glyphs, joined by
// "/", a letter's capital left out when the small one is there (y and Y are
// "y").
func Label(keys []string) string {
	shown := make([]string, 0, len(keys))
	for _, k := range keys {
		if len(k) == 1 && k[0] >= 'A' && k[0] <= 'Z' && contains(keys, strings.ToLower(k)) {
			continue
		}
		shown = append(shown, glyph(k))
	}
	return strings.Join(shown, "/")
}

func glyph(k string) string {
	switch k {
	case "up":
		return "↑"
	case "down":
		return "↓"
	case "left":
		return "←"
	case "right":
		return "→"
	case " ":
		return "space"
	}
	return k
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Keys is the label of all of a binding's keys, for hints in text ("n/esc/enter
// no"): the help line may show a shorter one.
func Keys(b key.Binding) string { return Label(b.Keys()) }

// Help is a help.KeyMap over a chosen set of bindings: the UI derives one
// from the bindings of the screen on top.
type Help struct {
	Short []key.Binding
	Full  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (h Help) ShortHelp() []key.Binding { return h.Short }

// FullHelp implements help.KeyMap.
func (h Help) FullHelp() [][]key.Binding { return h.Full }
