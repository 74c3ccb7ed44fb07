package linemode

import (
	"strings"
	"testing"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// On an account of 10 000 connectors a person pages through the whole
// list by number, reaches its last page, and finds one connector by a
// word of its name: the list is the index the monitor keeps, not the
// page the server last sent.
func TestPagingAndFindOnTenThousandConnectors(t *testing.T) {
	var unique string
	p := start(t, setup{
		sandbox: sandbox.Options{Seed: 7, Connectors: 10000, ReadLimit: 1_000_000, SyncFailureRate: -1},
		before: func(sb *sandbox.Server) {
			unique = sb.IDs()[4321]
			sb.SetName(unique, "Zyzzyva Outfitters")
		},
	})
	p.wait("Index: being built")
	p.wait("The index is complete: 10000 connectors.")
	p.typeLine("list")
	p.wait("Page 1 of 500: 1 to 20 of 10000 connectors, by name.")
	p.wait("20. ")
	p.typeLine("page 500")
	p.wait("Page 500 of 500: 9981 to 10000 of 10000 connectors, by name.")
	last := p.wait("10000. ")
	if !strings.Contains(last, ", ") {
		t.Errorf("the last line %q is not a connector in words", last)
	}
	p.typeLine("next")
	p.wait("This is the last page, page 500.")
	p.typeLine("prev")
	p.wait("Page 499 of 500: 9961 to 9980")
	p.typeLine("find zyzzyva")
	p.wait(`Page 1 of 1: 1 to 1 of 1 connector matching "zyzzyva", by name.`)
	line := p.wait("1. Zyzzyva Outfitters, ")
	if !strings.Contains(line, "last sync") && !strings.Contains(line, "never synced") {
		t.Errorf("the found line %q does not say the last sync", line)
	}
	p.typeLine("show 1")
	p.wait("Connector Zyzzyva Outfitters.")
	p.wait("Id: " + unique + ".")
	p.typeLine("find")
	p.wait("Page 1 of 500: 1 to 20 of 10000 connectors, by name.")
	p.typeLine("sort status")
	p.wait("of 10000 connectors, by status.")
	p.typeLine("page 0")
	p.wait("This is the first page.")
	p.typeLine("quit")
	p.wait("Goodbye.")
	assertPlain(t, p.out.String())
}
