// Resident memory over time.

package main

import (
	"fmt"
	"strings"
	"time"
)

// ---- RSS -----------------------------------------------------------------------

func (h *harness) rssPhase() error {
	h.logf("rss: %v run, both programs side by side, 500 rows a page, a sample every %v", h.cfg.rssDur, h.cfg.rssEvery)
	sess, err := h.startAll(500)
	defer func() {
		for _, s := range sess {
			s.stop()
		}
	}()
	if err != nil {
		return err
	}
	type snap struct{ ns, ticks, bytes int64 }
	start := map[string]snap{}
	for name, s := range sess {
		h.prog(name).proxy.reset()
		ns, _ := cpuNs(s.pid())
		ticks, _ := cpuTicks(s.pid())
		start[name] = snap{ns, ticks, s.bytes()}
	}
	t0 := time.Now()
	for {
		at := time.Since(t0)
		for name, s := range sess {
			if kib, err := rssKiB(s.pid()); err == nil {
				p := h.prog(name)
				p.res.rssSamples = append(p.res.rssSamples, rssSample{at: at, kib: kib})
			}
		}
		if at >= h.cfg.rssDur || h.ctx.Err() != nil {
			break
		}
		next := min(h.cfg.rssEvery, h.cfg.rssDur-at)
		if next <= 0 {
			break
		}
		sleepCtx(h.ctx, next)
		if h.cfg.verbose {
			var parts []string
			for _, p := range h.progs {
				if n := len(p.res.rssSamples); n > 0 {
					parts = append(parts, fmt.Sprintf("%s %d KiB", p.name, p.res.rssSamples[n-1].kib))
				}
			}
			h.vlogf("  rss at %v: %s", time.Since(t0).Round(time.Second), strings.Join(parts, ", "))
		}
	}
	wall := time.Since(t0)
	for name, s := range sess {
		p := h.prog(name)
		ns, _ := cpuNs(s.pid())
		ticks, _ := cpuTicks(s.pid())
		st := p.proxy.snapshot()
		p.res.rss = window{ok: s.alive(), wall: wall, cpuNs: ns - start[name].ns, cpuTicks: ticks - start[name].ticks,
			bytes: s.bytes() - start[name].bytes, reqs: st.total, byRoute: st.byRoute}
		s.stop()
	}
	return nil
}
