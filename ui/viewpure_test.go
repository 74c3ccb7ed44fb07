package ui

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/pixee/pixee-tui/ui/widget"
)

// renderState is everything a frame could be tempted to remember.
type renderState struct {
	rows   []cachedRow
	help   helpLineCache
	edges  int // box edges rendered and kept
	editor *widget.Editor
	detail widget.DetailPane // its wrap cache and scroll offset among the rest
}

func snapshot(m *Model) renderState {
	s := renderState{
		rows:   slices.Clone(m.list.rows),
		help:   *m.helpCache,
		edges:  m.styles.PreparedEdges(),
		detail: m.detail,
	}
	if m.openForm() != nil {
		e := m.openForm().editor.Clone()
		s.editor = &e
	}
	return s
}

// View is a pure function of the model: drawing a frame, at the moment of
// the last Update or long after it (when every cached row is out of date),
// in every mode, changes no cache and no state.
func TestViewWritesNothing(t *testing.T) {
	for name, setup := range map[string]func(f *uiFixture){
		"browsing":     func(f *uiFixture) {},
		"detail focus": func(f *uiFixture) { f.Key("tab", "j", "j") },
		"form":         func(f *uiFixture) { f.Key("s"); f.Type("4006381333931 123 " + twoEANs) },
		"question":     func(f *uiFixture) { f.Key("S") },
		"help":         func(f *uiFixture) { f.Key("?") },
	} {
		t.Run(name, func(t *testing.T) {
			f := startSettled(t, 100, 30)
			setup(f)
			before := snapshot(&f.m)
			for _, later := range []time.Duration{0, 90 * time.Second, 3 * time.Hour} {
				f.clock.Set(f.clock.Now().Add(later))
				_ = f.m.View()
				if after := snapshot(&f.m); !reflect.DeepEqual(before, after) {
					t.Fatalf("View %s after the last Update changed the model's render state", later)
				}
			}
		})
	}
}

// The caches Update fills are the ones View uses: a frame right after an
// Update draws no row afresh.
func TestUpdateFillsTheRowsOnScreen(t *testing.T) {
	f := startSettled(t, 160, 48)
	f.Key("j")
	now := f.clock.Now()
	for i := f.m.list.offset; i < min(f.m.list.Len(), f.m.list.offset+f.m.list.rowsShown()); i++ {
		if _, ok := f.m.list.cachedRow(now, i); !ok {
			t.Fatalf("row %d not prepared by Update", i)
		}
	}
}
