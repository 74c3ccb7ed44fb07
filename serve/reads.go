package serve

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/shared"
)

// reads are an account's reads, shared by every session's monitor and the
// account's watch (shared.Reads): an answer young enough for a request's
// poll interval serves it, and a request already on its way is joined, so
// N sessions on the same page, or looking at the same connector, cost one
// session's requests, and a person's refresh costs one request per target
// every few seconds however fast it repeats. What is the team server's
// own: each user's requests that do go to the API are limited per minute
// (perUser), so one person cannot spend the team's budget.
type reads struct {
	*shared.Reads
	perUser *limiter // nil: no limit
}

// newReads shares c's reads; perUser > 0 limits each user's requests that
// go to the API (the user named by asUser; the account's own watch is
// nobody) to that many a minute.
func newReads(c monitor.API, now func() time.Time, perUser int) *reads {
	r := &reads{Reads: shared.NewReads(context.Background(), c, now)}
	r.Share(true) // every session's monitor and the watch read the account
	if perUser > 0 {
		r.perUser = newLimiter(perUser, now)
		r.Admit(r.admit)
	}
	return r
}

// readerKey carries, in a read's context, the user it is read for.
type readerKey struct{}

// asUser is ctx for a read by user: within user's limit.
func asUser(ctx context.Context, user string) context.Context {
	return context.WithValue(ctx, readerKey{}, user)
}

// admit lets a read go to the API within its user's limit, or says how
// long until it may.
func (r *reads) admit(ctx context.Context) error {
	user, _ := ctx.Value(readerKey{}).(string)
	if user == "" {
		return nil
	}
	if wait := r.perUser.take(user); wait > 0 {
		return &ReadLimitError{User: user, Limit: r.perUser.n, Wait: wait}
	}
	return nil
}

// ReadLimitError is a read beyond a user's share of the account's reads:
// not sent. It holds that user's dashboard back as a 429 would (Unwrap),
// and says why.
type ReadLimitError struct {
	User  string
	Limit int
	Wait  time.Duration
}

func (e *ReadLimitError) Error() string {
	return fmt.Sprintf("%s asked for %d reads of this account in the last minute, the most one person may on this team server; the next in %s",
		e.User, e.Limit, e.Wait.Round(time.Second))
}

func (e *ReadLimitError) Unwrap() error {
	return &api.APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: e.Wait}
}
