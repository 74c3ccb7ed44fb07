package ui

import (
	"strings"
	"testing"
)

// On a row of an account this dashboard may not write (a team user who
// only watches it), s, S and t are off and say why, naming the account:
// nothing is opened, switched to or sent. On the next account's rows they
// open the connector there as before.
func TestMergedWriteKeysAreOffOnAnAccountThatMayNotBeWritten(t *testing.T) {
	h := newMergedFixtureOf(t, 2)
	h.m.opts.Accounts[1].WritesOff = "read-only: dave has the watch role on globex"
	h.mergedComplete(false)
	h.Key("/")
	h.Type(h.globex.sb.IDs()[10])
	h.Key("enter")
	h.has("1 of 36 connectors")
	for _, k := range []string{"s", "S", "t"} {
		h.Key(k)
		h.has("globex: read-only: dave has the watch role on globex")
		if h.m.index != 0 || h.m.jump != nil {
			t.Fatalf("%s on a globex row: account %d on screen, jump %+v; want nothing opened", k, h.m.index, h.m.jump)
		}
	}
	for route, n := range h.globex.sb.Stats().ByRoute {
		if strings.HasPrefix(route, "POST") {
			t.Fatalf("globex was sent %d × %s", n, route)
		}
	}
	h.Key("/", "ctrl+u")
	h.Type(h.acme.sb.IDs()[1])
	h.Key("enter")
	h.has("1 of 36 connectors")
	h.Key("S")
	h.has("on account acme?")
}

// The merged list's title offers only the keys that can be pressed: over
// SSH, where export is off, it does not offer x export.
func TestMergedTitleOffersExportOnlyWhereItIsOn(t *testing.T) {
	h := newMergedFixtureOf(t, 2)
	h.mergedComplete(false)
	h.has("x export")
	off := newMergedFixtureWith(t, 2, func(o *Options) { o.NoExport = true })
	off.mergedComplete(false)
	off.has("e errors")
	off.lacks("x export")
	off.Key("x")
	off.has("export is off here")
}
