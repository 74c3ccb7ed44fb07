package ui

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	opener "github.com/pixee/pixee-tui/account"
	"github.com/pixee/pixee-tui/accounts"
	"github.com/pixee/pixee-tui/api/sandbox"
	"github.com/pixee/pixee-tui/shared"
)

// A person on the home screen of three accounts, each watched on its own
// sandbox with its own key, marks two with the space bar, opens their
// merged list and reads in its header which accounts it shows, goes back
// and opens a saved view of those two accounts: through a real
// tea.Program, in real time, the watches' snapshots forwarded to it as
// the dashboard's start does.
func TestJourneyMarkTwoAccountsThenOpenAViewOfThem(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", home)
	real := sandbox.Options{Now: time.Now}
	acme, globex, initech := real, real, real
	acme.Connectors, globex.Connectors, globex.API, initech.Connectors = 6, 30, sandbox.Seed, 9
	servers := []*keyedServer{newKeyedServer(t, nil, "pm_test_acme", acme), newKeyedServer(t, nil, "pm_test_globex", globex),
		newKeyedServer(t, nil, "pm_test_initech", initech)}
	op := opener.Opener{StateHome: home}
	specs := []shared.AccountSpec{watchedSpec(op, "acme", servers[0]), watchedSpec(op, "globex", servers[1]), watchedSpec(op, "initech", servers[2])}
	ctx, cancel := context.WithCancel(context.Background())
	w := accounts.Start(ctx, specs, 0, accounts.Options{ListRefresh: 200 * time.Millisecond})
	t.Cleanup(func() { cancel(); w.Wait() })
	specs = w.Specs()
	onScreen, err := specs[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	o := Start{Context: ctx, Account: onScreen, Name: "acme", Host: "acme.example", Accounts: specs, Home: w,
		Views: []View{{Name: "two of them", Sort: "name", Accounts: []int{1, 2}}}}.Options()
	o.Plain, o.Location, o.Seed = true, time.UTC, 1
	tm := teatest.NewTestModel(t, New(o), teatest.WithInitialTermSize(160, 48))
	defer func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	}()
	go w.Forward(ctx, func(s accounts.Snapshot) { tm.Send(s) })

	wait := func(what ...string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			for _, w := range what {
				if !bytes.Contains(b, []byte(w)) {
					return false
				}
			}
			return true
		}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	key := func(k tea.KeyType) { tm.Send(tea.KeyMsg{Type: k}) }
	space := func() { tm.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}) }

	wait("ACCOUNT", "REACH", "acme (shown)")
	key(tea.KeyDown)
	space()
	wait("1 of 3 marked")
	key(tea.KeyDown)
	space()
	wait("2 of 3 marked")
	tm.Type("L")
	wait("2 of 3 accounts: globex, initech", "39 of 39 connectors")
	key(tea.KeyEsc)
	wait("VIEW", "two of them")
	key(tea.KeyDown) // from initech to the view
	key(tea.KeyEnter)
	wait("view “two of them” · 2 of 3 accounts: globex, initech", "by name")

	_ = tm.Quit()
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !ok {
		t.Fatal("final model is not a Model")
	}
	ms, ok := fm.screens.top().(*mergedScreen)
	if !ok || !slices.Equal(ms.accts, []int{1, 2}) || ms.sort != mergedByName || ms.from != "two of them" {
		t.Errorf("on top: %T %+v, want the view's merged list of globex and initech by name", fm.screens.top(), ms)
	}
	for _, ks := range servers {
		for k := range ks.keysSeen() {
			if k != "" && k != ks.sb.APIKey() {
				t.Errorf("a server was sent another account's key")
			}
		}
	}
}
