// Package cli is pixee-tui's commands for scripts: connectors list, get,
// sync and test, and the history of actions. They share the dashboard's
// configuration, profiles, auth and read-only mode (main builds a Session
// for them), print nothing but the result on stdout, put errors on stderr
// in one line, and exit with documented codes (see Exit*).
package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/write"
)

// Exit codes, documented in the README and in --help.
const (
	ExitOK             = 0 // done
	ExitAPI            = 1 // the API or the network said no
	ExitUsage          = 2 // bad flags or input, rejected EANs, read-only
	ExitOutcomeUnknown = 3 // a POST was sent and no answer came: check before retrying
	ExitRateLimited    = 4 // rate limited: retry after the wait on stderr
	ExitSyncFailed     = 5 // the server did not queue the sync, or (--wait) it ended with an error
)

// Error is a failure with its exit code.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func usageErr(format string, args ...any) error {
	return &Error{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// ExitCode is the exit code for err (nil is ExitOK).
func ExitCode(err error) int {
	var e *Error
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &e):
		return e.Code
	case api.OutcomeUnknown(err):
		return ExitOutcomeUnknown
	case errors.Is(err, api.ErrSyncRejected):
		return ExitSyncFailed
	case errors.Is(err, api.ErrRateLimited):
		return ExitRateLimited
	case errors.Is(err, api.ErrReadOnly):
		return ExitUsage
	}
	return ExitAPI
}

// Session is one account as the commands use it.
type Session struct {
	Client  *api.Client
	History *history.Store // nil: no history (it could not be opened): nothing is sent
	// NoHistory is why History is nil, said when a write is refused for it.
	NoHistory error
	Account   string // for the history
	User      string // who acts, for the history
	ReadOnly  bool
}

// writer is the account's one write path.
func (s *Session) writer() write.Writer {
	return write.Writer{API: s.Client, History: s.History, NoHistory: s.NoHistory, User: s.User}
}

// IO is where the commands read and write, and what those are. Commands
// puts a neutraliser (termWriter) in front of Out and Err: whatever the
// commands print, server text never reaches the terminal raw.
type IO struct {
	In             io.Reader
	Out, Err       io.Writer
	InTTY, OutTTY  bool
	ErrTTY         bool
	Width          int // of the terminal on stdout; 0 when not one
	Now            func() time.Time
	Sleep          func(ctx context.Context, d time.Duration) error
	PollEvery      time.Duration // --wait's refresh (default 2s)
	MaxListRequest int           // --all stops after this many pages (default 10 000)
	MaxEANInput    int64         // --eans-file: a larger input is refused (default 8 MiB)
	MaxRateWait    time.Duration // a 429 asking to wait longer is not waited out (default 5m)

	rawErr io.Writer // Err without the neutraliser, for the progress bar's \r only
}

func (o *IO) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	if o.PollEvery <= 0 {
		o.PollEvery = 2 * time.Second
	}
	if o.MaxListRequest <= 0 {
		o.MaxListRequest = 10000
	}
	if o.MaxEANInput <= 0 {
		o.MaxEANInput = 8 << 20
	}
	if o.MaxRateWait <= 0 {
		o.MaxRateWait = 5 * time.Minute
	}
	if _, ok := o.Err.(*termWriter); !ok {
		o.rawErr, o.Err = o.Err, &termWriter{w: o.Err}
	}
	if _, ok := o.Out.(*termWriter); !ok {
		o.Out = &termWriter{w: o.Out}
	}
}

// termWriter neutralises everything written through it for a terminal:
// termtext.SanitizeMultiline, with tabs kept (they separate the fields of
// a result line). Results are already made safe where they are formatted
// (table cells, JSON escapes, CSV cells); this is the one place no line —
// result, error, warning, prompt or progress — can get past. A character
// split between two writes (a buffered CSV writer cuts anywhere) is held
// until it is whole.
type termWriter struct {
	w    io.Writer
	tail []byte // the start of a UTF-8 sequence the last write ended in
}

func (t *termWriter) Write(p []byte) (int, error) {
	b := append(t.tail, p...)
	cut := len(b)
	for i := len(b) - 1; i >= 0 && i > len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				cut = i
			}
			break
		}
	}
	t.tail = bytes.Clone(b[cut:])
	parts := strings.Split(string(b[:cut]), "\t")
	for i, s := range parts {
		parts[i] = termtext.SanitizeMultiline(s)
	}
	if _, err := io.WriteString(t.w, strings.Join(parts, "\t")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// cleanError is an error whose text is neutralised for the terminal (a
// 404's detail, a last_error, a rejected sync's detail are server text),
// with its exit code and chain kept.
type cleanError struct{ err error }

func (e *cleanError) Error() string { return termtext.SanitizeMultiline(e.err.Error()) }
func (e *cleanError) Unwrap() error { return e.err }

// neutraliseErrors makes every error cmd and its subcommands return a
// cleanError: main prints them on stderr.
func neutraliseErrors(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			if err := run(c, args); err != nil {
				return &cleanError{err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		neutraliseErrors(sub)
	}
}

// Opener builds the session when a command runs (after flags are parsed).
type Opener func(ctx context.Context) (*Session, error)

// Commands are the script commands, to add to the root command.
func Commands(o *IO, open Opener) []*cobra.Command {
	o.defaults()
	cmds := []*cobra.Command{connectorsCmd(o, open), historyCmd(o, open)}
	for _, c := range cmds {
		neutraliseErrors(c)
	}
	return cmds
}

// outputFlag checks -o against the formats a command has.
func outputFlag(v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return usageErr("-o must be one of %v, got %q", allowed, v)
}
