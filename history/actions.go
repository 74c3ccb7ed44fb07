package history

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pixee/pixee-tui/ui/termtext"
)

// Kinds of action.
const (
	SyncEANs    = "sync_eans"
	SyncCatalog = "sync_catalog"
	TestConn    = "test"
)

// Outcomes. An action with no result recorded is OutcomeUnknown: its
// request may or may not have reached the server.
const (
	OutcomeUnknown  = "outcome unknown"
	OutcomeQueued   = "queued"   // accepted; pending not yet seen at 0
	OutcomeDrained  = "drained"  // pending seen back at 0 afterwards
	OutcomeFailed   = "failed"   // refused by the server (an API error), or ended with last_error
	OutcomeRejected = "rejected" // answered, but with a status other than queued
	OutcomeOK       = "ok"       // a connection test that passed
)

// Action is one sync or connection test triggered from pixee-tui.
type Action struct {
	ID            string    `json:"id"`
	Time          time.Time `json:"time"`
	Account       string    `json:"account"`
	User          string    `json:"user,omitempty"` // the SSH user in team mode
	ConnectorID   string    `json:"connector_id"`
	ConnectorName string    `json:"connector_name"`
	Kind          string    `json:"kind"`
	EANs          []string  `json:"eans,omitempty"`

	// Filled by later records.
	Outcome string    `json:"outcome"`
	SyncID  string    `json:"sync_id,omitempty"`
	Answer  string    `json:"answer,omitempty"` // the server's status or error, one line
	Queued  *int      `json:"products_queued,omitempty"`
	Updated time.Time `json:"updated,omitzero"`
}

// Result is what became of an action: its answer, then what was observed.
type Result struct {
	Outcome string
	SyncID  string
	Answer  string
	Queued  *int
}

// record is one line of the file: an intent (Action) or a result for one.
type record struct {
	Op     string    `json:"op"` // "intent" or "result"
	Action *Action   `json:"action,omitempty"`
	ID     string    `json:"id,omitempty"`
	At     time.Time `json:"at"`
	Result *struct {
		Outcome string `json:"outcome"`
		SyncID  string `json:"sync_id,omitempty"`
		Answer  string `json:"answer,omitempty"`
		Queued  *int   `json:"products_queued,omitempty"`
	} `json:"result,omitempty"`
}

// Limits on what is kept.
type Limits struct {
	MaxAge     time.Duration // 0: 90 days (events: 30)
	MaxActions int           // records kept (actions, or events): 0 means 5000
	MaxBytes   int64         // events: the file is compacted past this size, and read from its last 2×MaxBytes; 0 means 4 MiB
}

// Store is one account's history of actions.
type Store struct {
	log     *log
	account string
	limits  Limits
}

// checkAction says whether raw is a record of the actions file.
func checkAction(raw []byte) error {
	var r record
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	if (r.Op == "intent" && r.Action != nil && r.Action.ID != "") || (r.Op == "result" && r.Result != nil) {
		return nil
	}
	return fmt.Errorf("unknown record")
}

// Open opens (creating as needed) the history of account under dir, and
// prunes it. Warnings (a torn record skipped, a corrupt line set aside)
// are for the user; the store works after them.
func Open(dir, account string, limits Limits, now func() time.Time) (*Store, []string, error) {
	if now == nil {
		now = time.Now
	}
	limits = limits.withDefaults(90 * 24 * time.Hour)
	l, err := newLog(dir, "actions.jsonl", now, checkAction)
	if err != nil {
		return nil, nil, err
	}
	s := &Store{log: l, account: account, limits: limits}
	warns, err := s.prune()
	return s, warns, err
}

// prune drops actions older than MaxAge and the oldest beyond MaxActions,
// with their results: which to keep is decided from what is read under
// the same hold of the lock as the rewrite.
func (s *Store) prune() ([]string, error) {
	cutoff := s.log.now().Add(-s.limits.MaxAge)
	return s.log.rewrite(0, func(lines [][]byte) []bool {
		type intent struct {
			id string
			t  time.Time
		}
		ids := make([]string, len(lines))
		var intents []intent
		for i, raw := range lines {
			var r record
			json.Unmarshal(raw, &r) //nolint:errcheck // checked when read
			ids[i] = r.ID
			if r.Action != nil {
				ids[i] = r.Action.ID
				intents = append(intents, intent{r.Action.ID, r.Action.Time})
			}
		}
		slices.Reverse(intents) // newest first, as Actions lists them
		slices.SortStableFunc(intents, func(a, b intent) int { return b.t.Compare(a.t) })
		keep := map[string]bool{}
		for i, in := range intents {
			if i < s.limits.MaxActions && in.t.After(cutoff) {
				keep[in.id] = true
			}
		}
		kept := make([]bool, len(lines))
		for i, id := range ids {
			kept[i] = keep[id]
		}
		return kept
	})
}

// Begin records the intent of an action durably (written and flushed) and
// returns it with its id. The request must be sent only after Begin
// returned nil: if the process dies before Finish, the action reads as
// OutcomeUnknown, never as nothing. Begin returns an error whenever the
// intent is not durably on disk (a read-only or full disk, a planted link,
// a record over the size one may hold).
func (s *Store) Begin(a Action) (Action, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return a, err
	}
	a.ID = hex.EncodeToString(b[:])
	if a.Time.IsZero() {
		a.Time = s.log.now()
	}
	a.Account = s.account
	a.Outcome = ""
	return a, s.log.append(record{Op: "intent", Action: &a, At: a.Time})
}

// Finish records what became of an action; it may be called again later
// with a newer outcome (queued, then drained).
func (s *Store) Finish(id string, r Result) error {
	rec := record{Op: "result", ID: id, At: s.log.now()}
	rec.Result = &struct {
		Outcome string `json:"outcome"`
		SyncID  string `json:"sync_id,omitempty"`
		Answer  string `json:"answer,omitempty"`
		Queued  *int   `json:"products_queued,omitempty"`
	}{r.Outcome, r.SyncID, termtext.OneLine(r.Answer, answerCap), r.Queued}
	return s.log.append(rec)
}

// answerCap is how much of a server's answer a record keeps: enough to
// read what went wrong, bounded however much the server said.
const answerCap = 500

// Actions reads the history as it is on disk (other processes' actions
// included), newest first.
func (s *Store) Actions() ([]Action, []string, error) {
	byID := map[string]*Action{}
	var order []*Action
	warns, err := s.log.read(0, func(raw []byte) error {
		var r record
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		switch {
		case r.Op == "intent" && r.Action != nil && r.Action.ID != "":
			a := *r.Action
			a.Outcome = OutcomeUnknown
			byID[a.ID] = &a
			order = append(order, &a)
		case r.Op == "result" && r.Result != nil:
			if a := byID[r.ID]; a != nil {
				a.Outcome, a.Updated = r.Result.Outcome, r.At
				if r.Result.SyncID != "" {
					a.SyncID = r.Result.SyncID
				}
				if r.Result.Answer != "" {
					a.Answer = r.Result.Answer
				}
				if r.Result.Queued != nil {
					a.Queued = r.Result.Queued
				}
			}
		default:
			return fmt.Errorf("unknown record")
		}
		return nil
	})
	out := make([]Action, 0, len(order))
	for i := len(order) - 1; i >= 0; i-- {
		out = append(out, *order[i])
	}
	slices.SortStableFunc(out, func(a, b Action) int { return b.Time.Compare(a.Time) })
	return out, warns, err
}

// Recent returns the actions on connector within d of now, newest first:
// what the sync confirmation warns about.
func (s *Store) Recent(connector string, d time.Duration) ([]Action, error) {
	acts, _, err := s.Actions()
	cutoff := s.log.now().Add(-d)
	var out []Action
	for _, a := range acts {
		if a.ConnectorID == connector && a.Time.After(cutoff) {
			out = append(out, a)
		}
	}
	return out, err
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// AccountDir is where an account's state lives under stateHome (for
// example xdg.StateHome/pixee-tui): a profile's id, or, for a start from
// environment variables alone, the base URL's host and a hash of the whole
// URL, so two accounts' state never mixes.
func AccountDir(stateHome, profile, baseURL string) string {
	if profile != "" {
		return filepath.Join(stateHome, "accounts", "profile-"+unsafeName.ReplaceAllString(profile, "_"))
	}
	host := "api"
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		host = unsafeName.ReplaceAllString(u.Host, "_")
	}
	sum := sha256.Sum256([]byte(strings.TrimRight(baseURL, "/")))
	return filepath.Join(stateHome, "accounts", "url-"+host+"-"+hex.EncodeToString(sum[:6]))
}
