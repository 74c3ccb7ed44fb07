package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
	"github.com/pixee/pixee-tui/write"
)

// Copying goes through the terminal (OSC 52), so it works over SSH and
// inside tmux; the connection test is a POST that syncs nothing.

// maxCopy bounds what is put on the clipboard: terminals refuse more.
const maxCopy = 64 << 10

// clipboardSeq is what sets the clipboard to text: the OSC 52 sequence,
// and inside tmux the same again wrapped for passthrough. tmux takes the
// plain one itself with set-clipboard on (and ignores it with its default,
// external); it hands the wrapped one to the terminal only with
// allow-passthrough on (off by default since 3.3). Either alone misses a
// configuration; a terminal given both sets the clipboard twice to one text.
func clipboardSeq(text string, inTmux bool) string {
	seq := osc52.New(text)
	if !inTmux {
		return seq.String()
	}
	return seq.String() + seq.Tmux().String()
}

// copyText writes the clipboard sequence straight to the terminal, in one
// write, and says it was sent: whether the terminal took it cannot be
// known. Inside tmux, the first copy also asks tmux whether it passes the
// clipboard on (askTmuxClipboard).
func (m *Model) copyText(what, text string) tea.Cmd {
	out := m.opts.Terminal
	if out == nil {
		m.flashMsg("nothing to copy to: no terminal", true)
		return nil
	}
	if len(text) > maxCopy {
		m.flashMsg(what+" is too long to copy", true)
		return nil
	}
	seq := clipboardSeq(text, m.opts.InTmux)
	m.flashMsg("sent "+what+" to the terminal's clipboard (OSC 52)", false)
	write := func() tea.Msg {
		_, _ = io.WriteString(out, seq)
		return nil
	}
	if !m.opts.InTmux || m.tmuxAsked {
		return write
	}
	m.tmuxAsked = true
	return tea.Batch(write, askTmuxClipboard(m.ctx))
}

// InTmux says whether the program runs inside tmux (for OSC 52).
func InTmux() bool { return os.Getenv("TMUX") != "" }

// tmuxAskFor bounds the question to tmux: a server that does not answer
// costs nothing but the hint.
const tmuxAskFor = 2 * time.Second

// tmuxClipboardMsg is what tmux said of its set-clipboard option (and,
// when that is not on, of allow-passthrough), or why it is not known.
type tmuxClipboardMsg struct {
	setting     string
	passthrough string
	err         error
}

// askTmuxClipboard asks the tmux the program runs in whether it passes
// copies on, off the UI's path.
func askTmuxClipboard(ctx context.Context) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, tmuxAskFor)
		defer cancel()
		show := func(args ...string) (string, error) {
			out, err := exec.CommandContext(ctx, "tmux", append([]string{"show"}, args...)...).Output()
			return strings.TrimSpace(string(out)), err
		}
		setting, err := show("-gv", "set-clipboard")
		if err != nil || setting == "on" {
			return tmuxClipboardMsg{setting: setting, err: err}
		}
		pass, _ := show("-gpv", "allow-passthrough") // before 3.3 there is no such option: passed
		return tmuxClipboardMsg{setting: setting, passthrough: pass}
	}
}

// onTmuxClipboard tells, once, how to make tmux pass copies on when it
// takes neither sequence. Without an answer nothing is said: the copy may
// have worked.
func (m *Model) onTmuxClipboard(msg tmuxClipboardMsg) {
	switch {
	case msg.err != nil || msg.setting == "" || msg.setting == "on":
	case msg.passthrough == "on" || msg.passthrough == "all":
	default:
		m.flashMsg("tmux dropped it (set-clipboard "+termtext.Sanitize(msg.setting)+"): set -g set-clipboard on in ~/.tmux.conf", true)
	}
}

// incidentCard is the selected connector in plain text, for a ticket.
func (m *Model) incidentCard(c api.Connector) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", c.Name)
	fmt.Fprintf(&b, "id:        %s\n", c.ID)
	fmt.Fprintf(&b, "platform:  %s\n", c.Platform)
	fmt.Fprintf(&b, "status:    %s\n", c.Status)
	last := "never"
	switch {
	case c.LastSyncAt != nil:
		last = c.LastSyncAt.In(m.opts.Location).Format("2006-01-02 15:04 MST")
	case c.LastSyncAtUnknown:
		last = "?"
	}
	fmt.Fprintf(&b, "last sync: %s\n", last)
	if d := m.detail.Data(); d != nil && d.ID == c.ID {
		s := d.SyncStats
		fmt.Fprintf(&b, "synced:    %s\n", widget.CountText(s.ProductsSynced, s.ProductsSyncedUnknown))
		fmt.Fprintf(&b, "pending:   %s\n", widget.CountText(s.ProductsPending, s.ProductsPendingUnknown))
		if s.LastError != nil {
			fmt.Fprintf(&b, "last error: %s\n", strings.Join(strings.Fields(*s.LastError), " "))
		}
	}
	n := 0
	for _, a := range m.journal.actions {
		if a.ConnectorID != c.ID {
			continue
		}
		if n == 0 {
			b.WriteString("recent actions from pixee-tui:\n")
		}
		fmt.Fprintf(&b, "  %s\n", historyLine(a, m.opts.Location))
		if n++; n == 3 {
			break
		}
	}
	fmt.Fprintf(&b, "(pixee-tui, %s, %s)\n", m.host(), m.now().In(m.opts.Location).Format("2006-01-02 15:04 MST"))
	return b.String()
}

// startTest sends t's POST for the selected connector. No confirmation:
// it syncs nothing. Never retried.
func (m *Model) startTest() tea.Cmd {
	c, ok := m.list.Selected()
	if !ok {
		return nil
	}
	req, err := m.mon.Test(c.ID)
	var held *monitor.HoldError
	switch {
	case errors.As(err, &held):
		m.flashMsg("rate limited: nothing sent; try again in "+widget.Duration(held.Wait), true)
		return nil
	case err != nil:
		m.flashMsg(err.Error(), true)
		return nil
	}
	m.flashMsg("testing the connection of "+c.Name+"…", false)
	return m.do(monitor.Plan{{Request: req}})
}

// triggerTest sends one connection test through the write path.
func triggerTest(ctx context.Context, w write.Writer, r monitor.Request, name string) tea.Cmd {
	fail := func(err error) tea.Msg { return syncMsg{Result: monitor.Result{Request: r, Err: err}} }
	return guarded("testing the connection", fail, func() tea.Msg {
		o := w.Test(ctx, r.ID, name)
		msg := syncMsg{Result: monitor.Result{Request: r, Rate: rateOf(o.Resp), Err: cleanErr(o.Err)}}
		if o.Err == nil {
			cr := *o.Tested
			cr.Message = termtext.Sanitize(o.Tested.Message)
			msg.Tested = &cr
		}
		if o.Sent {
			act := o.Action
			msg.Action = &act
		}
		return msg
	})
}

// onTest shows what a connection test answered.
func (m *Model) onTest(t *monitor.TestDone) {
	switch {
	case errors.Is(t.Err, api.ErrNotSupported):
		m.flashMsg("this server does not support connection tests", true)
	case t.Err != nil:
		m.flashMsg("connection test: "+submitError(t.Err).Error(), true)
	case t.Result.OK != nil && !*t.Result.OK:
		m.flashMsg("✗ connection test failed: "+t.Result.Message, true)
	default:
		msg := t.Result.Message
		if msg == "" {
			msg = "the server answered without a message"
		}
		m.flashMsg("✓ connection test: "+msg, false)
	}
}
