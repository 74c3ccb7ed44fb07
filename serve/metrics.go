package serve

import (
	"cmp"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/metrics"
)

// MetricsSources are the accounts a metrics scrape reads: each opened
// account's watch (an account nobody has opened yet, or served without a
// watch, has no monitor to read).
func (s *Server) MetricsSources() []metrics.Source {
	var out []metrics.Source
	for i := range s.openers {
		a := s.opened(i)
		if a == nil || a.inspect == nil {
			continue
		}
		out = append(out, metrics.Source{Account: cmp.Or(a.spec.ID, a.spec.Name), Inspect: a.inspect, Counts: a.reads.counts})
	}
	return out
}

// OpenAll opens every account now rather than when a session first needs
// it, so that each has its watch (and its metrics) from the start. An
// account that cannot be opened is said in the log and tried again when a
// session asks for it.
func (s *Server) OpenAll() {
	for i := range s.openers {
		_, _ = s.account(i)
	}
}

// counts are the products of every detail answer the account's reads
// hold, whoever asked (a session watching a sync, the watch's crawl): the
// metrics know a connector's pending count whenever someone looks at it.
func (r *reads) counts() map[string]metrics.Counts {
	out := map[string]metrics.Counts{}
	r.Details(func(id string, d *api.ConnectorDetail, at time.Time) {
		if c, ok := metrics.CountsOf(d, at); ok {
			out[id] = c
		}
	})
	return out
}
