package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/ui/termtext"
)

// minIDPrefix is the shortest id prefix taken for an id: shorter, it would
// too often be part of a name, or ambiguous.
const minIDPrefix = 4

// maxCandidates is how many matches an ambiguous name lists.
const maxCandidates = 5

// lookup fetches the connector ref names, with its raw answer. ref is an
// id when the server has a connector with that exact id (one GET); else it
// is matched against the account's list, walked within the rate budget:
// a unique id prefix (at least minIDPrefix characters), then an exact
// name, then a unique part of a name, case ignored. The first of these
// with any match decides: one match is the connector, several are an
// ambiguity (exit 2, the first few listed on stderr), none is exit 1.
// A connector found other than by its exact id is said on stderr
// ("→ Name (id)") before anything else is done with it.
func lookup(ctx context.Context, o *IO, c *api.Client, ref string) (*api.ConnectorDetail, json.RawMessage, error) {
	if strings.TrimSpace(ref) == "" {
		return nil, nil, usageErr("name a connector: its id, a unique start of its id, or its name")
	}
	d, raw, _, err := c.GetConnectorRaw(ctx, ref)
	if err == nil || !errors.Is(err, api.ErrNotFound) {
		return d, raw, err // d.ID is ref: the client checks the answer is about it
	}
	items, _, err := walk(ctx, o, c, api.CappedPerPage, true)
	if err != nil {
		return nil, nil, fmt.Errorf("looking for %q among the connectors: %w", ref, err)
	}
	found, err := match(o, items, ref)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(o.Err, "→ %s (%s)\n", termtext.Sanitize(found.Name), termtext.Sanitize(found.ID))
	d, raw, _, err = c.GetConnectorRaw(ctx, found.ID)
	if errors.Is(err, api.ErrNotFound) {
		return nil, nil, fmt.Errorf("connector %s was removed while it was looked up: %w", found.ID, err)
	}
	return d, raw, err
}

// match picks the one connector ref names among items (see lookup).
func match(o *IO, items []api.Connector, ref string) (api.Connector, error) {
	lower := strings.ToLower(ref)
	stages := []struct {
		what string
		ok   func(c api.Connector) bool
	}{
		{"id", func(c api.Connector) bool { return c.ID == ref }},
		{"id start", func(c api.Connector) bool {
			return len(ref) >= minIDPrefix && strings.HasPrefix(strings.ToLower(c.ID), lower)
		}},
		{"name", func(c api.Connector) bool { return strings.EqualFold(c.Name, ref) }},
		{"part of a name", func(c api.Connector) bool { return strings.Contains(strings.ToLower(c.Name), lower) }},
	}
	for _, st := range stages {
		var hits []api.Connector
		for _, c := range items {
			if st.ok(c) {
				hits = append(hits, c)
			}
		}
		switch {
		case len(hits) == 1:
			return hits[0], nil
		case len(hits) > 1:
			for i, h := range hits {
				if i == maxCandidates {
					fmt.Fprintf(o.Err, "  … and %d more\n", len(hits)-maxCandidates)
					break
				}
				fmt.Fprintf(o.Err, "  %s  %s\n", termtext.Sanitize(h.ID), termtext.Sanitize(h.Name))
			}
			return api.Connector{}, usageErr("%q is ambiguous: %d connectors match by %s (listed above); give more of the name or the id", ref, len(hits), st.what)
		}
	}
	return api.Connector{}, &Error{Code: ExitAPI, Err: fmt.Errorf("no connector has the id, an id starting with, or a name containing %q (%d connectors)", ref, len(items))}
}
