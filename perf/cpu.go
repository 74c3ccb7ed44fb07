// CPU, bytes to the terminal and API requests while idle and while a sync runs.

package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// idlePhase runs both programs side by side with their defaults and nothing
// pending (the sandbox has no auto-syncs and no sync has been queued yet).
func (h *harness) idlePhase() error {
	sess, err := h.startAll(0)
	defer func() {
		for _, s := range sess {
			s.stop()
		}
	}()
	if err != nil {
		return err
	}
	h.logf("idle: %v window, both programs side by side, defaults, nothing pending", h.cfg.idle)
	h.windowAll(sess, h.cfg.idle, func(p *program, w window) { p.res.idle = w })
	return nil
}

// syncPhase runs pixee-tui with its defaults (2 s refresh while a sync
// runs), queues whole-catalog syncs of the selected connector straight on
// the sandbox, as another user or the PIM would, and measures while pending
// drains. It runs last: the syncs it queues would otherwise still be
// draining in later phases.
func (h *harness) syncPhase() error {
	px := h.prog(pixeeName)
	s, err := h.launch(px, 0)
	if err != nil {
		return err
	}
	defer s.stop()
	if _, ok := s.waitFor(namePrefix(h.names[0]), 0, time.Now().Add(20*time.Second)); !ok {
		return fmt.Errorf("%s: no connector name within 20s", px.name)
	}
	sleepCtx(h.ctx, h.cfg.settle)
	// A whole-catalog sync of the first connector (selected at start)
	// drains in about a minute: queue enough back to back to cover the
	// wait for pixee-tui to notice (its idle refresh is 10 s) and the window.
	id := h.ids[0]
	n := max(int(math.Ceil((h.cfg.syncWin.Seconds()+20)/45)), 1)
	mark := s.offset()
	for range n {
		if err := postSync(h.sandboxURL, id); err != nil {
			return fmt.Errorf("queuing a sync: %w", err)
		}
	}
	h.logf("sync: queued %d whole-catalog syncs of %s on the sandbox; waiting for pixee-tui to show progress", n, id)
	if _, ok := s.waitFor("products/s", mark, time.Now().Add(25*time.Second)); !ok {
		if _, ok := s.waitFor("measuring throughput", mark, time.Now()); !ok {
			return errors.New("pixee-tui showed no sync progress within 25s")
		}
	}
	sleepCtx(h.ctx, time.Second)
	before := pending(h.sandboxURL, id)
	h.logf("sync: %v window, pending %d at start", h.cfg.syncWin, before)
	h.windowAll(map[string]*session{pixeeName: s}, h.cfg.syncWin, func(p *program, w window) { p.res.sync = w })
	after := pending(h.sandboxURL, id)
	h.syncNote = fmt.Sprintf("pending %d → %d over the sync window (progress moving: %v)", before, after, after < before && after > 0)
	return nil
}

// windowAll measures each session over the same wall-clock window.
func (h *harness) windowAll(sess map[string]*session, d time.Duration, set func(*program, window)) {
	type snap struct {
		ns, ticks, bytes int64
	}
	start := map[string]snap{}
	t0 := time.Now()
	for name, s := range sess {
		h.prog(name).proxy.reset()
		ns, _ := cpuNs(s.pid())
		ticks, _ := cpuTicks(s.pid())
		start[name] = snap{ns, ticks, s.bytes()}
	}
	sleepCtx(h.ctx, d)
	wall := time.Since(t0)
	for name, s := range sess {
		p := h.prog(name)
		ns, err1 := cpuNs(s.pid())
		ticks, err2 := cpuTicks(s.pid())
		st := p.proxy.snapshot()
		w := window{ok: err1 == nil && err2 == nil && s.alive(), wall: wall,
			cpuNs: ns - start[name].ns, cpuTicks: ticks - start[name].ticks,
			bytes: s.bytes() - start[name].bytes, reqs: st.total, byRoute: st.byRoute}
		set(p, w)
		h.vlogf("  %s: cpu %v (%d ticks), %d bytes, %d requests %v", name,
			time.Duration(w.cpuNs).Round(time.Millisecond), w.cpuTicks, w.bytes, w.reqs, w.byRoute)
	}
}

func postSync(base, id string) error {
	req, err := http.NewRequest(http.MethodPost, base+"/connectors/"+url.PathEscape(id)+"/sync", strings.NewReader("{}"))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return errors.New(resp.Status)
	}
	return nil
}

func pending(base, id string) int {
	var d struct {
		SyncStats struct {
			ProductsPending int `json:"products_pending"`
		} `json:"sync_stats"`
	}
	if err := getJSON(&http.Client{Timeout: 10 * time.Second}, base+"/connectors/"+url.PathEscape(id), &d); err != nil {
		return -1
	}
	return d.SyncStats.ProductsPending
}
