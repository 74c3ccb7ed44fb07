package notify

import (
	"path"
	"slices"
	"strings"

	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/monitor"
)

// route is a target's config.NotifyRoute, ready to match.
type route struct {
	accounts, platforms, connectors []string
	kinds                           []monitor.EventKind // empty: the bad transitions and their recoveries
}

func routeOf(r config.NotifyRoute) route {
	out := route{accounts: r.Accounts}
	for _, p := range r.Platforms {
		out.platforms = append(out.platforms, strings.ToLower(p))
	}
	for _, c := range r.Connectors {
		out.connectors = append(out.connectors, globText(c))
	}
	for _, k := range r.Kinds {
		out.kinds = append(out.kinds, monitor.EventKind(k))
	}
	return out
}

// globText is a name or a pattern as matched: case ignored, and '/' made
// an ordinary character (path.Match's '*' stops at it; a connector's name
// may hold one).
func globText(s string) string { return strings.ReplaceAll(strings.ToLower(s), "/", "\x1f") }

// defaultKind says whether a kind is notified when a route names none:
// a transition into a bad state, or the recovery of one.
func defaultKind(k monitor.EventKind) bool {
	switch k {
	case monitor.Recovered, monitor.KeyAccepted, monitor.APIUp, monitor.LateRecovered:
		return true
	}
	return k.Bad()
}

// matches says whether the route takes e, an event of account. An event
// of the whole account (the key, the API) has no connector: it passes
// only a route that names no platform and no connector.
func (r route) matches(account string, e monitor.Event) bool {
	if len(r.kinds) == 0 && !defaultKind(e.Kind) || len(r.kinds) > 0 && !slices.Contains(r.kinds, e.Kind) {
		return false
	}
	if len(r.accounts) > 0 && !slices.Contains(r.accounts, account) {
		return false
	}
	if len(r.platforms) > 0 && !slices.Contains(r.platforms, strings.ToLower(e.Platform)) {
		return false
	}
	if len(r.connectors) > 0 {
		name, id := globText(e.Name), globText(e.ConnectorID)
		return e.ConnectorID != "" && slices.ContainsFunc(r.connectors, func(p string) bool {
			ok1, _ := path.Match(p, name)
			ok2, _ := path.Match(p, id)
			return ok1 || ok2
		})
	}
	return true
}
