package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/pixee/pixee-tui/api"
)

// parser walks the YAML tree by hand, so that every problem can name its
// line, column and key path, and unknown keys are reported the same way.
type parser struct {
	file       string
	errs       []error
	defaultPos Pos
}

const maxErrors = 20

func (p *parser) pos(n *yaml.Node) Pos { return Pos{File: p.file, Line: n.Line, Col: n.Column} }

func (p *parser) errorf(at Pos, path, format string, args ...any) {
	if len(p.errs) < maxErrors {
		p.errs = append(p.errs, at.Errorf(path, format, args...))
	}
}

// mapping calls f for each key of a mapping node, reporting keys seen twice.
func (p *parser) mapping(n *yaml.Node, path string, f func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return // "profiles:" with nothing under it
		}
		p.errorf(p.pos(n), path, "want a mapping of keys, got %s", kind(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			p.errorf(p.pos(k), join(path, k.Value), "set twice")
			continue
		}
		seen[k.Value] = true
		f(k.Value, k, v)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.Value)
}

func (p *parser) unknown(k *yaml.Node, path string, known ...string) {
	p.errorf(p.pos(k), path, "unknown key (known here: %s)", strings.Join(known, ", "))
}

func (p *parser) str(v *yaml.Node, path string) string {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.errorf(p.pos(v), path, "want a string, got %s", kind(v))
		return ""
	}
	return v.Value
}

func (p *parser) boolean(v *yaml.Node, path string) bool {
	if v.Kind == yaml.ScalarNode {
		switch v.Value {
		case "true":
			return true
		case "false":
			return false
		}
	}
	p.errorf(p.pos(v), path, "%s is not true or false", kind(v))
	return false
}

func (p *parser) duration(v *yaml.Node, path string, lo, hi time.Duration) time.Duration {
	s := p.str(v, path)
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		p.errorf(p.pos(v), path, "%q is not a duration (like 2s, 500ms, 1m)", s)
		return 0
	}
	if d < lo || d > hi {
		p.errorf(p.pos(v), path, "%s is out of range (%s–%s)", d, lo, hi)
		return 0
	}
	return d
}

func (p *parser) integer(v *yaml.Node, path string, lo, hi int) int {
	s := p.str(v, path)
	n, err := strconv.Atoi(s)
	if err != nil {
		p.errorf(p.pos(v), path, "%q is not a whole number", s)
		return 0
	}
	if n < lo || n > hi {
		p.errorf(p.pos(v), path, "%d is out of range (%d–%d)", n, lo, hi)
		return 0
	}
	return n
}

func (p *parser) top(f *File, n *yaml.Node) {
	p.mapping(n, "", func(key string, k, v *yaml.Node) {
		switch key {
		case "default_profile":
			f.DefaultProfile, p.defaultPos = p.str(v, key), p.pos(v)
		case "profiles":
			p.profiles(f, v)
		case "keys":
			p.keys(f, v)
		case "theme":
			f.Theme = p.str(v, key)
			if !ValidTheme(f.Theme) {
				p.errorf(p.pos(v), key, "%q is not one of %s", f.Theme, strings.Join(themes, ", "))
			}
		case "alerts":
			p.alerts(&f.Alerts, v)
		case "mouse":
			f.Mouse = p.boolean(v, key)
		case "accessible":
			f.Accessible = p.boolean(v, key)
		case "serve":
			p.serve(&f.Serve, k, v)
		case "notify":
			p.notify(f, v)
		case "metrics":
			p.metrics(&f.Metrics, v)
		case "views":
			p.views(f, v)
		default:
			p.unknown(k, key, "default_profile", "profiles", "keys", "theme", "alerts", "mouse", "accessible", "serve", "notify", "metrics", "views")
		}
	})
}

var profileID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func (p *parser) profiles(f *File, n *yaml.Node) {
	p.mapping(n, "profiles", func(id string, k, v *yaml.Node) {
		path := "profiles." + id
		if !profileID.MatchString(id) {
			p.errorf(p.pos(k), path, "a profile name is letters, digits, '.', '_' or '-' (at most 64)")
			return
		}
		pr := p.profile(id, path, v)
		pr.Pos = p.pos(k)
		f.Profiles[id] = pr
		f.Order = append(f.Order, id)
	})
}

func (p *parser) profile(id, path string, n *yaml.Node) Profile {
	pr := Profile{ID: id, Name: id}
	sources := 0
	p.mapping(n, path, func(key string, k, v *yaml.Node) {
		kp := join(path, key)
		switch key {
		case "name":
			pr.Name = p.str(v, kp)
		case "base_url":
			pr.BaseURL = p.str(v, kp)
			if _, err := api.ParseBaseURL(pr.BaseURL); err != nil {
				p.errorf(p.pos(v), kp, "%v", err)
			}
		case "api_key_file":
			pr.Key, sources = KeySource{Kind: KeyFile, Value: p.str(v, kp), Path: kp, Pos: p.pos(v)}, sources+1
		case "api_key_env":
			pr.Key, sources = KeySource{Kind: KeyEnv, Value: p.str(v, kp), Path: kp, Pos: p.pos(v)}, sources+1
		case "api_key_command":
			pr.Key, sources = KeySource{Kind: KeyCommand, Value: p.str(v, kp), Path: kp, Pos: p.pos(v)}, sources+1
		case "api_key", "key":
			p.errorf(p.pos(k), kp, "an API key never sits in the config file: use api_key_file, api_key_env or api_key_command")
		case "auth_header":
			pr.AuthHeader = p.str(v, kp)
			if _, err := api.ParseAuthHeader(pr.AuthHeader); err != nil {
				p.errorf(p.pos(v), kp, "%q is not auto, x-api-key or bearer", pr.AuthHeader)
			}
		case "read_only":
			pr.ReadOnly = p.boolean(v, kp)
		case "per_page":
			pr.PerPage = p.integer(v, kp, 1, api.MaxPerPage)
		case "refresh":
			pr.Refresh = p.duration(v, kp, 500*time.Millisecond, time.Minute)
		case "timeout":
			pr.Timeout = p.duration(v, kp, time.Second, 2*time.Minute)
		default:
			p.unknown(k, kp, "name", "base_url", "api_key_file", "api_key_env", "api_key_command",
				"auth_header", "read_only", "per_page", "refresh", "timeout")
		}
	})
	if sources > 1 {
		p.errorf(p.pos(n), path, "more than one of api_key_file, api_key_env and api_key_command: keep one")
	}
	if pr.Key.Kind != KeyNone && strings.TrimSpace(pr.Key.Value) == "" {
		p.errorf(p.pos(n), pr.Key.Path, "is empty")
	}
	return pr
}

func (p *parser) keys(f *File, n *yaml.Node) {
	p.mapping(n, "keys", func(action string, k, v *yaml.Node) {
		path := "keys." + action
		r := KeyRemap{Action: action, Pos: p.pos(k)}
		switch v.Kind {
		case yaml.ScalarNode:
			r.Keys = []string{p.str(v, path)}
		case yaml.SequenceNode:
			for _, it := range v.Content {
				r.Keys = append(r.Keys, p.str(it, path))
			}
		default:
			p.errorf(p.pos(v), path, "want a key or a list of keys, got %s", kind(v))
			return
		}
		for _, key := range r.Keys {
			if strings.TrimSpace(key) == "" {
				p.errorf(p.pos(v), path, "an empty key")
			}
		}
		f.Keys = append(f.Keys, r)
	})
}

func (p *parser) alerts(a *Alerts, n *yaml.Node) {
	p.mapping(n, "alerts", func(key string, k, v *yaml.Node) {
		path := "alerts." + key
		switch key {
		case "bell":
			a.Bell = p.boolean(v, path)
		case "desktop":
			a.Desktop = p.boolean(v, path)
		case "stuck_after":
			a.StuckAfter = p.duration(v, path, time.Minute, 24*time.Hour)
		default:
			p.unknown(k, path, "bell", "desktop", "stuck_after")
		}
	})
}
