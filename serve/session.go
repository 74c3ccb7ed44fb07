package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/config"
	"github.com/pixee/pixee-tui/internal/readahead"
	"github.com/pixee/pixee-tui/shared"
	"github.com/pixee/pixee-tui/ui"
)

// session is one connected dashboard.
type session struct {
	srv  *Server
	ss   ssh.Session
	user config.ServeUser
	sink *sink

	lastInput atomic.Int64  // unix nanoseconds of the last key, click or resize
	accepted  atomic.Int64  // bytes of input handed to the dashboard
	finished  chan struct{} // closed when the dashboard has returned

	mu     sync.Mutex
	p      *tea.Program
	stop   func()     // the line mode's end (linemode.go), instead of p
	reason string     // why the server ended it, said after the dashboard is gone
	joined []*account // whose hubs it is subscribed to
	start  int        // the session's index of the account it starts on
	closed bool       // unregistered: joins no more hubs
	ending bool       // told to quit: once is enough
}

// end quits the dashboard (which restores the terminal) and keeps why.
func (x *session) end(reason string) {
	x.mu.Lock()
	if x.reason == "" {
		x.reason = reason
	}
	p, stop, again := x.p, x.stop, x.ending
	x.ending = x.ending || p != nil || stop != nil
	x.mu.Unlock()
	if (p == nil && stop == nil) || again {
		return // not started (it reads reason first), or already ending
	}
	// A dashboard stuck writing to a client that stopped reading cannot
	// quit: after a grace period its connection is closed under it.
	if p == nil {
		stop()
	} else {
		go p.Quit() // blocks for as long as the dashboard is stuck
	}
	go func() {
		select {
		case <-x.finished:
		case <-time.After(endGrace):
			x.srv.cut.Add(1)
			x.srv.logf("session of %s did not end in %s: its connection is closed", x.user.Name, endGrace)
			// The connection, not the channel: a write waiting for the
			// client's window only ends with it.
			if c, ok := x.ss.Context().Value(ssh.ContextKeyConn).(gossh.Conn); ok {
				_ = c.Close()
			}
			_ = x.ss.Close()
		}
	}()
}

// endGrace is how long a dashboard told to quit has to do so.
const endGrace = 3 * time.Second

func (x *session) join(a *account) shared.Account {
	x.subscribe(a) // an account opened after the session ended: no subscription
	return a.sessionFor(x.user, nil)
}

// subscribe hands x a's events (its home screen's, or its dashboard's);
// false once the session has ended.
func (x *session) subscribe(a *account) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return false
	}
	if !slices.Contains(x.joined, a) {
		x.joined = append(x.joined, a)
		a.hub.Subscribe(x.sink)
	}
	return true
}

// activity is the session's input, noting when a person last typed, and
// bounded (inputLimit): a flood ends the session before it reaches the
// dashboard.
type activity struct {
	in    io.Reader // the session's input, less the terminal's answers (askBackground)
	x     *session
	limit *inputLimit // only the dashboard's reader goroutine reads
}

func (a activity) Read(p []byte) (int, error) {
	n, err := a.in.Read(p)
	if n > 0 {
		a.x.lastInput.Store(time.Now().UnixNano())
		if !a.limit.take(n) {
			a.x.srv.flooded.Add(1)
			a.x.srv.logf("session of %s: more input than a person sends; it is ended", a.x.user.Name)
			a.x.end("more input than a person types or pastes came at once: this session ends; connect again any time")
			return 0, io.EOF
		}
		a.x.accepted.Add(int64(n))
	}
	if err != nil && !errors.Is(err, io.EOF) {
		a.x.end("") // the channel broke: no key will come
	}
	// At EOF the dashboard goes on: ssh -t host </dev/null is a wall
	// screen. A session closed by its client is found by its writes.
	return n, err
}

// screen is the session's output: a write that fails means the client
// closed the session (its connection may stay up, multiplexed), and the
// dashboard ends instead of drawing for nobody until the idle timeout.
type screen struct {
	ss ssh.Session
	x  *session
}

func (w screen) Write(p []byte) (int, error) {
	n, err := w.ss.Write(p)
	if err != nil {
		w.x.end("")
	}
	return n, err
}

// guard is the outermost layer of every session: it logs who came and
// went, and turns a panic in a session into the end of that session alone.
func (s *Server) guard(next ssh.Handler) ssh.Handler {
	return func(ss ssh.Session) {
		u, _ := userOf(ss)
		start := time.Now()
		s.logf("%s (%s) connected from %s", u.Name, u.Role, ss.RemoteAddr())
		defer func() {
			if p := recover(); p != nil {
				s.logf("session of %s: internal error: %v", u.Name, p)
				fmt.Fprint(ss, "\r\npixee-tui: internal error; this session ends (please report it)\r\n")
				_ = ss.Exit(1)
			}
			s.logf("%s disconnected after %s", u.Name, time.Since(start).Round(time.Second))
		}()
		next(ss)
	}
}

// needTerminal refuses, in one line, a session that did not ask for a
// terminal (ssh -T, or a command): the dashboard needs one.
func (s *Server) needTerminal(next ssh.Handler) ssh.Handler {
	return func(ss ssh.Session) {
		if asksLines(ss) {
			next(ss) // the line mode needs no terminal (linemode.go)
			return
		}
		if len(ss.Command()) > 0 {
			fmt.Fprint(ss.Stderr(), "pixee-tui: the team server runs no commands, only the dashboard (or the line mode: ssh -t host accessible): connect with ssh -t and no command\r\n")
			_ = ss.Exit(1)
			return
		}
		if _, _, ok := ss.Pty(); !ok {
			fmt.Fprint(ss.Stderr(), "pixee-tui: the team dashboard needs a terminal: connect with ssh -t\r\n")
			_ = ss.Exit(1)
			return
		}
		next(ss)
	}
}

// dashboard runs one person's dashboard for the length of the session.
func (s *Server) dashboard(next ssh.Handler) ssh.Handler {
	return func(ss ssh.Session) {
		defer next(ss)
		// The key that authenticated the connection, not the last one
		// the callback was asked about.
		var u config.ServeUser
		ok := false
		if k := ss.PublicKey(); k != nil {
			u, ok = s.opts.Serve.Lookup(k)
		}
		if !ok {
			fmt.Fprint(ss.Stderr(), "pixee-tui: this key is not listed\r\n")
			_ = ss.Exit(1)
			return
		}
		x := &session{srv: s, ss: ss, user: u, sink: newSink(), finished: make(chan struct{})}
		x.sink.visible = s.visibleTo(u)
		if len(x.sink.visible) == 0 {
			s.logf("refused a session of %s: serve.users.%s.accounts lists none of the accounts served here", u.Name, u.Name)
			fmt.Fprintf(ss.Stderr(), "pixee-tui: %s may see none of the accounts this team server serves: ask whoever runs it\r\n", u.Name)
			_ = ss.Exit(1)
			return
		}
		x.start = x.startIndex(s.opts.Current)
		if len(x.sink.visible) > 1 && !s.opts.NoWatch && !u.Accessible && !asksLines(ss) {
			x.sink.home = newHomeView(s, x.sink.visible, x.start)
		}
		defer close(x.finished)
		x.lastInput.Store(time.Now().UnixNano())
		if why := s.register(x); why != "" {
			fmt.Fprintf(ss.Stderr(), "pixee-tui: %s\r\n", why)
			_ = ss.Exit(1)
			return
		}
		defer s.unregister(x)
		ctx, cancel := context.WithCancel(ss.Context())
		defer cancel()

		// Asked once: the SSH library updates the pty's window as resizes
		// come, unguarded; later sizes come through winCh.
		pty, winCh, _ := ss.Pty()
		// The SSH library hands each resize over and waits until it is
		// taken: once the dashboard is gone, resizes are taken and
		// dropped until the channel closes, or its requests would wait.
		defer func() {
			go func() {
				for range winCh {
				}
			}()
		}()
		if u.Accessible || asksLines(ss) {
			s.lineMode(ctx, x, winCh) // lines, and no question to the terminal
			return
		}
		// The terminal is asked before the dashboard reads a key: its
		// answer is never taken for one.
		dark, answered, in := askBackground(ss, askBackgroundFor)
		theme := sessionTheme(answered, dark, sshEnv(ss.Environ()).Getenv("COLORFGBG"), u.Theme, s.opts.Theme)
		r := renderer(ss, pty.Term, theme)
		m, err := s.model(ctx, x, r)
		if err != nil {
			// The details (a key command's stderr, paths) are the
			// server's: they are in its log.
			fmt.Fprint(ss.Stderr(), "pixee-tui: the account cannot be opened now; the server's log says why\r\n")
			_ = ss.Exit(1)
			return
		}
		// Read ahead of the dashboard, so a ctrl+c typed behind a long
		// burst of keys quits at once instead of after every key before it.
		input := readahead.New(activity{in: in, x: x, limit: newInputLimit(time.Now)}, func() {
			x.mu.Lock()
			p := x.p
			x.mu.Unlock()
			if p != nil {
				go p.Quit()
			}
		})
		defer input.Close()
		opts := []tea.ProgramOption{tea.WithInput(input), tea.WithOutput(screen{ss: ss, x: x}), tea.WithAltScreen(),
			tea.WithContext(ctx), tea.WithoutSignalHandler()}
		if s.opts.Mouse {
			opts = append(opts, tea.WithMouseCellMotion())
		}
		p := tea.NewProgram(m, opts...)
		x.mu.Lock()
		x.p = p
		reason := x.reason // Shutdown came first
		x.mu.Unlock()
		if reason != "" {
			fmt.Fprintf(ss, "pixee-tui: %s\r\n", reason)
			_ = ss.Exit(0)
			return
		}
		go x.sink.run(p)
		go s.follow(ctx, x, p, winCh)
		if h := x.sink.home; h != nil {
			go s.watchAll(ctx, x)
			go h.forward(ctx, func(snap accounts.Snapshot) { p.Send(snap) })
		}
		_, err = p.Run()
		x.sink.close()
		x.mu.Lock()
		reason = x.reason
		x.mu.Unlock()
		if err != nil && reason == "" && ctx.Err() == nil {
			reason = "the dashboard stopped on an internal error (please report it)"
			s.logf("session of %s: %v", u.Name, err)
		}
		if reason != "" {
			fmt.Fprintf(ss, "pixee-tui: %s\r\n", reason)
		}
		_ = ss.Exit(0)
	}
}

// follow passes resizes to the dashboard and ends it when nobody typed for
// the idle timeout.
func (s *Server) follow(ctx context.Context, x *session, p *tea.Program, winCh <-chan ssh.Window) {
	sizes := make(chan tea.WindowSizeMsg, 1)
	go sendSizes(ctx, p, sizes)
	go s.keepAlive(ctx, x)
	s.idleEnds(ctx, x, winCh, func(w ssh.Window) { latest(sizes, clampSize(w)) })
}

// The largest terminal a session may claim: a client's size goes into
// every frame's width, and a billion columns would take the memory of the
// whole server.
const maxCols, maxRows = 1000, 500

func clampSize(w ssh.Window) tea.WindowSizeMsg {
	return tea.WindowSizeMsg{Width: min(max(w.Width, 1), maxCols), Height: min(max(w.Height, 1), maxRows)}
}

// latest puts m in a one-slot queue, replacing what waits there: sizes in
// order, the last one wins, and a flood of resizes costs nothing.
func latest(q chan tea.WindowSizeMsg, m tea.WindowSizeMsg) {
	for {
		select {
		case q <- m:
			return
		default:
		}
		select {
		case <-q:
		default:
		}
	}
}

// sendSizes hands the dashboard its sizes, one at a time.
func sendSizes(ctx context.Context, p *tea.Program, q chan tea.WindowSizeMsg) {
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-q:
			p.Send(m)
		}
	}
}

// keepAliveEvery is how often the client is asked whether it is there: a
// dashboard may write nothing for minutes (nothing changed on screen), and
// a peer gone without a word is only found by asking.
const keepAliveEvery = 30 * time.Second

func (s *Server) keepAlive(ctx context.Context, x *session) {
	conn, ok := x.ss.Context().Value(ssh.ContextKeyConn).(gossh.Conn)
	if !ok {
		return
	}
	t := time.NewTicker(keepAliveEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		answered := make(chan error, 1)
		go func() {
			_, _, err := conn.SendRequest("keepalive@openssh.com", true, nil)
			answered <- err
		}()
		select {
		case <-ctx.Done():
			return
		case err := <-answered:
			if err == nil {
				continue
			}
		case <-time.After(3 * keepAliveEvery):
		}
		s.logf("session of %s: the client stopped answering; its connection is closed", x.user.Name)
		_ = conn.Close()
		return
	}
}

// model is a session's dashboard, on its start account, over the accounts
// its user may see.
func (s *Server) model(ctx context.Context, x *session, r *lipgloss.Renderer) (tea.Model, error) {
	o := s.opts
	first := x.sink.visible[x.start]
	a, err := s.account(first)
	if err != nil {
		return nil, err
	}
	start := x.join(a)
	var specs []shared.AccountSpec
	if len(x.sink.visible) > 1 {
		for _, i := range x.sink.visible {
			acc := o.Accounts[i]
			specs = append(specs, shared.AccountSpec{Name: acc.Name, Host: acc.Host, Open: func() (shared.Account, error) {
				a, err := s.account(i)
				if err != nil {
					return shared.Account{}, errors.New("cannot be opened now; the server's log says why")
				}
				return x.join(a), nil
			}, WritesOff: x.writesOff(acc)})
		}
	}
	opts := ui.Start{
		Context: ctx, Account: start, Name: a.spec.Name, Host: a.spec.Host, Demo: o.Demo,
		Alerts: o.Alerts, Terminal: x.ss, User: x.user.Name, Who: x.who(),
		NoExport: true, // it would write on the server, with its rights
		Accounts: specs, Current: x.start,
		PerPage: o.PerPage, Refresh: o.Refresh, IdleRefresh: o.IdleRefresh, ListRefresh: o.ListRefresh,
		Keys: o.Keys, Renderer: r,
	}
	if x.sink.home != nil {
		opts.Home = x.sink.home
	}
	return ui.New(opts.Options()), nil
}

// writesOff is why the session's user may send no write on acc: the
// merged list says it on acc's rows before the account is opened.
func (x *session) writesOff(acc Account) string {
	if x.user.RoleOn(acc.ID).MayWrite() {
		return ""
	}
	return "read-only: " + x.user.Name + " has the watch role on " + acc.Name + "; syncs and tests need operate"
}

// startIndex is the session's index of the server's start account, or of
// the first account it may see when not that one.
func (x *session) startIndex(current int) int {
	return max(x.sink.local(current), 0)
}

// who is the user and role for the header: the role, or, when it differs
// by account, the accounts of each role (only those the user may see).
func (x *session) who() string {
	on := map[config.Role][]string{}
	for _, i := range x.sink.visible {
		acc := x.srv.opts.Accounts[i]
		r := x.user.RoleOn(acc.ID)
		on[r] = append(on[r], acc.Name)
	}
	if len(on) == 1 {
		for r := range on {
			return x.user.Name + " · " + string(r)
		}
	}
	return x.user.Name + " · " + string(config.RoleOperate) + " on " + strings.Join(on[config.RoleOperate], ", ") +
		" · " + string(config.RoleWatch) + " on " + strings.Join(on[config.RoleWatch], ", ")
}

// register counts x among the server's sessions, or says why it may not
// start: the server is stopping, or its user has as many dashboards open
// as one person may.
func (s *Server) register(x *session) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return "the team server is stopping"
	}
	mine := 0
	for o := range s.sessions {
		if o.user.Name == x.user.Name {
			mine++
		}
	}
	if n := s.opts.Serve.SessionsPerUser; mine >= n {
		s.logf("refused a session of %s: %d open, the most one person may have", x.user.Name, mine)
		return fmt.Sprintf("%s has %d dashboards open on this team server, the most one person may (serve.sessions_per_user): close one first", x.user.Name, n)
	}
	s.sessions[x] = struct{}{}
	s.ended.Add(1)
	return ""
}

func (s *Server) unregister(x *session) {
	x.sink.close()
	x.mu.Lock()
	joined := x.joined
	x.closed = true
	x.mu.Unlock()
	for _, a := range joined {
		a.hub.Unsubscribe(x.sink)
	}
	s.mu.Lock()
	delete(s.sessions, x)
	s.mu.Unlock()
	s.ended.Done()
}

func fingerprint(k ssh.PublicKey) string { return gossh.FingerprintSHA256(k) }

// renderer draws for the session's terminal, as its TERM, COLORTERM and
// NO_COLOR say, on the background sessionTheme decided (the terminal was
// asked by askBackground, with a deadline; the renderer asks nothing).
func renderer(ss ssh.Session, term, theme string) *lipgloss.Renderer {
	env := sshEnv(append(ss.Environ(), "TERM="+term))
	r := lipgloss.NewRenderer(ss, termenv.WithEnvironment(env), termenv.WithUnsafe(), termenv.WithColorCache(true))
	if term == "" || term == "dumb" || theme == "none" {
		r.SetColorProfile(termenv.Ascii)
	}
	r.SetHasDarkBackground(theme != "light")
	return r
}

// sshEnv is a session's environment, as termenv reads it.
type sshEnv []string

func (e sshEnv) Environ() []string { return e }

func (e sshEnv) Getenv(k string) string {
	v := ""
	for _, kv := range e { // the last one wins, as TERM is appended
		if name, val, ok := strings.Cut(kv, "="); ok && name == k {
			v = val
		}
	}
	return v
}
