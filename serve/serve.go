// Package serve is team mode: an SSH server (charmbracelet/wish) that gives
// every person who connects their own dashboard over the accounts of one
// config file, while each account is read once for everybody. One process
// holds the keys; watchers bring only an SSH public key.
//
// Each session runs its own ui.Model — its own size, colours, focus,
// filter and selection — whose monitor reads through the account's shared
// reads (reads.go): an answer young enough for a request's poll interval is
// handed to every session that asks, so N sessions on one account cost one
// session's requests and share one budget. Events go through the account's
// events stream (shared.EventStream, the dashboard's too; hub.go): kept
// once, written once, shown in every session. Writes
// are checked here, on the server: watchers are refused, operators are
// limited per minute, and every action is recorded with its SSH user.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"

	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui"
)

// Options configure a team server.
type Options struct {
	HostKeyPath string // generated on first start (ed25519, mode 0600)
	Serve       config.Serve
	Accounts    []Account // at least one; sessions start on Accounts[Current]
	Current     int

	// The dashboard every session gets.
	Keys        *keymap.KeyMap
	Alerts      ui.AlertOptions
	Mouse       bool
	Theme       string // auto, dark, light or none (config theme:)
	Demo        bool
	PerPage     int
	Refresh     time.Duration
	IdleRefresh time.Duration
	ListRefresh time.Duration

	// NoWatch: an account is read only while a session looks at it, and
	// nothing is recorded while nobody does (watch.go).
	NoWatch bool

	Log io.Writer        // one line per connection, refusal and end; nil = none
	Now func() time.Time // default time.Now
}

// deadPeer is how long a connection may see no traffic at all.
const deadPeer = 2 * time.Minute

// Server is a team server. Build it with New, run it with Serve, end it
// with Shutdown.
type Server struct {
	opts    Options
	ssh     *ssh.Server
	openers []opener
	lines   chan string   // the log's queue (logf)
	logStop chan struct{} // closed by Shutdown: write what is queued and stop
	logDone chan struct{} // closed when the log is written out, after Shutdown
	// watching ends the accounts' watches (watch.go) at Shutdown.
	watching context.Context
	unwatch  context.CancelFunc

	gate      *gate
	cut       atomic.Int64 // sessions whose connection was closed after they did not quit
	flooded   atomic.Int64 // sessions ended for more input than a person sends
	mu        sync.Mutex
	sessions  map[*session]struct{}
	listeners []net.Listener
	closing   bool
	ended     sync.WaitGroup
}

// New builds the server and opens the start account, so that a key that
// cannot be read stops the server before anyone connects.
func New(o Options) (*Server, error) {
	if len(o.Accounts) == 0 {
		return nil, errors.New("serve: no account to serve")
	}
	if o.Current < 0 || o.Current >= len(o.Accounts) {
		return nil, fmt.Errorf("serve: start account %d of %d", o.Current, len(o.Accounts))
	}
	if len(o.Serve.Users) == 0 {
		return nil, errors.New("no one may connect: list users under serve.users in the config file, or give --authorized-keys FILE")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Serve = o.Serve.WithDefaults()
	if err := checkHostKey(o.HostKeyPath); err != nil {
		return nil, err
	}
	s := &Server{opts: o, openers: make([]opener, len(o.Accounts)), sessions: map[*session]struct{}{},
		lines: make(chan string, 1024), logStop: make(chan struct{}), logDone: make(chan struct{})}
	s.watching, s.unwatch = context.WithCancel(context.Background())
	go s.writeLog()
	for _, u := range o.Serve.Users {
		if len(s.visibleTo(u)) == 0 { // said now, not only to the user when they connect
			s.logf("%s may see none of the accounts served here (serve.users.%s.accounts): their sessions are refused", u.Name, u.Name)
		}
	}
	if _, err := s.account(o.Current); err != nil {
		s.unwatch()
		close(s.logStop)
		<-s.logDone
		return nil, fmt.Errorf("%s: %w", o.Accounts[o.Current].Name, err)
	}
	if err := os.MkdirAll(filepath.Dir(o.HostKeyPath), 0o700); err != nil {
		s.unwatch()
		close(s.logStop)
		return nil, fmt.Errorf("host key: %w", err)
	}
	srv, err := wish.NewServer(
		wish.WithHostKeyPath(o.HostKeyPath),
		wish.WithPublicKeyAuth(s.allowed),
		wish.WithVersion("pixee-tui"),
		// Every dashboard writes at least its clock each second, so a
		// connection with nothing read or written this long is a peer gone
		// without a word.
		wish.WithIdleTimeout(deadPeer),
		wish.WithMiddleware(s.dashboard, s.needTerminal, s.guard),
	)
	if err != nil {
		s.unwatch()
		close(s.logStop)
		if _, statErr := os.Stat(o.HostKeyPath); statErr == nil {
			// A host key file that cannot be read (cut short by a kill
			// while it was written): say which, and how to get a new one.
			return nil, fmt.Errorf("ssh server: the host key %s cannot be used (%w); move it aside and a new one is made (clients will warn that it changed)", o.HostKeyPath, err)
		}
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	// Without a handler for them, passwords and keyboard-interactive are
	// not offered: public keys only.
	srv.ServerConfigCallback = serverConfig
	for i, k := range srv.HostSigners {
		srv.HostSigners[i] = sha2Only(k)
	}
	s.gate = newGate(s)
	srv.ConnCallback = s.gate.admit
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel}
	s.ssh = srv
	return s, nil
}

// Serve accepts sessions on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return ln.Close()
	}
	// Kept here too: a Shutdown that comes before the SSH server has
	// taken ln must still close it.
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()
	err := s.ssh.Serve(ln)
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing || errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown ends every session cleanly — each dashboard quits and restores
// its terminal, then is told why — and stops the server. Sessions still
// running when ctx ends are cut.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for _, ln := range s.listeners {
		_ = ln.Close() // no new session from here on
	}
	all := make([]*session, 0, len(s.sessions))
	for ss := range s.sessions {
		all = append(all, ss)
	}
	s.mu.Unlock()
	for _, ss := range all {
		ss.end("the team server is stopping")
	}
	done := make(chan struct{})
	go func() { s.ended.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	err := s.ssh.Close()
	if errors.Is(err, ssh.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		err = nil // the listener was closed above
	}
	s.unwatch() // the watches stop publishing
	for i := range s.openers {
		if a := s.opened(i); a != nil {
			a.hub.Close(ctx) // the last events written
		}
	}
	close(s.logStop)
	select {
	case <-s.logDone:
	case <-ctx.Done():
	}
	return err
}

// Sessions is how many dashboards are connected.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Requests is how many reads of account i were sent to the API, and how
// many were served by another session's answer.
func (s *Server) Requests(i int) (sent, shared int64) {
	a := s.opened(i)
	if a == nil {
		return 0, 0
	}
	return a.reads.Requests()
}

// account opens account i once.
func (s *Server) account(i int) (*account, error) {
	op := &s.openers[i]
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.a != nil {
		return op.a, nil
	}
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing { // a session's late opening: nothing is started after Shutdown
		return nil, errors.New("the team server is stopping")
	}
	spec := s.opts.Accounts[i]
	base, err := spec.Open()
	op.failed = err != nil
	if err != nil {
		s.logf("%s: %v", spec.Name, err)
		return nil, err
	}
	op.a = &account{spec: spec, index: i, base: base,
		reads: newReads(base.API, s.opts.Now, s.opts.Serve.ReadsPerUser),
		// What the stream keeps goes to the team's tools once, however
		// many sessions saw it; a delivery that fails comes back as an
		// event (ReportTo below).
		hub:     shared.NewEventStream(shared.StreamOptions{Account: i, Log: base.Events, Notify: base.Notify, Logf: s.logf}),
		limiter: newLimiter(s.opts.Serve.SyncsPerUser, s.opts.Now)}
	for _, w := range base.Warnings {
		s.logf("%s: %s", spec.Name, w)
	}
	if base.Events != nil {
		if seen, _, err := base.Events.Load(); err == nil {
			op.a.hub.Seed(seen)
		}
	}
	if base.Notify != nil {
		base.Notify.ReportTo(op.a.hub.Publish)
	}
	if !s.opts.NoWatch {
		a := op.a
		a.watched, a.inspect = true, make(chan func(*monitor.Monitor))
		go shared.Keep(s.watching, func() *shared.Watch {
			return shared.NewWatch(shared.WatchOptions{API: readsOnly{a.reads}, Now: s.opts.Now,
				PerPage: s.opts.PerPage, ListRefresh: s.opts.ListRefresh, Events: a.hub.Publish,
				Fleet:   func(v *monitor.FleetView) { a.fleet.Store(v); s.homeChanged(i) }, // the merged lists follow the index
				Summary: func(sum shared.Summary) { a.setSummary(sum); s.homeChanged(i) },
				Inspect: a.inspect})
		}, s.logf)
	}
	return op.a, nil
}

// failedToOpen says the last opening of account i failed.
func (s *Server) failedToOpen(i int) bool {
	op := &s.openers[i]
	op.mu.Lock()
	defer op.mu.Unlock()
	return op.a == nil && op.failed
}

// opened is account i if it is open.
func (s *Server) opened(i int) *account {
	if i < 0 || i >= len(s.openers) {
		return nil
	}
	op := &s.openers[i]
	op.mu.Lock()
	defer op.mu.Unlock()
	return op.a
}

// logf writes a line to the server's log through a queue: a log that
// blocks (a paused terminal, a full pipe) must not stall logins or the
// sessions that publish events. Lines beyond the queue are dropped.
func (s *Server) logf(format string, args ...any) {
	if s.opts.Log == nil {
		return
	}
	line := time.Now().Format("2006-01-02 15:04:05") + " serve: " + fmt.Sprintf(format, args...) + "\n"
	select {
	case s.lines <- line:
	default:
	}
}

func (s *Server) writeLog() {
	defer close(s.logDone)
	for {
		select {
		case l := <-s.lines:
			_, _ = io.WriteString(s.opts.Log, l)
		case <-s.logStop:
			for {
				select {
				case l := <-s.lines:
					_, _ = io.WriteString(s.opts.Log, l)
				default:
					return
				}
			}
		}
	}
}

type userKey struct{}

// allowed admits listed public keys only, and remembers whose.
func (s *Server) allowed(ctx ssh.Context, key ssh.PublicKey) bool {
	u, ok := s.opts.Serve.Lookup(key)
	if !ok {
		s.logf("refused key %s from %s (not listed)", fingerprint(key), ctx.RemoteAddr())
		return false
	}
	ctx.SetValue(userKey{}, u)
	return true
}

func userOf(ss ssh.Session) (config.ServeUser, bool) {
	u, ok := ss.Context().Value(userKey{}).(config.ServeUser)
	return u, ok
}
