package serve

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The merged list over SSH (L on the home screen): the rows of the
// accounts the user may see, from the server's one watch of each; a write
// from it goes through the row's account and the user's role there.

// failSome turns the first n connectors of account id to error, each with
// a last_error of one cause, named after the account so that a cause
// seen where it should not be is found too.
func (c *customers) failSome(id string, n int) {
	for _, cid := range c.sbs[id].IDs()[:n] {
		c.sbs[id].SetStatus(cid, "error")
		msg := "Price missing on " + id + " for SKU AB-1"
		c.sbs[id].SetLastError(cid, &msg)
	}
}

// openMerged opens the merged list from the home screen and waits until
// both of dave's accounts are in it, whole.
func openMerged(t *testing.T, dave *client) {
	t.Helper()
	dave.waitFor("Accounts")
	dave.keys("L")
	dave.waitFor("All accounts")
	dave.waitFor("24 of 24 connectors · by account") // acme's 12 and globex's 12, every index complete
}

// A user who may see two of three accounts finds only those two in the
// merged list, its filter, its errors view across accounts, its export
// and the events, while the third's connectors fail.
func TestMergedListOverSSHHoldsOnlyTheUsersAccounts(t *testing.T) {
	c := startCustomers(t)
	c.srv.OpenAll() // initech watched too: its index and events exist on the server
	c.failSome("acme", 2)
	c.failSome("globex", 3)
	c.failSome("initech", 4)
	dave := c.connect("dave", true)
	openMerged(t, dave)
	dave.waitFor("Globex-Secret-") // the other account's rows are there
	dave.keys("e")
	dave.waitFor("Errors across accounts")
	dave.waitFor("Price missing on globex") // its cause, once the watch read it
	dave.keys("e/")
	time.Sleep(200 * time.Millisecond)
	dave.keys("secret")
	dave.waitFor("12 of 24 connectors")
	dave.keys("\r")
	c.breakAll("initech") // news on the account dave may not see, while he looks
	for _, k := range []string{"o", "o", "o", "x"} {
		dave.keys(k)
		time.Sleep(300 * time.Millisecond)
	}
	dave.waitFor("export is off here")
	until(t, "initech's events published", func() bool { a := c.srv.opened(2); return a != nil && a.hub.Unacked() > 4 })
	time.Sleep(2 * time.Second) // the watches' next polls reach every session
	out := dave.screen()
	if m := regexp.MustCompile(`(?i)initech`).FindStringIndex(out); m != nil {
		t.Fatalf("dave saw initech, which he may not see: …%q…", out[max(m[0]-80, 0):min(m[1]+80, len(out))])
	}
}

// A user's role is that of the row's account: from the merged list, dave,
// who only watches globex, is told on a globex row that s, S and t are
// off there and why, and nothing is sent; on an acme row, where he
// operates, S opens the connector in acme and asks, naming acme, and the
// sync goes to acme's server alone.
func TestMergedListWritesGoThroughTheRowsAccountAndRole(t *testing.T) {
	c := startCustomers(t)
	dave := c.connect("dave", true)
	openMerged(t, dave)
	dave.keys("/")
	time.Sleep(200 * time.Millisecond)
	dave.keys("Globex-Secret-3\r")
	dave.waitFor("1 of 24 connectors")
	for _, k := range []string{"S", "s", "t", "y"} {
		dave.keys(k)
		time.Sleep(200 * time.Millisecond)
	}
	dave.waitFor("globex: read-only: dave has the watch role on globex")
	if n := posts(c.sbs["globex"]); n != 0 {
		t.Fatalf("dave's keys on a globex row sent %d POSTs to globex", n)
	}

	dave.keys("/")
	time.Sleep(200 * time.Millisecond)
	dave.keys("\x15" + firstName + "\r") // ctrl+u clears the filter typed before
	dave.waitFor("1 of 24 connectors")
	dave.keys("S")
	dave.waitFor("ENTIRE catalog")
	dave.waitFor("acme")
	dave.keys("y")
	until(t, "dave's sync reaches acme", func() bool { return posts(c.sbs["acme"]) == 1 })
	time.Sleep(500 * time.Millisecond)
	if g, i := posts(c.sbs["globex"]), posts(c.sbs["initech"]); g != 0 || i != 0 {
		t.Fatalf("a sync on acme sent %d POSTs to globex and %d to initech", g, i)
	}
	if strings.Contains(dave.screen(), "has the watch role on acme") {
		t.Fatal("dave was refused on acme, where he operates")
	}
}

// The merged list is a view of the server's watches: three more sessions
// with it open cost no account a request.
func TestMergedListsOfMoreSessionsCostNoRequest(t *testing.T) {
	c := startCustomers(t)
	dave := c.connect("dave", true)
	openMerged(t, dave)
	window := func() map[string]int {
		before := map[string]int{}
		for id, sb := range c.sbs {
			before[id] = gets(sb)
		}
		time.Sleep(3 * time.Second)
		for id, sb := range c.sbs {
			before[id] = gets(sb) - before[id]
		}
		return before
	}
	one := window()
	for range 3 {
		more := c.connect("dave", true)
		openMerged(t, more)
	}
	four := window()
	t.Logf("GETs in 3s by account: 1 merged list %v, 4 merged lists %v", one, four)
	for _, id := range []string{"acme", "globex"} {
		if one[id] == 0 || four[id] > one[id]+2 {
			t.Errorf("%s GETs in 3s: %d with one merged list open, %d with four: want the watch's alone", id, one[id], four[id])
		}
	}
}
