package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/history"
	"github.com/pixee/pixee-tui/ui/termtext"
)

func historyCmd(o *IO, open Opener) *cobra.Command {
	var connector, output string
	cmd := &cobra.Command{
		Use:   "history",
		Short: "The syncs and connection tests triggered from pixee-tui on this account",
		Long: `The history of actions on this account, newest first: time, user, connector,
what was synced, the sync id and the outcome (queued, drained, failed,
rejected, or "outcome unknown" when the answer never came). -o json prints
one object per action.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := outputFlag(output, "table", "json"); err != nil {
				return err
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			if s.History == nil {
				return errors.New("the history of this account could not be opened")
			}
			acts, warns, err := s.History.Actions()
			for _, w := range warns {
				fmt.Fprintln(o.Err, w)
			}
			if err != nil {
				return err
			}
			keep, err := actionsOn(o, acts, connector)
			if err != nil {
				return err
			}
			if output == "json" {
				raws := make([]json.RawMessage, len(keep))
				for i, a := range keep {
					raws[i], _ = json.Marshal(a)
				}
				return writeJSONArray(o.Out, raws, []string{"id", "time", "account", "user", "connector_id", "connector_name", "kind"})
			}
			rows := make([][]string, len(keep))
			for i, a := range keep {
				what := "whole catalog"
				switch a.Kind {
				case history.SyncEANs:
					what = fmt.Sprintf("%d EANs", len(a.EANs))
					if len(a.EANs) == 1 {
						what = a.EANs[0]
					}
				case history.TestConn:
					what = "connection test"
				}
				rows[i] = []string{a.Time.In(o.Location).Format(secondLayout), a.User, a.ConnectorID, what, a.Outcome, a.SyncID,
					strings.TrimSpace(a.ConnectorName)}
			}
			return table(o.Out, o.Width, []string{"TIME", "USER", "CONNECTOR", "WHAT", "OUTCOME", "SYNC ID", "NAME"}, rows,
				func(_, col int) bool { return col == 0 || col == 2 || col == 5 }) // times and ids whole
		},
	}
	cmd.Flags().StringVar(&connector, "connector", "", "only actions on this connector: its id, a unique start of its id, or its name")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	return cmd
}

// actionsOn keeps the actions on the connector ref names, matched like
// every command's connector (id, id start, name, part of a name) against
// the connectors the history itself holds: no request is needed, and a
// connector deleted since is still found. A ref no action is on keeps
// nothing, said on stderr.
func actionsOn(o *IO, acts []history.Action, ref string) ([]history.Action, error) {
	if ref == "" {
		return acts, nil
	}
	var known []api.Connector
	seen := map[string]bool{}
	for _, a := range acts { // newest first: a connector's latest name
		if !seen[a.ConnectorID] {
			seen[a.ConnectorID] = true
			known = append(known, api.Connector{ID: a.ConnectorID, Name: a.ConnectorName})
		}
	}
	c, err := match(o, known, ref)
	var notFound *Error
	if errors.As(err, &notFound) && notFound.Code == ExitAPI {
		fmt.Fprintf(o.Err, "no action in this history is on a connector named or numbered %q\n", termtext.Sanitize(ref))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if c.ID != ref {
		fmt.Fprintf(o.Err, "→ %s (%s)\n", termtext.Sanitize(c.Name), termtext.Sanitize(c.ID))
	}
	var keep []history.Action
	for _, a := range acts {
		if a.ConnectorID == c.ID {
			keep = append(keep, a)
		}
	}
	return keep, nil
}
