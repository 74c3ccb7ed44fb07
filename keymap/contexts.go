package keymap

import (
	"fmt"
	"strings"
)

// Contexts are the screens whose keys must not collide: a key means one
// action on each. ctrl+c (force_quit) belongs to all of them.
const (
	ContextBrowse  = "browse"  // the list, the detail, the overlays over them
	ContextForm    = "form"    // the sync form and its text field
	ContextConfirm = "confirm" // a yes/no question
	ContextResult  = "result"  // a sync's result
	ContextFilter  = "filter"  // typing a filter
	ContextErrors  = "errors"  // the errors view's own keys
)

// contextOf is where an action's keys act.
func contextOf(name string) []string {
	switch {
	case name == "force_quit":
		return []string{ContextBrowse, ContextForm, ContextConfirm, ContextResult, ContextFilter, ContextErrors}
	case strings.HasPrefix(name, "edit_"), name == "submit", name == "close_form":
		return []string{ContextForm}
	case strings.HasPrefix(name, "confirm_"):
		return []string{ContextConfirm}
	case name == "dismiss":
		return []string{ContextResult}
	case name == "filter_keep", name == "filter_clear":
		return []string{ContextFilter}
	case name == "select":
		return []string{ContextErrors}
	}
	return []string{ContextBrowse}
}

// Conflict is one key bound to two actions of one context.
type Conflict struct {
	Context, Key string
	A, B         string // action names, in table order
}

func (c Conflict) Error() string {
	return fmt.Sprintf("%q is bound to both %s and %s (%s keys)", c.Key, c.A, c.B, c.Context)
}

// Conflicts lists every key that two actions of one context share, and
// any action other than force_quit bound to ctrl+c, which always quits.
func (k *KeyMap) Conflicts() []Conflict {
	var out []Conflict
	owner := map[[2]string]string{} // context, key → action
	for _, a := range k.Actions() {
		for _, key := range a.Binding.Keys() {
			if key == "ctrl+c" && a.Name != "force_quit" {
				out = append(out, Conflict{Context: "all", Key: key, A: "force_quit", B: a.Name})
				continue
			}
			for _, ctx := range contextOf(a.Name) {
				if prev, ok := owner[[2]string{ctx, key}]; ok && prev != a.Name {
					out = append(out, Conflict{Context: ctx, Key: key, A: prev, B: a.Name})
					continue
				}
				owner[[2]string{ctx, key}] = a.Name
			}
		}
	}
	return out
}

// DisableWrites disables every action that leads to a write (read-only mode):
// they vanish from the help and do nothing.
func (k *KeyMap) DisableWrites() {
	for _, a := range k.Actions() {
		if a.Writes {
			a.Binding.SetEnabled(false)
		}
	}
}
