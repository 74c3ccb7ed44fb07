package linemode

import (
	"testing"

	"github.com/pixee/pixee-tui/api/sandbox"
)

// A read-only account says so on start, and every write asked of it is
// refused in words, before any question, with nothing sent.
func TestReadOnlyRefusesWithWords(t *testing.T) {
	p := start(t, setup{sandbox: sandbox.Options{Seed: 2, Connectors: 12, ReadLimit: -1}, readOnly: true})
	p.wait("This session is read-only (a read_only profile, --read-only, or the watch role on a team server): no sync or test will be sent.")
	p.wait("Type list for the connectors")
	p.typeLine("list")
	p.wait("12. ")
	p.typeLine("sync 1 4006381333931")
	p.wait("This session is read-only (a read_only profile, --read-only, or the watch role on a team server). Nothing sent.")
	p.typeLine("sync 2 catalog")
	p.wait("Nothing sent.")
	p.typeLine("test 3")
	p.wait("Nothing sent.")
	p.typeLine("yes")
	p.wait(`"yes" is not a command.`)
	p.typeLine("quit")
	p.wait("Goodbye.")
	if n := p.posts(); n != 0 {
		t.Errorf("%d POSTs on a read-only account", n)
	}
	assertPlain(t, p.out.String())
}

// Commands a person mistypes are answered in words, and lose nothing.
func TestUnknownCommandsAreAnsweredInWords(t *testing.T) {
	p := start(t, setup{sandbox: sandbox.Options{Seed: 2, Connectors: 3, ReadLimit: -1}})
	p.wait("Type list for the connectors")
	for _, c := range []struct{ typed, said string }{
		{"frobnicate", `"frobnicate" is not a command. Type help for the commands.`},
		{"show 99", "There is no number 99: no list has been told yet. Type list first."},
		{"page x", "Which page? Type page and a number, for example page 3."},
		{"sort colour", "Sort by what? sort name, sort status, sort platform or sort sync."},
		{"sync", "Sync what?"},
		{"help", "quit: leave."},
		{"status", "Connectors known: 3."},
	} {
		p.typeLine(c.typed)
		p.wait(c.said)
	}
	p.typeLine("quit")
	p.wait("Goodbye.")
	assertPlain(t, p.out.String())
}
