package config

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Metrics is what the Prometheus exposition (serve --metrics, pixee-tui
// metrics) includes.
type Metrics struct {
	// Connectors is "all" (the default: every connector has its series)
	// or "not_active" (only those whose status is not active).
	Connectors string
}

// MetricsConnectors are the values metrics.connectors takes.
var MetricsConnectors = []string{"all", "not_active"}

// DefaultMetricsListen is where pixee-tui metrics listens by default
// (Prometheus's port for a new exporter, this machine only).
const DefaultMetricsListen = "127.0.0.1:9464"

func (p *parser) metrics(m *Metrics, n *yaml.Node) {
	p.mapping(n, "metrics", func(key string, k, v *yaml.Node) {
		path := "metrics." + key
		switch key {
		case "connectors":
			s := p.str(v, path)
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				break // reported by str
			}
			if !slices.Contains(MetricsConnectors, s) {
				p.errorf(p.pos(v), path, "%q is not one of %s", s, strings.Join(MetricsConnectors, ", "))
				break
			}
			m.Connectors = s
		default:
			p.unknown(k, path, "connectors")
		}
	})
}

// serveMetrics reads serve.metrics, the listen address of serve's /metrics.
func (p *parser) serveMetrics(s *Serve, v *yaml.Node) {
	l := p.str(v, "serve.metrics")
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return // reported by str
	}
	if msg := checkListen(l); msg != "" {
		p.errorf(p.pos(v), "serve.metrics", "%s", msg)
		return
	}
	s.Metrics = l
}

// serveAccounts reads serve.accounts, the profiles this server serves;
// Parse checks each is a profile of the file.
func (p *parser) serveAccounts(s *Serve, v *yaml.Node) {
	s.AccountsPos = p.pos(v)
	if v.Kind != yaml.SequenceNode {
		p.errorf(p.pos(v), "serve.accounts", "want a list of profile names, like [acme, globex], got %s", kind(v))
		return
	}
	for _, it := range v.Content {
		name := p.str(it, "serve.accounts")
		if name == "" {
			continue
		}
		if slices.Contains(s.Accounts, name) {
			p.errorf(p.pos(it), "serve.accounts", "%q is listed twice", name)
			continue
		}
		s.Accounts = append(s.Accounts, name)
	}
	if len(v.Content) == 0 {
		p.errorf(p.pos(v), "serve.accounts", "is empty: list the profiles to serve, or leave it out to serve them all")
	}
}

// UnknownAccounts says which of names are not profiles of f, in one
// message naming the profiles there are; "" when all are.
func (f *File) UnknownAccounts(names []string) string {
	var bad []string
	for _, n := range names {
		if _, ok := f.profiles()[n]; !ok {
			bad = append(bad, fmt.Sprintf("%q", n))
		}
	}
	if len(bad) == 0 {
		return ""
	}
	have := "no profiles"
	if f != nil && len(f.Order) > 0 {
		have = "profiles: " + strings.Join(f.Order, ", ")
	}
	what := "no profile"
	if len(bad) > 1 {
		what = "no profiles"
	}
	return fmt.Sprintf("%s %s in the config file (%s)", what, strings.Join(bad, ", "), have)
}

func (f *File) profiles() map[string]Profile {
	if f == nil {
		return nil
	}
	return f.Profiles
}
