package serve

import (
	"context"
	"fmt"
	"time"

	"github.com/charmbracelet/ssh"

	"github.com/pixee/pixee-tui/linemode"
)

// The line mode over SSH, for a person using a screen reader or a braille
// display: asked for with the command "accessible" (ssh -t host
// accessible), or given to a user whose serve.users entry says
// accessible: true. The same account, reads, hub, write checks and history
// as a dashboard session; lines instead of frames.

// linesCommand is the one command a session may give.
const linesCommand = "accessible"

// asksLines says whether the session asked for the line mode.
func asksLines(ss ssh.Session) bool {
	c := ss.Command()
	return len(c) == 1 && c[0] == linesCommand
}

// lineMode runs the line mode for the length of the session. With a
// terminal (ssh -t) the client's is raw: the line mode echoes what is
// typed and ends its lines with CR LF; without one, the client's own
// terminal edits the line.
func (s *Server) lineMode(ctx context.Context, x *session, winCh <-chan ssh.Window) {
	ss := x.ss
	a, err := s.account(x.sink.visible[x.start])
	if err != nil {
		fmt.Fprint(ss.Stderr(), "pixee-tui: the account cannot be opened now; the server's log says why\r\n")
		_ = ss.Exit(1)
		return
	}
	start := x.join(a)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	x.mu.Lock()
	x.stop = cancel
	reason := x.reason // Shutdown came first
	x.mu.Unlock()
	_, _, raw := ss.Pty()
	end := "\n"
	if raw {
		end = "\r\n"
	}
	if reason != "" {
		fmt.Fprintf(ss, "pixee-tui: %s%s", reason, end)
		_ = ss.Exit(0)
		return
	}
	go s.keepAlive(ctx, x)
	go s.idleEnds(ctx, x, winCh, nil)
	o := s.opts
	err = linemode.Run(ctx, linemode.Options{
		Account: start, Name: a.spec.Name, Host: a.spec.Host, Demo: o.Demo, User: x.user.Name,
		In:  activity{in: ss, x: x, limit: newInputLimit(time.Now)},
		Out: screen{ss: ss, x: x}, CRLF: raw, Bell: o.Alerts.Bell, StuckAfter: o.Alerts.StuckAfter,
		PerPage: o.PerPage, Refresh: o.Refresh, IdleRefresh: o.IdleRefresh, ListRefresh: o.ListRefresh,
		Inbox: x.sink.inbox(ctx),
	})
	x.mu.Lock()
	reason = x.reason
	x.mu.Unlock()
	if err != nil && reason == "" && ctx.Err() == nil {
		s.logf("session of %s: %v", x.user.Name, err)
	}
	if reason != "" {
		fmt.Fprintf(ss, "pixee-tui: %s%s", reason, end)
	}
	_ = ss.Exit(0)
}

// idleEnds ends the session when nobody typed for the idle timeout; a
// resize counts as a person there, and is handed to resized (nil: none).
// Both a dashboard's session and a line-mode session end this way.
func (s *Server) idleEnds(ctx context.Context, x *session, winCh <-chan ssh.Window, resized func(ssh.Window)) {
	idle := s.opts.Serve.IdleTimeout
	check := time.Hour
	if idle > 0 {
		check = min(max(idle/8, 100*time.Millisecond), 30*time.Second)
	}
	t := time.NewTicker(check)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case w, ok := <-winCh:
			if !ok {
				winCh = nil
				continue
			}
			x.lastInput.Store(time.Now().UnixNano())
			if resized != nil {
				resized(w)
			}
		case <-t.C:
			if idle > 0 && time.Since(time.Unix(0, x.lastInput.Load())) >= idle {
				x.end(fmt.Sprintf("session ended after %s without a key pressed; connect again any time", idle))
				return
			}
		}
	}
}

// inbox hands the hub's messages to a line mode until ctx ends.
func (s *sink) inbox(ctx context.Context) <-chan any {
	out := make(chan any, cap(s.ch))
	go func() {
		for {
			select {
			case msg := <-s.ch:
				select {
				case out <- msg:
				case <-ctx.Done():
					return
				}
			case <-s.done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
