package config

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// View is a saved view (views: in the config): a named filter and sort
// over a set of accounts, offered on the home screen of accounts.
type View struct {
	Name     string
	Filter   string   // the / filter's text
	Sort     string   // "" (the server's order), name, status, last_sync or platform
	Accounts []string // profile ids; empty: every account
	Pos      Pos      // where the view starts, for messages
	accsPos  Pos
	path     string // views[i], for messages
}

// ViewSorts are the orders a view may name.
var ViewSorts = []string{"name", "status", "last_sync", "platform"}

func (p *parser) views(f *File, n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(p.pos(n), "views", "want a list of views (- name: …), got %s", kind(n))
		return
	}
	names := map[string]bool{}
	for i, item := range n.Content {
		path := fmt.Sprintf("views[%d]", i)
		v := View{Pos: p.pos(item), path: path}
		p.mapping(item, path, func(key string, k, val *yaml.Node) {
			kp := join(path, key)
			switch key {
			case "name":
				v.Name = strings.TrimSpace(p.str(val, kp))
			case "filter":
				v.Filter = p.str(val, kp)
			case "sort":
				v.Sort = p.str(val, kp)
				if v.Sort != "" && !slices.Contains(ViewSorts, v.Sort) {
					p.errorf(p.pos(val), kp, "%q is not one of %s", v.Sort, strings.Join(ViewSorts, ", "))
				}
			case "accounts":
				v.accsPos = p.pos(val)
				if val.Kind != yaml.SequenceNode {
					p.errorf(p.pos(val), kp, "want a list of profile names, got %s", kind(val))
					return
				}
				for _, a := range val.Content {
					name := p.str(a, kp)
					if slices.Contains(v.Accounts, name) {
						p.errorf(p.pos(a), kp, "%q is named twice", name)
						continue
					}
					v.Accounts = append(v.Accounts, name)
				}
			default:
				p.unknown(k, kp, "name", "filter", "sort", "accounts")
			}
		})
		switch {
		case item.Kind != yaml.MappingNode:
		case v.Name == "":
			p.errorf(v.Pos, path, "a view needs a name")
		case names[v.Name]:
			p.errorf(v.Pos, path, "a view named %q is set twice", v.Name)
		default:
			names[v.Name] = true
			f.Views = append(f.Views, v)
		}
	}
}

// checkViewAccounts says which view names a profile the file lacks.
func (p *parser) checkViewAccounts(f *File) {
	for _, v := range f.Views {
		if msg := f.UnknownAccounts(v.Accounts); msg != "" {
			p.errorf(v.accsPos, v.path+".accounts", "%s", msg)
		}
	}
}
