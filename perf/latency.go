// Launch time and key-to-screen latency.

package main

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"time"
	"unicode/utf8"
)

// start runs a program in a fresh pseudo-terminal. perPage 0 keeps its
// default page size.
func (h *harness) launch(p *program, perPage int) (*session, error) {
	var args []string
	if perPage > 0 {
		args = []string{p.perPageFlag, strconv.Itoa(perPage)}
	}
	env := termEnv("PIXEE_BASE_URL="+p.proxy.url+basePath, "PIXEE_API_KEY="+apiKey)
	s, err := startSession(p.name, p.bin, args, env, h.cfg.answer)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.sessions = append(h.sessions, s)
	if h.cfg.dump != "" {
		s.dump = filepath.Join(h.cfg.dump, fmt.Sprintf("%02d-%s.txt", len(h.sessions), p.name))
	}
	h.mu.Unlock()
	return s, nil
}

// namePrefix is what of a connector name any column shows: its first 24
// bytes, cut on a character boundary.
func namePrefix(s string) string {
	if len(s) <= 24 {
		return s
	}
	n := 24
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ---- launch ------------------------------------------------------------------

func (h *harness) launchPhase() error {
	want := namePrefix(h.names[0])
	h.logf("launch: %d launches per program, until %q is on screen", h.cfg.launches, want)
	for i := 0; i < h.cfg.launches; i++ {
		for _, p := range h.progs {
			s, err := h.launch(p, 0)
			if err != nil {
				return err
			}
			at, ok := s.waitFor(want, 0, s.started.Add(20*time.Second))
			if !ok {
				p.res.notes = append(p.res.notes, fmt.Sprintf("launch %d: no connector name within 20s", i+1))
				s.stop()
				continue
			}
			p.res.launch = append(p.res.launch, at.Sub(s.started))
			p.res.firstByte = append(p.res.firstByte, s.firstByte().Sub(s.started))
			if q := s.firstQuery(); !q.IsZero() {
				p.res.launchQuery = append(p.res.launchQuery, q.Sub(s.started))
			}
			h.vlogf("  %s launch %d: %v (first byte %v, queries %v)", p.name, i+1,
				at.Sub(s.started).Round(time.Millisecond), s.firstByte().Sub(s.started).Round(time.Millisecond), s.queryLog())
			s.waitQuiet(100*time.Millisecond, time.Now(), time.Now().Add(2*time.Second))
			s.stop()
		}
	}
	return nil
}

// ---- keys ----------------------------------------------------------------------

func (h *harness) keysPhase() error {
	n := h.cfg.presses
	h.logf("keys: %d presses per series, 500 rows a page", n)
	for _, p := range h.progs {
		s, err := h.launch(p, 500)
		if err != nil {
			return err
		}
		ready := namePrefix(h.names[0])
		if p.name == pixeeName {
			ready = "page 1/"
		}
		if _, ok := s.waitFor(ready, 0, time.Now().Add(20*time.Second)); !ok {
			s.stop()
			return fmt.Errorf("%s: first page not on screen within 20s", p.name)
		}
		s.waitQuiet(500*time.Millisecond, time.Now(), time.Now().Add(5*time.Second))

		// j: the cursor moves one row; the new row must be drawn selected.
		for i := 0; i < n && i+1 < 500; i++ {
			want := namePrefix(h.names[i+1])
			if p.name == pixeeName {
				want = "▶ " + want
			}
			h.press(p, s, "j", "j", want)
		}
		if p.name == pixeeName {
			// ]: page 2 arrives and its first row is drawn selected; [
			// (not measured) goes back.
			for range n {
				h.press(p, s, "]", "]", "▶ "+namePrefix(h.names[500]))
				h.unmeasured(s, "[", "▶ "+namePrefix(h.names[0]))
			}
			// s: the form opens; esc (not measured) closes it.
			for range n {
				h.press(p, s, "s", "s", "Sync EANs to")
				h.unmeasured(s, "\x1b", "")
			}
		}
		s.stop()
	}
	return nil
}

// press writes one key and records the time until the expected text is on
// screen and the frame that holds it is complete; then it lets the program
// settle (a debounced detail fetch, say) before the next press.
func (h *harness) press(p *program, s *session, label, key, want string) {
	// A person's key lands anywhere between two renderer ticks (60 a
	// second). Without this the press would always follow the settle wait
	// by a fixed time, in a fixed phase of the tick, and every sample would
	// wait the same part of a frame.
	time.Sleep(time.Duration(rand.Int64N(int64(50 * time.Millisecond))))
	lat, match, ok := s.press(key, want, h.cfg.frame, 5*time.Second)
	if ok {
		p.res.keys[label] = append(p.res.keys[label], lat)
		p.res.keyMatch[label] = append(p.res.keyMatch[label], match)
	} else {
		p.res.keyMiss[label]++
	}
	h.vlogf("  %s %q: %v (match %v) ok=%v", p.name, label, lat.Round(100*time.Microsecond), match.Round(100*time.Microsecond), ok)
	s.waitQuiet(300*time.Millisecond, time.Now(), time.Now().Add(3*time.Second))
}

func (h *harness) unmeasured(s *session, key, want string) {
	mark := s.offset()
	t0 := time.Now()
	s.write(key)
	if want != "" {
		s.waitFor(want, mark, t0.Add(5*time.Second))
	}
	s.waitQuiet(300*time.Millisecond, t0, t0.Add(3*time.Second))
}

// ---- idle and sync ---------------------------------------------------------------

// startAll runs every program with the given page size and waits until
// each shows the first connector, then lets them settle.
func (h *harness) startAll(perPage int) (map[string]*session, error) {
	sess := map[string]*session{}
	for _, p := range h.progs {
		s, err := h.launch(p, perPage)
		if err != nil {
			return sess, err
		}
		sess[p.name] = s
	}
	for _, p := range h.progs {
		if _, ok := sess[p.name].waitFor(namePrefix(h.names[0]), 0, time.Now().Add(20*time.Second)); !ok {
			return sess, fmt.Errorf("%s: no connector name within 20s; its screen ends with %q", p.name, sess[p.name].tail(300))
		}
	}
	sleepCtx(h.ctx, h.cfg.settle)
	return sess, nil
}
