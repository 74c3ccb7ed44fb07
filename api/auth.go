package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// AuthHeader is how the API key travels. Pixee's API has used two headers:
// "Authorization: Bearer <key>" (the seed era and the newer docs site) and
// "X-API-Key: <key>" (since the June 2026 changelog, which refuses Bearer
// for API keys). A refused header gets a 401 that looks exactly like a wrong
// key, so AuthAuto finds out which one the server takes.
type AuthHeader int

const (
	// AuthAuto lets the first GET decide: X-API-Key first, and on a 401 the
	// same GET once more with Authorization: Bearer. The header that got a
	// 2xx answer is kept for the life of the client.
	AuthAuto AuthHeader = iota
	// AuthXAPIKey always sends "X-API-Key: <key>".
	AuthXAPIKey
	// AuthBearer always sends "Authorization: Bearer <key>".
	AuthBearer
)

// String is the flag spelling: auto, x-api-key, bearer.
func (h AuthHeader) String() string {
	switch h {
	case AuthXAPIKey:
		return "x-api-key"
	case AuthBearer:
		return "bearer"
	}
	return "auto"
}

// ParseAuthHeader reads the flag spelling of an AuthHeader (case-insensitive).
func ParseAuthHeader(s string) (AuthHeader, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return AuthAuto, nil
	case "x-api-key", "xapikey", "x_api_key":
		return AuthXAPIKey, nil
	case "bearer", "authorization":
		return AuthBearer, nil
	}
	return AuthAuto, fmt.Errorf("auth header must be auto, x-api-key or bearer, got %.20q", s)
}

// WithAuthHeader sets how the key is sent (default AuthAuto).
func WithAuthHeader(h AuthHeader) Option {
	return func(c *Client) error {
		if h < AuthAuto || h > AuthBearer {
			return fmt.Errorf("api: unknown auth header %d", int(h))
		}
		c.authMode = h
		return nil
	}
}

// WithReadOnly makes a client that sends no POST at all: every sync and
// connection test fails with ErrReadOnly before anything leaves, whatever
// the caller above it does.
func WithReadOnly() Option {
	return func(c *Client) error {
		c.readOnly = true
		return nil
	}
}

// ReadOnly reports whether the client refuses to send writes.
func (c *Client) ReadOnly() bool { return c.readOnly }

// AuthHeader reports the header in use: the configured one, or with
// AuthAuto the one detected so far (AuthAuto while nothing is known yet).
func (c *Client) AuthHeader() AuthHeader {
	if c.authMode != AuthAuto {
		return c.authMode
	}
	return AuthHeader(c.authKnown.Load())
}

// AuthRefusedError is AuthAuto's verdict when the key was refused with
// both headers: a wrong key, or a server that wants something else.
type AuthRefusedError struct {
	Err error // the second 401
}

func (e *AuthRefusedError) Error() string {
	return "key refused with X-API-Key and with Authorization: Bearer — check the key, or set --auth-header"
}

func (e *AuthRefusedError) Unwrap() error { return e.Err }

// AuthNotCheckedError is a POST that was not sent because the header could
// not be detected first (AuthAuto probes with GETs only, and a write is
// never sent on a guess). The request never left, so its outcome is known.
type AuthNotCheckedError struct {
	Err error
}

func (e *AuthNotCheckedError) Error() string {
	return "not sent: could not check the key first: " + e.Err.Error()
}

// Is lets a refused key still match ErrUnauthorized, without exposing the
// probe's transport error (whose RequestSent is about the probe, not the
// POST) to OutcomeUnknown.
func (e *AuthNotCheckedError) Is(target error) bool { return errors.Is(e.Err, target) }

// authKey carries the header chosen for one request to the transport.
type authKey struct{}

func withAuth(ctx context.Context, h AuthHeader) context.Context {
	return context.WithValue(ctx, authKey{}, h)
}

// get sends a GET, detecting the auth header on the way when it is not
// known yet. Detection is serialised: GETs that arrive while a probe is out
// wait for its verdict instead of probing twice.
func (c *Client) get(ctx context.Context, path string, query url.Values, out any) (*Response, error) {
	if h := c.AuthHeader(); h != AuthAuto {
		return c.send(ctx, http.MethodGet, path, query, nil, out, h)
	}
	select {
	case c.probe <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.probe }()
	if h := c.AuthHeader(); h != AuthAuto {
		return c.send(ctx, http.MethodGet, path, query, nil, out, h) // learnt while waiting
	}
	first := AuthHeader(c.authFirst.Load())
	resp, err := c.send(ctx, http.MethodGet, path, query, nil, out, first)
	if err == nil {
		c.authKnown.Store(int32(first))
		return resp, nil
	}
	if !is401(resp) {
		return resp, err // says nothing about the header (a 404 route, an outage)
	}
	other := AuthBearer
	if first == AuthBearer {
		other = AuthXAPIKey
	}
	resp, err = c.send(ctx, http.MethodGet, path, query, nil, out, other)
	switch {
	case err == nil:
		c.authKnown.Store(int32(other))
	case is401(resp):
		return resp, &AuthRefusedError{Err: err}
	default:
		// Not refused, not proven either (say a 404 on the other list
		// spelling): the next probe starts with this one.
		c.authFirst.Store(int32(other))
	}
	return resp, err
}

// post sends a POST with the header already known, detecting it first with
// a one-connector list GET when nothing is known yet. It is never repeated.
func (c *Client) post(ctx context.Context, path string, body, out any) (*Response, error) {
	if c.readOnly {
		return nil, ErrReadOnly
	}
	if c.AuthHeader() == AuthAuto {
		// A probe already out decides for us: wait for its verdict.
		select {
		case c.probe <- struct{}{}:
			<-c.probe
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if c.AuthHeader() == AuthAuto {
		if _, _, err := c.ListConnectors(ctx, 1, 1); err != nil && c.AuthHeader() == AuthAuto {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &AuthNotCheckedError{Err: err}
		}
	}
	return c.send(ctx, http.MethodPost, path, nil, body, out, c.AuthHeader())
}

func is401(resp *Response) bool {
	return resp != nil && resp.StatusCode == http.StatusUnauthorized
}
