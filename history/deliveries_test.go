package history

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A target's delivery log keeps what was appended, oldest first, stays
// bounded while a receiver fails for hours, and is never written through a
// link planted in its place.
func TestDeliveryLogIsKeptBoundedAndRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	l, _, err := OpenDeliveries(dir, "ops", Limits{MaxActions: 50, MaxBytes: 4 << 10}, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	for i := range 500 {
		if err := l.Append(Delivery{Time: now, Target: "ops", Message: fmt.Sprint(i), Outcome: DeliveryFailed, Status: 503}); err != nil {
			t.Fatal(err)
		}
	}
	got, warns, err := l.Load()
	if err != nil || len(warns) > 0 {
		t.Fatalf("Load: %v %v", err, warns)
	}
	if len(got) > 500 || len(got) == 0 || got[len(got)-1].Message != "499" {
		t.Fatalf("%d records, last %+v", len(got), got[len(got)-1])
	}
	if st, _ := os.Stat(filepath.Join(dir, "ops.jsonl")); st.Size() > 16<<10 {
		t.Errorf("the log grew to %d bytes past its 4 KiB limit", st.Size())
	}
	if _, _, err := OpenDeliveries(dir, "../x", Limits{}, nil); err == nil {
		t.Error("a target name with a path in it was accepted")
	}
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Symlink(target, filepath.Join(dir, "chat.jsonl")); err != nil {
		t.Fatal(err)
	}
	c, _, err := OpenDeliveries(dir, "chat", Limits{}, nil)
	if err == nil {
		err = c.Append(Delivery{Time: now, Target: "chat", Outcome: DeliveryDelivered})
	}
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("writing through a link: %v", err)
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("the link's target was created")
	}
}
