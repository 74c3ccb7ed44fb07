package ui

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/pixee/pixee-tui/api"
	"github.com/pixee/pixee-tui/keymap"
	"github.com/pixee/pixee-tui/monitor"
	"github.com/pixee/pixee-tui/ui/ean"
	"github.com/pixee/pixee-tui/ui/termtext"
	"github.com/pixee/pixee-tui/ui/widget"
)

type formState int

const (
	formEditing formState = iota
	formSending           // the POST is out: no second submit
	formDone              // the result is shown until dismissed
)

// syncForm is the overlay for entering EANs to sync to one connector.
type syncForm struct {
	styles      *Styles
	connector   api.Connector
	editor      widget.Editor
	parsed      ean.Result
	dirty       bool // typed since the last validation (a long text is validated in batches)
	parses      int  // validations run, for the tests of typing cost
	state       formState
	err         error           // last submit failure; the draft is kept
	result      *api.SyncResult // after success
	live        []string        // the connector's sync rows, shown under the result (set in Update)
	dismissHint string          // "enter/esc to dismiss", from the keymap
	moreHint    string          // "ctrl+n scrolls", from the keymap
	probOffset  int             // first problem listed (scrolled with ctrl+n/ctrl+p)
	width       int
	height      int
}

func newSyncForm(st *Styles, keys *keymap.KeyMap, c api.Connector, draft string) *syncForm {
	f := &syncForm{styles: st, connector: c, editor: widget.NewEditor(), dismissHint: keymap.Keys(keys.Dismiss) + " to dismiss",
		moreHint: keymap.Keys(keys.ProblemsDown) + " scrolls"}
	f.editor.Focus()
	if draft != "" {
		f.editor.SetValue(draft)
	}
	f.parse()
	return f
}

// typedBatchAt is the text length from which typed keys are validated in
// batches (Revalidate, at most every revalidateEvery) rather than one by
// one: validating the whole text on every key made typing 10 000 EANs
// quadratic, with ctrl+c queued behind it.
const (
	typedBatchAt    = 2000
	revalidateEvery = 100 * time.Millisecond
)

func (f *syncForm) parse() {
	f.parsed, f.dirty = ean.Parse(f.editor.Value()), false
	f.parses++
}

// Dirty says the text changed since it was last validated.
func (f *syncForm) Dirty() bool { return f.dirty }

// Revalidate validates the text if it changed since.
func (f *syncForm) Revalidate() {
	if f.dirty {
		f.parse()
	}
}

func (f *syncForm) SetSize(w, h int) {
	f.width, f.height = max(w, 1), max(h, 1)
	f.editor.SetSize(max(f.width-3, 1), f.editorHeight()) // border 2 + plain-mode cursor 1
}

// editorHeight gives the field about half the room, at least 1 row.
func (f *syncForm) editorHeight() int {
	return max((f.height-6)/2, 1)
}

// Edit sends a key to the field and revalidates when the text changed.
func (f *syncForm) Edit(msg tea.KeyMsg, k *keymap.KeyMap) {
	if f.state != formEditing {
		return
	}
	if f.editor.Update(msg, &k.Edit) {
		f.err = nil
		if msg.Paste || f.editor.Len() < typedBatchAt {
			f.parse()
			return
		}
		f.dirty = true
	}
}

// Sending shows the POST is out.
func (f *syncForm) Sending() { f.state, f.err = formSending, nil }

// Failed shows why nothing was (or may not have been) queued; the draft is
// kept for another try.
func (f *syncForm) Failed(err error) { f.state, f.err = formEditing, err }

// Done shows the queued sync until dismissed.
func (f *syncForm) Done(r *api.SyncResult) { f.state, f.result, f.err = formDone, r, nil }

// Draft is the text typed so far.
func (f *syncForm) Draft() string { return f.editor.Value() }

// CanSubmit says whether ctrl+s means anything now.
// While the text awaits validation, a non-empty text may hold some: ctrl+s
// validates before it asks.
func (f *syncForm) CanSubmit() bool {
	return f.state == formEditing && (len(f.parsed.Valid) > 0 || f.dirty && f.editor.Len() > 0)
}

// View renders the form in exactly width×height cells.
func (f *syncForm) View(plain bool, spinner string) string {
	st := f.styles
	w := f.width
	out := make([]string, 0, f.height)
	out = append(out, st.Title.Render(termtext.PadRight("Sync EANs to "+f.connector.Name, w)))
	if f.state == formDone {
		return f.finish(f.resultLines(out))
	}
	out = append(out, st.Dim.Render(termtext.PadRight("EANs separated by spaces, commas, semicolons or new lines", w)))
	cursor := st.Cursor
	if plain {
		cursor = st.Text // styles are stripped: the editor draws a visible glyph
	}
	field := f.editor.View(cursor, st.Text, plain && f.state == formEditing)
	out = append(out, strings.Join(widget.Box(st, widget.Lines(field, max(w-2, 0), f.editor.Height()), max(w-2, 0), false), "\n"))
	out = f.summaryLines(out)

	var status string
	switch {
	case f.state == formSending:
		status = spinner + " sending…"
	case f.err != nil:
		status = "✗ " + f.err.Error()
	}
	room := f.height - len(f.flatten(out)) - 1
	if status != "" {
		room--
	}
	out = f.problemLines(out, room)
	if status != "" {
		style := st.Error
		if f.state == formSending {
			style = st.Dim
		}
		for _, l := range widget.WrapWords(status, w) {
			out = append(out, style.Render(termtext.PadRight(l, w)))
		}
	}
	return f.finish(out)
}

// resultLines is the queued sync, shown until dismissed.
func (f *syncForm) resultLines(out []string) []string {
	st, w, r := f.styles, f.width, f.result
	addPlain := func(s string) { out = append(out, termtext.PadRight(s, w)) }
	addPlain("")
	out = append(out, st.OK.Render(termtext.PadRight("✓ "+syncHeadline(r), w)))
	addPlain("  sync id   " + orNot(r.SyncID, "not returned"))
	addPlain("  status    " + orNot(r.Status, "not reported"))
	addPlain("  queued    " + queuedText(r))
	addPlain("")
	if len(f.live) > 0 {
		// The result covers the detail pane: the drain it speaks of is
		// shown here, refreshed as the pane is.
		addPlain("Refreshing fast while it drains:")
		out = append(out, f.live...)
		addPlain("")
	} else {
		addPlain("The detail pane now refreshes fast: watch pending drain.")
	}
	addPlain(f.dismissHint)
	return out
}

// SetLive gives the result the connector's current sync rows, in Update.
func (f *syncForm) SetLive(rows []string) { f.live = rows }

// syncHeadline is what an accepted sync's answer allows to say: a 2xx with
// nothing readable is accepted, not known to be queued.
func syncHeadline(r *api.SyncResult) string {
	if r.Unreported {
		return "sync accepted by the server; no sync id returned"
	}
	return "sync queued"
}

// queuedText is the products a sync queued: "not reported" is not 0.
func queuedText(r *api.SyncResult) string {
	if r.ProductsQueuedUnknown {
		return "not reported"
	}
	return widget.Plural(r.ProductsQueued, "product", "products")
}

func orNot(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// summaryLines counts what the field holds: valid, duplicate, rejected,
// warned.
func (f *syncForm) summaryLines(out []string) []string {
	st, w, p := f.styles, f.width, f.parsed
	summary := widget.Plural(len(p.Valid), "valid EAN", "valid EANs")
	if p.Duplicates > 0 {
		summary += " · " + widget.Plural(p.Duplicates, "duplicate", "duplicates") + " removed"
	}
	if len(p.Rejected) > 0 {
		summary += " · " + widget.Thousands(len(p.Rejected)) + " rejected"
	}
	if len(p.Warnings) > 0 {
		summary += " · " + widget.Plural(len(p.Warnings), "check-digit warning", "check-digit warnings")
	}
	if f.dirty {
		summary += " · checking…"
	}
	summaryStyle, mark := st.Text, "  "
	if len(p.Valid) > 0 {
		summaryStyle, mark = st.OK, "✓ "
	}
	for _, l := range widget.WrapWords(mark+summary, w) {
		out = append(out, summaryStyle.Render(termtext.PadRight(l, w)))
	}
	return out
}

// problemLines lists rejects and warnings in the room left, then how many
// more. room is negative when the terminal is too short for the field
// itself. Only what fits is built: a megabyte of pasted junk makes a long
// list of rejects, and View runs on every key.
func (f *syncForm) problemLines(out []string, room int) []string {
	st, w, p := f.styles, f.width, f.parsed
	shown := 0
	total := len(p.Rejected) + len(p.Warnings)
	from := f.firstProblem()
	if from > 0 && room > 1 {
		out = append(out, termtext.PadRight("  ↑ "+widget.Thousands(from)+" above", w))
		room--
	}
	for i := from; i < total && room > 0; i++ {
		var text string
		style := st.Error
		if i < len(p.Rejected) {
			r := p.Rejected[i]
			text = "✗ " + quote(r.Token) + " — " + r.Reason
		} else {
			wn := p.Warnings[i-len(p.Rejected)]
			text, style = "! "+wn.EAN+" — "+wn.Reason+" (sent anyway)", st.Warning
		}
		wrapped := widget.WrapWords(text, w)
		if len(wrapped) > room || (len(wrapped) == room && i < total-1) {
			break // keep a line for the "more" count
		}
		for _, l := range wrapped {
			out = append(out, style.Render(termtext.PadRight(l, w)))
		}
		room -= len(wrapped)
		shown++
	}
	if from+shown < total && room > 0 {
		out = append(out, termtext.PadRight("  … "+widget.Thousands(total-from-shown)+" more ("+f.moreHint+")", w))
	}
	return out
}

// firstProblem is the scroll position of the problems, clamped to the list
// (it shrinks as the text is fixed).
func (f *syncForm) firstProblem() int {
	return min(f.probOffset, max(len(f.parsed.Rejected)+len(f.parsed.Warnings)-1, 0))
}

// HasProblemsBelow and HasProblemsAbove say whether the problem list
// scrolls, for the keys' help.
func (f *syncForm) HasProblemsBelow() bool {
	return f.firstProblem() < len(f.parsed.Rejected)+len(f.parsed.Warnings)-1
}
func (f *syncForm) HasProblemsAbove() bool { return f.firstProblem() > 0 }

// quote shows a user token safely: it may hold anything typed or pasted.
func quote(s string) string { return "\"" + termtext.Sanitize(s) + "\"" }

func (f *syncForm) flatten(lines []string) []string {
	return strings.Split(strings.Join(lines, "\n"), "\n")
}

// finish pads or cuts to exactly height lines.
func (f *syncForm) finish(lines []string) string {
	all := f.flatten(lines)
	if len(all) > f.height {
		all = all[:f.height]
	}
	for len(all) < f.height {
		all = append(all, widget.Pad(f.width))
	}
	return strings.Join(all, "\n")
}

// submitError explains a failed POST in the user's terms.
func submitError(err error) error {
	if errors.Is(err, api.ErrSyncRejected) {
		// A definite answer: nothing runs. Say so first, then the server's text.
		return errors.New("not queued: " + err.Error())
	}
	if api.OutcomeUnknown(err) {
		return errors.New("outcome unknown: " + err.Error() +
			" after the request was sent — the sync may have been queued. Check the pending count before trying again")
	}
	return err
}

// formEvent is what a key did to the form, for the root to act on.
type formEvent int

const (
	formNothing     formEvent = iota
	formClose                 // closed; the draft is kept unless the sync was done
	formCloseAndKey           // esc and a key in one read: closed, the key is the list's
	formSubmit                // valid EANs and nothing being sent: ask
	formTyped                 // the field was edited and nothing else: the help line and every other pane are as they were
)

// Update handles a key in the form. syncing says a POST is out.
func (f *syncForm) Update(msg tea.KeyMsg, k *keymap.KeyMap, syncing bool) (*syncForm, formEvent) {
	if f.state == formDone {
		if key.Matches(msg, k.Dismiss) {
			return f, formClose
		}
		return f, formNothing
	}
	if msg.Paste {
		// Text, whatever it holds: straight to the field (matching a
		// 150 000-rune paste against every binding costs more than
		// inserting it).
		return f, f.typed(msg, k)
	}
	name := keyName(msg) // built once; the problem keys and submit match even while idle, to say why
	switch {
	case msg.Alt && msg.Type == tea.KeyRunes && f.state == formEditing && slices.Contains(k.CloseForm.Keys(), "esc"):
		// esc and the next key in one read arrive as alt+key: the user
		// closed the form and pressed a key of the list.
		return f, formCloseAndKey
	case keyIs(name, k.CloseForm):
		return f, formClose
	case slices.Contains(k.ProblemsDown.Keys(), name):
		f.probOffset = min(f.firstProblem()+1, max(len(f.parsed.Rejected)+len(f.parsed.Warnings)-1, 0))
	case slices.Contains(k.ProblemsUp.Keys(), name):
		f.probOffset = max(f.firstProblem()-1, 0)
	case slices.Contains(k.Submit.Keys(), name):
		f.Revalidate()
		switch {
		case f.CanSubmit() && !syncing:
			return f, formSubmit
		case f.state == formEditing && syncing:
			// Reopened while its POST is still out: say so, not that
			// there is nothing to sync.
			f.Failed(monitor.ErrWriteBusy)
		case f.state == formEditing:
			f.Failed(errors.New("nothing to sync yet: enter at least one valid EAN"))
		}
	default:
		return f, f.typed(msg, k)
	}
	return f, formNothing
}

// typed is Edit, saying formTyped when the key changed nothing shown
// outside the form's own view: what the keys' help reads of the form
// (whether ctrl+s sends, whether the problems scroll) is as it was.
func (f *syncForm) typed(msg tea.KeyMsg, k *keymap.KeyMap) formEvent {
	before := f.keysState()
	f.Edit(msg, k)
	if f.keysState() != before {
		return formNothing
	}
	return formTyped
}

// formKeysState is what the form's bindings read of it.
type formKeysState struct{ canSubmit, below, above bool }

func (f *syncForm) keysState() formKeysState {
	return formKeysState{f.CanSubmit(), f.HasProblemsBelow(), f.HasProblemsAbove()}
}

// Connector is the connector the form syncs to.
func (f *syncForm) Connector() api.Connector { return f.connector }

// Finished says the sync was queued and its result is shown.
func (f *syncForm) Finished() bool { return f.state == formDone }

// Rejected and Warned count the tokens not sent and the EANs sent despite
// a check-digit warning.
func (f *syncForm) Rejected() int { return len(f.parsed.Rejected) }
func (f *syncForm) Warned() int   { return len(f.parsed.Warnings) }

// Valid is a copy of the valid EANs typed.
func (f *syncForm) Valid() []string { return append([]string(nil), f.parsed.Valid...) }

// Width is the form's width.
func (f *syncForm) Width() int { return f.width }
