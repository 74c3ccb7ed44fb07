package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/pixee/pixee-tui/api"
)

// jobFields are the columns of the jobs' JSON and CSV, in the docs' order.
var jobFields = []string{"id", "job_type", "status", "pushed", "errors", "duration_ms", "completed_at"}

// errNoJobs is what a server without GET /connectors/{id}/jobs gets.
var errNoJobs = errors.New("this server does not offer connector jobs (GET /connectors/{id}/jobs)")

func jobsCmd(o *IO, open Opener) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "jobs ID|NAME",
		Short: "List a connector's sync jobs, newest first (where the server offers them)",
		Long: `List a connector's sync jobs as the server keeps them (GET
/connectors/{id}/jobs, newer docs): newest first, at most 200. Statuses and
job types are shown as the server sent them.

-o json prints an array of objects with id, job_type, status, pushed, errors,
duration_ms and completed_at (RFC 3339, UTC); a value the server did not send
or sent as nonsense is null. It is always valid JSON, neutralised as the other
JSON outputs. -o csv has a header row, every cell neutralised (a cell starting
with = + - or @ gets a leading '). -o table fits the terminal; ids and times
are never cut, times are local with their UTC offset.

A server without the endpoint: exit 1, "this server does not offer connector
jobs".`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := outputFlag(output, "table", "json", "csv"); err != nil {
				return err
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			d, _, err := lookup(cmd.Context(), o, s.Client, args[0])
			if err != nil {
				return err
			}
			jobs, _, err := s.Client.ListJobs(cmd.Context(), d.ID)
			switch {
			case errors.Is(err, api.ErrNotSupported):
				return &Error{Code: ExitAPI, Err: errNoJobs}
			case err != nil:
				return err
			}
			switch output {
			case "json":
				return writeJobsJSON(o.Out, jobs)
			case "csv":
				return writeJobsCSV(o.Out, jobs)
			}
			rows := make([][]string, len(jobs))
			for i, j := range jobs {
				rows[i] = []string{j.ID, j.JobType, j.Status, countCell(j.Pushed, j.PushedUnknown),
					countCell(j.Errors, j.ErrorsUnknown), jobDuration(j), jobEnd(j, o.Location)}
			}
			if len(rows) == 0 {
				fmt.Fprintln(o.Err, "no jobs")
			}
			return table(o.Out, o.Width, []string{"ID", "TYPE", "STATUS", "PUSHED", "ERRORS", "DURATION", "COMPLETED"}, rows,
				func(_, col int) bool { return col == 0 || col == 6 })
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table, json or csv")
	return cmd
}

// countCell is n for a table, "?" when the server did not say.
func countCell(n int, unknown bool) string {
	if unknown {
		return "?"
	}
	return strconv.Itoa(n)
}

// jobDuration is a job's duration for a table: "8.4s", "3m12s"; "?" when
// unknown.
func jobDuration(j api.Job) string {
	if j.DurationUnknown {
		return "?"
	}
	d := j.Duration()
	if d < time.Minute {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// jobEnd is when a job completed, for a table: "-" while it has not, "?"
// for a time that could not be read.
func jobEnd(j api.Job, loc *time.Location) string {
	switch {
	case j.CompletedAtUnknown:
		return "?"
	case j.CompletedAt == nil:
		return "-"
	}
	return j.CompletedAt.In(loc).Format(secondLayout)
}

// jobJSON is one job as -o json prints it: unknown values null.
type jobJSON struct {
	ID          string  `json:"id"`
	JobType     string  `json:"job_type"`
	Status      string  `json:"status"`
	Pushed      *int    `json:"pushed"`
	Errors      *int    `json:"errors"`
	DurationMS  *int    `json:"duration_ms"`
	CompletedAt *string `json:"completed_at"`
}

func knownCount(n int, unknown bool) *int {
	if unknown {
		return nil
	}
	return &n
}

// writeJobsJSON writes the jobs one per line inside a JSON array, each
// made safe by safeJSON.
func writeJobsJSON(w io.Writer, jobs []api.Job) error {
	return writeJSONLines(w, len(jobs), func(i int) ([]byte, error) {
		j := jobs[i]
		v := jobJSON{ID: j.ID, JobType: j.JobType, Status: j.Status, Pushed: knownCount(j.Pushed, j.PushedUnknown),
			Errors: knownCount(j.Errors, j.ErrorsUnknown), DurationMS: knownCount(j.DurationMS, j.DurationUnknown)}
		if j.CompletedAt != nil {
			ts := timeCell(j.CompletedAt)
			v.CompletedAt = &ts
		}
		return safeJSON(v)
	})
}

// writeJobsCSV writes the jobs with a header row, every cell neutralised
// (termtext.CSVCell); an unknown value is an empty cell.
func writeJobsCSV(w io.Writer, jobs []api.Job) error {
	cw := csv.NewWriter(w)
	cw.Write(jobFields)
	cell := func(n int, unknown bool) string {
		if unknown {
			return ""
		}
		return strconv.Itoa(n)
	}
	for _, j := range jobs {
		cw.Write(csvRow(j.ID, j.JobType, j.Status, cell(j.Pushed, j.PushedUnknown), cell(j.Errors, j.ErrorsUnknown),
			cell(j.DurationMS, j.DurationUnknown), timeCell(j.CompletedAt)))
	}
	cw.Flush()
	return cw.Error()
}
