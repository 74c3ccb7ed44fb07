package keymap

import (
	"fmt"
	"slices"
)

// Context is a screen whose keys must not collide: a key means one action
// on it. The UI names them, from where each binding is registered; this
// package only finds the collisions.
type Context struct {
	Name    string
	Actions []string
}

// Conflict is one key bound to two actions of one context.
type Conflict struct {
	Context, Key string
	A, B         string // action names, in table order
}

func (c Conflict) Error() string {
	return fmt.Sprintf("%q is bound to both %s and %s (%s keys)", c.Key, c.A, c.B, c.Context)
}

// ConflictsIn lists every key that two actions of one context share, and
// any action other than force_quit bound to ctrl+c, which always quits.
func (k *KeyMap) ConflictsIn(contexts []Context) []Conflict {
	in := map[string][]string{} // action → the contexts it acts on
	for _, c := range contexts {
		for _, a := range c.Actions {
			if !slices.Contains(in[a], c.Name) {
				in[a] = append(in[a], c.Name)
			}
		}
	}
	var out []Conflict
	owner := map[[2]string]string{} // context, key → action
	for _, a := range k.Actions() {
		for _, key := range a.Binding.Keys() {
			if key == "ctrl+c" && a.Name != "force_quit" {
				out = append(out, Conflict{Context: "all", Key: key, A: "force_quit", B: a.Name})
				continue
			}
			for _, ctx := range in[a.Name] {
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
