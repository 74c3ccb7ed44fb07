package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A prune in one process and an append in another race: the append lands
// between the prune's reading of the file and its rewriting (made certain
// by a hook that starts the append there and waits a little for it). The
// appended intent survives the prune.
func TestAppendDuringPruneSurvives(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	a := open(t, dir, c, Limits{})
	for i := range 5 {
		if _, err := a.Begin(Action{ConnectorID: fmt.Sprint("old", i), Kind: SyncEANs}); err != nil {
			t.Fatal(err)
		}
	}
	c.add(100 * 24 * time.Hour) // all five are now past 90 days
	b := open(t, dir, c, Limits{MaxAge: 1000 * 24 * time.Hour})
	var appended chan error
	a.log.beforeRewrite = func() {
		appended = make(chan error, 1)
		go func() {
			_, err := b.Begin(Action{ConnectorID: "fresh", Kind: SyncCatalog})
			appended <- err
		}()
		select { // the other process's append: done at once, or waiting for the lock
		case err := <-appended:
			appended <- err
		case <-time.After(300 * time.Millisecond):
		}
	}
	if _, err := a.prune(); err != nil {
		t.Fatal(err)
	}
	if appended == nil {
		t.Fatal("the prune did not rewrite the file")
	}
	if err := <-appended; err != nil {
		t.Fatal(err)
	}
	got := actions(t, b)
	if len(got) != 1 || got[0].ConnectorID != "fresh" {
		t.Fatalf("after the prune: %+v, want only the fresh intent", got)
	}
}

func manyEANs(n int) []string {
	eans := make([]string, n)
	for i := range eans {
		eans[i] = fmt.Sprintf("%013d", 3760000000000+i)
	}
	return eans
}

// A sync of 300 000 EANs (a record of about 5 MB) reads back whole, and
// the records before it stay visible.
func TestHugeIntentReadsBack(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c, Limits{})
	first, _ := s.Begin(Action{ConnectorID: "c0", Kind: SyncCatalog})
	huge, err := s.Begin(Action{ConnectorID: "c1", Kind: SyncEANs, EANs: manyEANs(300_000)})
	if err != nil {
		t.Fatal(err)
	}
	s.Finish(huge.ID, Result{Outcome: OutcomeQueued})
	got := actions(t, open(t, dir, c, Limits{}))
	if len(got) != 2 || got[1].ID != first.ID || len(got[0].EANs) != 300_000 || got[0].Outcome != OutcomeQueued {
		t.Fatalf("read back %d actions", len(got))
	}
}

// A record larger than a record may be is refused when written, with a
// clear error, so the request it stands for is not sent; nothing of it
// reaches the file.
func TestOversizedIntentRefusedAtWrite(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c, Limits{})
	_, err := s.Begin(Action{ConnectorID: "c1", Kind: SyncEANs, EANs: manyEANs(1_200_000)})
	if err == nil || !strings.Contains(err.Error(), "not recorded") {
		t.Fatalf("Begin = %v, want a refusal", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "actions.jsonl")); err == nil && st.Size() > 0 {
		t.Errorf("the file holds %d bytes after a refusal", st.Size())
	}
}

// A bad line in the middle is set aside alone: the records before and
// after it stay visible, the file as it was is kept for a person to look
// at, and the next read is clean.
func TestCorruptLineKeepsTheRest(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c, Limits{})
	a, _ := s.Begin(Action{ConnectorID: "c1", Kind: SyncEANs})
	p := filepath.Join(dir, "actions.jsonl")
	f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("\x00\x01garbage\n")
	f.Close()
	b, _ := s.Begin(Action{ConnectorID: "c2", Kind: SyncEANs})
	s.Finish(a.ID, Result{Outcome: OutcomeQueued})
	before, _ := os.ReadFile(p)

	acts, warns, err := s.Actions()
	if err != nil || len(warns) != 1 || !strings.Contains(warns[0], "line 2") {
		t.Fatalf("Actions: %v, warnings %q", err, warns)
	}
	if len(acts) != 2 || acts[0].ID != b.ID || acts[1].ID != a.ID || acts[1].Outcome != OutcomeQueued {
		t.Fatalf("actions %+v", acts)
	}
	aside, _ := filepath.Glob(p + ".corrupt-*")
	if len(aside) != 1 {
		t.Fatalf("set aside: %v", aside)
	}
	if kept, _ := os.ReadFile(aside[0]); string(kept) != string(before) {
		t.Errorf("the copy set aside is not the file as it was")
	}
	if got := actions(t, s); len(got) != 2 {
		t.Errorf("the next read: %d actions, want 2", len(got))
	}
}

// Two corrupt files set aside within one second (one clock reading) are
// both kept, under names that never collide.
func TestSetAsideNamesNeverCollide(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	p := filepath.Join(dir, "actions.jsonl")
	for i := range 3 {
		os.WriteFile(p, []byte(fmt.Sprintf("garbage %d\n{\"op\":\"result\",\"id\":\"a\"}\n", i)), 0o600)
		if _, _, err := Open(dir, "acme", Limits{}, c.now); err != nil {
			t.Fatal(err)
		}
	}
	aside, _ := filepath.Glob(p + ".corrupt-*")
	seen := map[string]bool{}
	for _, name := range aside {
		b, _ := os.ReadFile(name)
		seen[string(b)] = true
	}
	if len(aside) != 3 || len(seen) != 3 {
		t.Fatalf("%d files set aside (%d distinct), want 3: %v", len(aside), len(seen), aside)
	}
}

// A symbolic link planted at the history file or at its lock is refused
// with a message naming it; its target is neither written nor created.
func TestPlantedSymlinkRefused(t *testing.T) {
	for _, name := range []string{"actions.jsonl", "actions.jsonl.lock"} {
		t.Run(name, func(t *testing.T) {
			dir, c := t.TempDir(), &clock{t: t0}
			s := open(t, dir, c, Limits{})
			target := filepath.Join(t.TempDir(), "precious")
			os.WriteFile(target, []byte("precious\n"), 0o600)
			link := filepath.Join(dir, name)
			os.Remove(link)
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			_, err := s.Begin(Action{ConnectorID: "c1", Kind: SyncEANs})
			if err == nil || !strings.Contains(err.Error(), link) || !strings.Contains(err.Error(), "symbolic link") {
				t.Fatalf("Begin = %v, want a refusal naming %s", err, link)
			}
			if _, _, err := s.Actions(); err == nil {
				t.Errorf("Actions read through the link")
			}
			if b, _ := os.ReadFile(target); string(b) != "precious\n" {
				t.Errorf("the link's target was written: %q", b)
			}
			os.Remove(target)
			s.Begin(Action{ConnectorID: "c1", Kind: SyncEANs})
			if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the link's target was created")
			}
		})
	}
}

// A FIFO planted at the history file is refused, not waited on forever.
func TestPlantedFIFORefused(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c, Limits{})
	p := filepath.Join(dir, "actions.jsonl")
	os.Remove(p)
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := s.Actions(); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Fatalf("Actions = %v, want a refusal naming %s", err, p)
		}
	case <-time.After(10 * time.Second):
		w, _ := os.OpenFile(p, os.O_WRONLY, 0) // let the blocked reader go
		w.Close()
		t.Fatal("reading the history waited on a FIFO")
	}
}
