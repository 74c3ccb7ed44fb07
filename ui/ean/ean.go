// Package ean reads the EANs a person pastes into the sync form.
//
// A paste is split into tokens on whitespace, commas and semicolons, so a
// column copied from a spreadsheet, a comma-separated list and a list typed
// by hand all work. Each token is sorted into one of three piles: EANs to
// send (duplicates dropped, input order kept), tokens that cannot be EANs
// (with the reason, to show the user), and EANs whose GS1 check digit is
// wrong. A wrong check digit is a warning, not a block: the API accepts such
// codes, and its own documentation uses 3760000000001, which fails the check.
package ean

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Rejected is a token that cannot be an EAN.
type Rejected struct {
	// Token is the token as typed, cut to about 40 bytes (on a character
	// boundary, ending with "…") so that a pasted megabyte of garbage does
	// not end up in the result. It is the user's own input, not sanitized.
	Token  string
	Reason string // e.g. "not all digits"
}

// Warning is an EAN that will be sent but looks mistyped.
type Warning struct {
	EAN    string
	Reason string // e.g. "check digit should be 7"
}

// Result is what Parse found in a paste.
type Result struct {
	// Valid holds the EANs to send, each once, in the order first seen.
	// It includes the EANs listed in Warnings.
	Valid []string
	// Duplicates counts repeats of an EAN already in Valid that were dropped.
	Duplicates int
	// Rejected holds the tokens that are not EANs, in input order.
	// Repeated bad tokens are listed each time.
	Rejected []Rejected
	// Warnings holds the EANs in Valid whose GS1 check digit is wrong.
	Warnings []Warning
	// Tokens counts every token seen:
	// Tokens == len(Valid) + Duplicates + len(Rejected).
	Tokens int
}

// maxTokenBytes is how much of a rejected token Result keeps.
const maxTokenBytes = 40

// Reasons given for rejected tokens.
const (
	reasonNotDigits  = "not all digits"
	reasonWideDigits = "non-ASCII digits: type them as 0-9"
	reasonInvisible  = "contains invisible characters"
)

// Parse splits text into tokens and sorts them into EANs to send, duplicates
// and rejects. Tokens are separated by any run of whitespace (including
// no-break and ideographic spaces), commas and semicolons; empty tokens are
// ignored. An EAN is 8, 12, 13 or 14 ASCII digits (EAN-8, UPC-A, EAN-13,
// GTIN-14). EANs are compared as typed: "036000291452" and "0036000291452"
// are the same GTIN but two different EANs here, as they are to the API.
func Parse(text string) Result {
	// Size for the common paste, a column of EAN-13s: 14 bytes a token.
	// Capped, so a large paste of something else does not reserve memory
	// for tokens it does not have; append grows past the guess if needed.
	hint := min(len(text)/14+1, 1<<14)
	r := Result{Valid: make([]string, 0, hint)}
	seen := make(map[string]struct{}, hint)

	for i := 0; i < len(text); {
		// Skip separators.
		n := separatorLen(text, i)
		if n > 0 {
			i += n
			continue
		}
		// The token runs to the next separator.
		start := i
		for i < len(text) && separatorLen(text, i) == 0 {
			if text[i] < utf8.RuneSelf {
				i++
			} else {
				_, size := utf8.DecodeRuneInString(text[i:])
				i += size
			}
		}
		r.add(text[start:i], seen)
	}
	return r
}

// add sorts one non-empty token into r.
func (r *Result) add(tok string, seen map[string]struct{}) {
	r.Tokens++
	if reason := notDigits(tok); reason != "" {
		r.Rejected = append(r.Rejected, Rejected{Token: capToken(tok), Reason: reason})
		return
	}
	if !validLength(len(tok)) {
		r.Rejected = append(r.Rejected, Rejected{
			Token:  capToken(tok),
			Reason: "length " + strconv.Itoa(len(tok)) + ": EANs have 8, 12, 13 or 14 digits",
		})
		return
	}
	if _, dup := seen[tok]; dup {
		r.Duplicates++
		return
	}
	seen[tok] = struct{}{}
	r.Valid = append(r.Valid, tok)
	if want := ExpectedCheckDigit(tok); tok[len(tok)-1] != want {
		r.Warnings = append(r.Warnings, Warning{EAN: tok, Reason: checkDigitReason(want)})
	}
}

// separatorLen returns the length of the separator at text[i], or 0 if
// text[i] starts a token character.
func separatorLen(text string, i int) int {
	switch c := text[i]; c {
	case ' ', '\t', '\n', '\r', '\v', '\f', ',', ';':
		return 1
	default:
		if c < utf8.RuneSelf {
			return 0
		}
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	if unicode.IsSpace(r) {
		return size
	}
	return 0
}

// notDigits returns why tok is not all ASCII digits, or "" if it is.
func notDigits(tok string) string {
	i := 0
	for i < len(tok) && tok[i] >= '0' && tok[i] <= '9' {
		i++
	}
	if i == len(tok) {
		return ""
	}
	// Explain the most useful thing: a token that would be digits but for
	// full-width digits or a stray zero-width space looks right on screen.
	var wide, invisible bool
	for _, c := range tok[i:] {
		switch {
		case c >= '0' && c <= '9':
		case unicode.IsDigit(c):
			wide = true
		case unicode.Is(unicode.Cf, c):
			invisible = true
		default:
			return reasonNotDigits
		}
	}
	if invisible {
		return reasonInvisible
	}
	if wide {
		return reasonWideDigits
	}
	return reasonNotDigits
}

// capToken returns tok, or its first maxTokenBytes bytes (backed off to the
// start of a character) followed by "…" if it is longer, so that whatever
// the UI builds from a rejected token stays small.
func capToken(tok string) string {
	if len(tok) <= maxTokenBytes {
		return tok
	}
	end := maxTokenBytes
	for end > 0 && !utf8.RuneStart(tok[end]) {
		end--
	}
	return tok[:end] + "…"
}

func validLength(n int) bool {
	return n == 8 || n == 12 || n == 13 || n == 14
}

// CheckDigitOK reports whether ean is 8, 12, 13 or 14 ASCII digits whose
// last digit is the GS1 check digit of the others.
func CheckDigitOK(ean string) bool {
	want := ExpectedCheckDigit(ean)
	return want != 0 && ean[len(ean)-1] == want
}

// ExpectedCheckDigit returns the GS1 mod-10 check digit that ean's last
// digit should be, computed from the digits before it, as an ASCII
// character '0'–'9' so it compares directly with ean[len(ean)-1]. It
// returns 0 if ean is not 8, 12, 13 or 14 ASCII digits.
//
// GS1 weights the digits 3, 1, 3, 1, … starting from the one just left of
// the check digit; the check digit brings the weighted sum to a multiple of
// 10. That rule is the same for every length, which is why UPC-A and EAN-13
// agree once a leading zero is added.
func ExpectedCheckDigit(ean string) byte {
	if !validLength(len(ean)) {
		return 0
	}
	sum := 0
	weight := 3
	for i := len(ean) - 2; i >= 0; i-- {
		d := ean[i] - '0'
		if d > 9 {
			return 0
		}
		sum += int(d) * weight
		weight = 4 - weight // 3, 1, 3, 1, …
	}
	if last := ean[len(ean)-1]; last < '0' || last > '9' {
		return 0
	}
	return byte('0' + (10-sum%10)%10)
}

func checkDigitReason(want byte) string {
	// One constant per digit, so a paste full of typos costs no allocations.
	return [...]string{
		"check digit should be 0",
		"check digit should be 1",
		"check digit should be 2",
		"check digit should be 3",
		"check digit should be 4",
		"check digit should be 5",
		"check digit should be 6",
		"check digit should be 7",
		"check digit should be 8",
		"check digit should be 9",
	}[want-'0']
}
