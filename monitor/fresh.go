package monitor

import (
	"context"
	"time"
)

// A request's Fresh travels to the reader in its context: the API
// interface stays the client's, and a reader that shares answers between
// monitors (team mode) reads it there. Other readers ignore it.

type freshKey struct{}

// WithFresh is ctx carrying how old an answer may be and still serve.
func WithFresh(ctx context.Context, d time.Duration) context.Context {
	if d <= 0 {
		return ctx
	}
	return context.WithValue(ctx, freshKey{}, d)
}

// FreshOf is what WithFresh put in ctx; 0 asks the server.
func FreshOf(ctx context.Context) time.Duration {
	d, _ := ctx.Value(freshKey{}).(time.Duration)
	return d
}
