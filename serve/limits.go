package serve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// What one connection may ask of the server. A person's ssh sends a few
// env requests (LANG, LC_*), opens one session, and types; anything far
// beyond is a client trying to take the server's memory or cores.
const (
	maxEnvRequests  = 32       // env requests kept per session
	maxEnvSize      = 4 << 10  // bytes of one env request
	maxChannels     = 4        // sessions open at once on one connection
	inputBurst      = 16 << 10 // bytes of input a session may send at once (a paste of 1 000 EANs)
	inputPerSecond  = 2 << 10  // and on average: far beyond typing, mouse motion included
	refusalDeadline = time.Second
)

// Algorithms are OpenSSH 9's defaults without SHA-1, as far as x/crypto
// implements them: a client that offers only SHA-1 key exchange, MACs or
// RSA signatures is refused, as OpenSSH refuses it.
var (
	keyExchanges = []string{
		gossh.KeyExchangeMLKEM768X25519, gossh.KeyExchangeCurve25519,
		gossh.KeyExchangeECDHP256, gossh.KeyExchangeECDHP384, gossh.KeyExchangeECDHP521,
		gossh.KeyExchangeDHGEXSHA256, gossh.KeyExchangeDH16SHA512, gossh.KeyExchangeDH14SHA256,
	}
	ciphers = []string{
		gossh.CipherChaCha20Poly1305, gossh.CipherAES128GCM, gossh.CipherAES256GCM,
		gossh.CipherAES128CTR, gossh.CipherAES192CTR, gossh.CipherAES256CTR,
	}
	macs = []string{gossh.HMACSHA256ETM, gossh.HMACSHA512ETM, gossh.HMACSHA256, gossh.HMACSHA512}
	// Public keys a person may log in with; ssh-rsa (RSA with SHA-1) is
	// not one, though an RSA key signing with SHA-2 is.
	publicKeyAuths = []string{
		gossh.KeyAlgoED25519, gossh.KeyAlgoSKED25519,
		gossh.KeyAlgoECDSA256, gossh.KeyAlgoECDSA384, gossh.KeyAlgoECDSA521, gossh.KeyAlgoSKECDSA256,
		gossh.KeyAlgoRSASHA512, gossh.KeyAlgoRSASHA256,
	}
)

// serverConfig is the SSH server's algorithms (charmbracelet/ssh adds the
// host key and the authentication callbacks).
func serverConfig(ssh.Context) *gossh.ServerConfig {
	c := &gossh.ServerConfig{PublicKeyAuthAlgorithms: publicKeyAuths}
	c.KeyExchanges, c.Ciphers, c.MACs = keyExchanges, ciphers, macs
	return c
}

// sha2Only makes an RSA host key sign with SHA-2 only; other keys are
// returned as they are.
func sha2Only(s ssh.Signer) ssh.Signer {
	as, ok := s.(gossh.AlgorithmSigner)
	if !ok || s.PublicKey().Type() != gossh.KeyAlgoRSA {
		return s
	}
	if r, err := gossh.NewSignerWithAlgorithms(as, []string{gossh.KeyAlgoRSASHA512, gossh.KeyAlgoRSASHA256}); err == nil {
		return r
	}
	return s
}

// checkHostKey refuses a host key file that others may read, as sshd does:
// whoever reads it can pose as this server to the whole team. A file that
// does not exist yet is made private.
func checkHostKey(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("host key: %w", err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("the host key %s may be read by others (mode %04o): whoever reads it can pose as this server; make it private with chmod 600 %s", path, perm, path)
	}
	return nil
}

// gate admits connections: at most MaxConnections at once, of which at
// most MaxStartups not yet logged in, and each must log in within
// LoginGrace. A connection counts as logged in once the SSH library has
// put it in its context, after the key's signature was checked.
type gate struct {
	s     *Server
	mu    sync.Mutex
	conns map[ssh.Context]struct{}

	refused, late atomic.Int64
}

func newGate(s *Server) *gate { return &gate{s: s, conns: map[ssh.Context]struct{}{}} }

func loggedIn(ctx ssh.Context) bool { return ctx.Value(ssh.ContextKeyConn) != nil }

// admit is the SSH server's ConnCallback: it returns nil to refuse c.
func (g *gate) admit(ctx ssh.Context, c net.Conn) net.Conn {
	o := g.s.opts.Serve
	g.mu.Lock()
	waiting := g.loggingInLocked()
	var why string
	switch {
	case len(g.conns) >= o.MaxConnections:
		why = fmt.Sprintf("%d connections are open, the most this server takes (serve.max_connections)", len(g.conns))
	case waiting >= o.MaxStartups:
		why = fmt.Sprintf("%d connections are logging in, the most this server takes at once (serve.max_startups)", waiting)
	default:
		g.conns[ctx] = struct{}{}
	}
	g.mu.Unlock()
	if why != "" {
		g.refused.Add(1)
		g.s.logf("refused a connection from %s: %s", c.RemoteAddr(), why)
		// Before the SSH version line, a client shows or logs other lines.
		_ = c.SetWriteDeadline(time.Now().Add(refusalDeadline))
		_, _ = io.WriteString(c, "pixee-tui: the team server is full; try again in a minute\r\n")
		return nil
	}
	ctx.SetValue(channelsKey{}, new(atomic.Int32))
	grace := time.AfterFunc(o.LoginGrace, func() {
		if !loggedIn(ctx) {
			g.late.Add(1)
			g.s.logf("closed the connection from %s: not logged in within %s", c.RemoteAddr(), o.LoginGrace)
			_ = c.Close()
		}
	})
	go func() {
		<-ctx.Done() // the connection closed, whatever closed it
		grace.Stop()
		g.mu.Lock()
		delete(g.conns, ctx)
		g.mu.Unlock()
	}()
	return c
}

// loggingIn is how many open connections have not logged in yet.
func (g *gate) loggingIn() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.loggingInLocked()
}

func (g *gate) loggingInLocked() int {
	n := 0
	for cc := range g.conns {
		if !loggedIn(cc) {
			n++
		}
	}
	return n
}

// open is how many connections are open now.
func (g *gate) open() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.conns)
}

type channelsKey struct{}

// sessionChannel is the SSH server's handler of session channels: at most
// maxChannels open at once on one connection, and each one's requests
// filtered (boundedRequests) before the SSH library keeps them.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	n, _ := ctx.Value(channelsKey{}).(*atomic.Int32) // set by admit
	if n == nil || n.Add(1) > maxChannels {
		n.Add(-1)
		s.logf("refused a session from %s: %d already open on its connection", conn.RemoteAddr(), maxChannels)
		_ = nc.Reject(gossh.ResourceShortage, fmt.Sprintf("pixee-tui: at most %d sessions on one connection", maxChannels))
		return
	}
	defer n.Add(-1)
	ssh.DefaultSessionHandler(srv, conn, boundedChannel{NewChannel: nc, s: s}, ctx)
}

// boundedChannel is a new session channel whose requests pass through
// boundRequests.
type boundedChannel struct {
	gossh.NewChannel
	s *Server
}

func (b boundedChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := b.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go b.s.boundRequests(reqs, out)
	return ch, out, nil
}

// boundRequests passes a session's requests on, but for env requests
// beyond maxEnvRequests or maxEnvSize: those are refused and forgotten,
// where the SSH library would keep every one for the session's life.
func (s *Server) boundRequests(in <-chan *gossh.Request, out chan<- *gossh.Request) {
	defer close(out)
	env, said := 0, false
	for req := range in {
		if req.Type == "env" {
			if env >= maxEnvRequests || len(req.Payload) > maxEnvSize {
				if !said {
					said = true
					s.logf("a session's env requests beyond %d, or larger than %d bytes, are refused", maxEnvRequests, maxEnvSize)
				}
				if req.WantReply {
					_ = req.Reply(false, nil)
				}
				continue
			}
			env++
		}
		out <- req
	}
}

// inputLimit bounds the bytes a session's dashboard reads: a token bucket
// of inputBurst bytes refilled at inputPerSecond. A person typing, moving
// the mouse or pasting a list of EANs stays far within it; a flood beyond
// it ends the session rather than keep a core busy parsing keys.
type inputLimit struct {
	now    func() time.Time
	tokens float64
	at     time.Time
}

func newInputLimit(now func() time.Time) *inputLimit {
	return &inputLimit{now: now, tokens: inputBurst, at: now()}
}

// take counts n bytes read, and says false when they are beyond the limit.
func (l *inputLimit) take(n int) bool {
	now := l.now()
	l.tokens = min(inputBurst, l.tokens+now.Sub(l.at).Seconds()*inputPerSecond)
	l.at = now
	l.tokens -= float64(n)
	return l.tokens >= 0
}
