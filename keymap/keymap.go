// Package keymap holds pixee-tui's key bindings as data, grouped by the
// context they act in, and the help.KeyMap views of them. Bindings that do
// nothing in the current state are disabled by the UI and so vanish from the
// help; this package only defines them.
package keymap

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding of the program. Default returns a fresh value, so
// a later config file can remap keys without touching a package variable.
type KeyMap struct {
	// List and global.
	Up, Down, Top, Bottom key.Binding
	NextPage, PrevPage    key.Binding
	FocusNext, FocusPrev  key.Binding
	Open                  key.Binding
	Sync, SyncAll         key.Binding
	Refresh, Pause        key.Binding
	Help, Quit, ForceQuit key.Binding

	// Sync form.
	Submit, CloseForm key.Binding

	// Confirmation and result dialogs.
	Yes, No, Dismiss key.Binding
}

// Default returns the default bindings.
func Default() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Top:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "first row")),
		Bottom:    key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "last row")),
		NextPage:  key.NewBinding(key.WithKeys("right", "l", "]"), key.WithHelp("→/l/]", "next page")),
		PrevPage:  key.NewBinding(key.WithKeys("left", "h", "["), key.WithHelp("←/h/[", "prev page")),
		FocusNext: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		FocusPrev: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev pane")),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open detail")),
		Sync:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sync EANs")),
		SyncAll:   key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "sync whole catalog")),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Pause:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause live")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),

		Submit:    key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "submit")),
		CloseForm: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close (draft kept)")),

		Yes:     key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:      key.NewBinding(key.WithKeys("n", "N", "esc", "enter"), key.WithHelp("n/esc", "no")),
		Dismiss: key.NewBinding(key.WithKeys("esc", "enter"), key.WithHelp("enter/esc", "dismiss")),
	}
}

// Help is a help.KeyMap over a chosen set of bindings: the UI builds one
// for its current context (list, detail, form, dialog).
type Help struct {
	Short []key.Binding
	Full  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (h Help) ShortHelp() []key.Binding { return h.Short }

// FullHelp implements help.KeyMap.
func (h Help) FullHelp() [][]key.Binding { return h.Full }

// Browse is the help for the list and detail panes.
func (k KeyMap) Browse() Help {
	return Help{
		// ? and q first: a narrow terminal cuts the line's end, and these
		// two must always be seen.
		Short: []key.Binding{k.Help, k.Quit, k.Up, k.Down, k.NextPage, k.PrevPage, k.Sync, k.Refresh, k.Pause},
		Full: [][]key.Binding{
			{k.Up, k.Down, k.Top, k.Bottom},
			{k.NextPage, k.PrevPage, k.FocusNext, k.FocusPrev, k.Open},
			{k.Sync, k.SyncAll, k.Refresh, k.Pause},
			{k.Help, k.Quit, k.ForceQuit},
		},
	}
}

// Form is the help for the sync form.
func (k KeyMap) Form() Help {
	return Help{
		Short: []key.Binding{k.Submit, k.CloseForm, k.ForceQuit},
		Full:  [][]key.Binding{{k.Submit, k.CloseForm, k.ForceQuit}},
	}
}

// Confirm is the help for a yes/no question.
func (k KeyMap) Confirm() Help {
	return Help{
		Short: []key.Binding{k.Yes, k.No},
		Full:  [][]key.Binding{{k.Yes, k.No}},
	}
}

// Result is the help for a dialog that shows an outcome.
func (k KeyMap) Result() Help {
	return Help{
		Short: []key.Binding{k.Dismiss, k.ForceQuit},
		Full:  [][]key.Binding{{k.Dismiss, k.ForceQuit}},
	}
}
