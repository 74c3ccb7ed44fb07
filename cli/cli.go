// Package cli is pixee-tui's commands for scripts: connectors list, get,
// sync and test, and the history of actions. They share the dashboard's
// configuration, profiles, auth and read-only mode (main builds a Session
// for them), print nothing but the result on stdout, put errors on stderr
// in one line, and exit with documented codes (see Exit*).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/write"
)

// Exit codes, documented in the README and in --help.
const (
	ExitOK             = 0 // done
	ExitAPI            = 1 // the API or the network said no
	ExitUsage          = 2 // bad flags or input, rejected EANs, read-only
	ExitOutcomeUnknown = 3 // a POST was sent and no answer came: check before retrying
	ExitRateLimited    = 4 // rate limited: retry after the wait on stderr
	ExitSyncFailed     = 5 // --wait: the sync ended with an error, or the server did not accept it
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

// IO is where the commands read and write, and what those are.
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
}

// Opener builds the session when a command runs (after flags are parsed).
type Opener func(ctx context.Context) (*Session, error)

// Commands are the script commands, to add to the root command.
func Commands(o *IO, open Opener) []*cobra.Command {
	o.defaults()
	return []*cobra.Command{connectorsCmd(o, open), historyCmd(o, open)}
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
