package cli

import (
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/api/sandbox"
)

// `connectors jobs` prints the connector's runs newest first: the table
// with whole ids and times that say their offset, JSON with the documented
// fields in order, CSV with a header row.
func TestConnectorJobsInEveryFormat(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 5})
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	e.loc, e.width = paris, 60 // too narrow for every column: the id and the time stay whole
	id := e.sb.IDs()[0]
	d, _, err := e.session.Client.GetConnector(t.Context(), id)
	if err != nil || d.LastSyncAt == nil {
		t.Fatalf("detail: %+v, %v", d, err)
	}
	jobs, _, err := e.session.Client.ListJobs(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}

	out, errs, code := e.run("connectors", "jobs", id)
	if code != 0 {
		t.Fatalf("table: exit %d, %s", code, errs)
	}
	newest := d.LastSyncAt.In(paris).Format("2006-01-02 15:04:05 -07:00")
	if !strings.Contains(out, jobs[0].ID) || !strings.Contains(out, newest) || !strings.Contains(out, "+01:00") {
		t.Errorf("table lacks the newest job's whole id %s or its time %s:\n%.600s", jobs[0].ID, newest, out)
	}
	if strings.Index(out, jobs[0].ID) > strings.Index(out, jobs[1].ID) {
		t.Errorf("table is not newest first:\n%.600s", out)
	}

	out, errs, code = e.run("connectors", "jobs", id, "-o", "json")
	var got []map[string]json.RawMessage
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("json: exit %d, %s, stdout %.300q", code, errs, out)
	}
	if len(got) != len(jobs) || len(got) != api.MaxJobs {
		t.Errorf("json has %d jobs, want %d", len(got), api.MaxJobs)
	}
	first := strings.SplitN(out, "\n", 3)[1]
	if !regexp.MustCompile(`^  \{"id":"[^"]+","job_type":"push_stock","status":"[a-z_]+","pushed":\d+,"errors":\d+,"duration_ms":\d+,"completed_at":"` +
		regexp.QuoteMeta(d.LastSyncAt.UTC().Format(time.RFC3339)) + `"\},$`).MatchString(first) {
		t.Errorf("first JSON line %q: want the documented fields in order, completed_at = last_sync_at in RFC 3339", first)
	}

	out, errs, code = e.run("connectors", "jobs", id, "-o", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != len(jobs)+1 || strings.Join(recs[0], ",") != strings.Join(jobFields, ",") {
		t.Errorf("csv: exit %d, %v, %d records, header %v (%s)", code, err, len(recs), recs[0], errs)
	}
}

// A connector named by a part of its name is resolved as the other
// commands do, and said on stderr.
func TestConnectorJobsByName(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 5})
	out, errs, code := e.run("connectors", "jobs", "my shopify", "-o", "json")
	if code != 0 || !strings.Contains(errs, "→ My Shopify Store ("+sandbox.DocsConnectorID+")") || !json.Valid([]byte(out)) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// A server without /jobs: exit 1 with the one sentence, nothing on stdout,
// in every format.
func TestConnectorJobsOnAServerWithoutThem(t *testing.T) {
	e := newEnv(t, sandbox.Options{Connectors: 5, NoJobs: true})
	for _, format := range []string{"table", "json", "csv"} {
		out, errs, code := e.run("connectors", "jobs", e.sb.IDs()[0], "-o", format)
		if code != ExitAPI || out != "" || errs != "this server does not offer connector jobs (GET /connectors/{id}/jobs)\n" {
			t.Errorf("-o %s: exit %d, stdout %q, stderr %q", format, code, out, errs)
		}
	}
	if got := e.sb.Stats().ByRoute["GET (no route)"]; got != 1 {
		t.Errorf("the missing route was asked %d times, want once", got)
	}
}

// Server text in jobs is neutralised: no formula in a CSV cell.
func TestConnectorJobsCSVCellsAreNotFormulas(t *testing.T) {
	e, _ := newHostileEnv(t)
	out, errs, code := e.run("connectors", "jobs", "c1", "-o", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 3 {
		t.Fatalf("exit %d, %v, %q, %s", code, err, out, errs)
	}
	for _, cell := range recs[2][:3] {
		if strings.ContainsAny(cell[:1], "=+-@") {
			t.Errorf("cell %q starts a formula", cell)
		}
	}
	if recs[2][3] != "" || recs[2][4] != "" {
		t.Errorf("unknown counts = %q, %q; want empty cells", recs[2][3], recs[2][4])
	}
}
