package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/api/sandbox"
)

func TestExplore(t *testing.T) {
	for _, sz := range [][2]int{{160, 48}, {100, 30}, {80, 24}} {
		clock := newFakeClock()
		c, _ := newSandbox(t, clock, sandbox.Options{})
		d := newDriver(t, testOptions(c, clock), clock, sz[0], sz[1])
		d.Advance(time.Second)
		fmt.Println(d.View())
		fmt.Println("=====")
		d.Key("s")
		d.Type("4006381333931, 123, 4006381333932 abc 4006381333931\n73513537")
		fmt.Println(d.View())
		fmt.Println("=====")
		d.Key("ctrl+s")
		fmt.Println(d.View())
		fmt.Println("=====")
	}
}
