package cli

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the machine has installed

	"github.com/pixee/pixee-tui/api/sandbox"
)

// Every time a table shows is in the commands' zone and says its offset;
// JSON keeps RFC 3339 as the server sent it. The first sandbox connector
// last synced at 2026-12-03T03:31:01Z.
func TestTableTimesSayTheirZone(t *testing.T) {
	for _, c := range []struct {
		zone, sync, action string
	}{
		{"UTC", "2026-12-03 03:31 +00:00", "2026-12-03 09:00:00 +00:00"},
		{"Europe/Paris", "2026-12-03 04:31 +01:00", "2026-12-03 10:00:00 +01:00"},
		{"America/New_York", "2026-12-02 22:31 -05:00", "2026-12-03 04:00:00 -05:00"},
		{"Asia/Kolkata", "2026-12-03 09:01 +05:30", "2026-12-03 14:30:00 +05:30"},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, sandbox.Options{Connectors: 3})
		e.loc = loc
		id := e.sb.IDs()[0]
		if out, _, _ := e.run("connectors", "list"); !strings.Contains(out, c.sync) {
			t.Errorf("%s: list lacks %q:\n%s", c.zone, c.sync, out)
		}
		if out, _, _ := e.run("connectors", "get", id); !strings.Contains(out, "last sync   "+c.sync+"\n") {
			t.Errorf("%s: get lacks %q:\n%s", c.zone, c.sync, out)
		}
		if out, _, _ := e.run("connectors", "list", "-o", "json"); !strings.Contains(out, `"last_sync_at":"2026-12-03T03:31:01Z"`) {
			t.Errorf("%s: JSON is not RFC 3339 as sent:\n%s", c.zone, out)
		}
		e.run("connectors", "test", id)
		if out, _, _ := e.run("history"); !strings.Contains(out, c.action) {
			t.Errorf("%s: history lacks %q:\n%s", c.zone, c.action, out)
		}
	}
}

// The zone is the commands' own (IO.Location), not the process's
// time.Local, which Go reads once: a TZ set later changes nothing, and a
// summer date shows the summer offset.
func TestTableTimesFollowTheInjectedZoneNotTZ(t *testing.T) {
	t.Setenv("TZ", "Asia/Tokyo")
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	summer := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	if got, want := when(&summer, paris), "2026-07-01 14:00 +02:00"; got != want {
		t.Errorf("when = %q, want %q", got, want)
	}
	if got := when(nil, paris); got != "never" {
		t.Errorf("when(nil) = %q", got)
	}
	e := newEnv(t, sandbox.Options{Connectors: 1})
	e.loc = paris
	if out, _, _ := e.run("connectors", "list"); strings.Contains(out, "+09:00") || !strings.Contains(out, "+01:00") {
		t.Errorf("list does not follow the injected zone:\n%s", out)
	}
}

// Without a zone given, the commands show the process's local time, the
// zone main runs in (TZ, or the system's).
func TestTableTimesDefaultToLocalTime(t *testing.T) {
	o := &IO{Out: &strings.Builder{}, Err: &strings.Builder{}}
	o.defaults()
	if o.Location != time.Local {
		t.Errorf("Location = %v, want time.Local", o.Location)
	}
}
