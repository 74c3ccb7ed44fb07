package monitor

import (
	"time"

	"github.com/pixee/pixee-tui/api"
)

// Kind is what a request asks the API.
type Kind int

const (
	KindPage        Kind = iota + 1 // GET a page of the connector list
	KindConnector                   // GET one connector's detail
	KindSyncEANs                    // POST a sync of some EANs
	KindSyncCatalog                 // POST a sync of the whole catalog
	KindTest                        // POST a connection test (syncs nothing)
)

// Request is one API call the monitor wants made. The caller makes it and
// hands the answer back to Apply as a Result carrying this Request.
type Request struct {
	Epoch   uint64
	Target  TargetID // which poll target asked; WriteTarget for syncs
	Seq     int      // the target's sequence number for this request
	Kind    Kind
	Page    int // KindPage: 1-based
	PerPage int // KindPage
	ID      string
	EANs    []string // KindSyncEANs
	// Fresh is how old an answer may be and serve as well as a new one: the
	// target's poll interval. A reader shared by several monitors (team
	// mode) may hand back an answer it received that recently instead of
	// asking the server again. 0: ask the server (a person asked).
	Fresh time.Duration
}

// Write reports whether the request changes anything on the server.
func (r Request) Write() bool {
	return r.Kind == KindSyncEANs || r.Kind == KindSyncCatalog || r.Kind == KindTest
}

// Result is the answer to a Request. The caller neutralises what it shows
// before handing it over; the monitor keeps values as given.
type Result struct {
	Request
	Items  []api.Connector      // KindPage
	Meta   api.PageMeta         // KindPage
	Detail *api.ConnectorDetail // KindConnector
	Synced *api.SyncResult      // KindSync*
	Tested *api.TestResult      // KindTest
	Jobs   []api.Job            // KindJobs
	Rate   api.RateLimit
	// PerPageCap is set when the server served a page at a smaller size
	// than asked for (api.Response.PerPageCap).
	PerPageCap int
	// At is when the answer was received, when that was earlier than its
	// handing over (a shared reader served an answer it already had): ages
	// shown count from it. Zero: just now.
	At  time.Time
	Err error
}

// Timer is a wake-up the monitor wants: after After, hand it back to Wake.
// A timer of an older generation (re-armed since) or epoch does nothing, so
// re-arming never starts a second loop.
type Timer struct {
	Epoch  uint64
	Target TargetID
	Gen    int
	After  time.Duration
	User   bool // the user asked (a new selection): runs even while paused
}

// Step is one thing the caller must do: send Request, arm Timer, or cancel
// a request that no longer matters.
type Step struct {
	Timer   *Timer   // set: arm it
	Cancel  *Request // set: cancel this request if it is still out; its answer will be dropped
	Request Request  // neither set: send it
}

// Plan is what to do, in order.
type Plan []Step

// Then is p followed by q.
func (p Plan) Then(q Plan) Plan {
	if len(p) == 0 {
		return q
	}
	return append(p, q...)
}
