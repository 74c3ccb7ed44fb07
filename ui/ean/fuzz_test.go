package ean

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"4006381333931, 3760000000001; hello\n4006381333931 123",
		"96385074 036000291452 10614141000019\r\n",
		"４００６３８１３３３９３１ \uFEFF4006381333931 400638\u200B1333931",
		"4006381333931\xff\xfe 96385074\u00A0" + strings.Repeat("x", 50),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := Parse(text)
		if got := len(r.Valid) + r.Duplicates + len(r.Rejected); got != r.Tokens {
			t.Fatalf("len(Valid)+Duplicates+len(Rejected) = %d, Tokens = %d", got, r.Tokens)
		}
		seen := map[string]bool{}
		for _, e := range r.Valid {
			if !validLength(len(e)) || strings.Trim(e, "0123456789") != "" {
				t.Fatalf("Valid holds %q", e)
			}
			if seen[e] {
				t.Fatalf("Valid holds %q twice", e)
			}
			seen[e] = true
			if !strings.Contains(text, e) {
				t.Fatalf("Valid holds %q, which is not in the input", e)
			}
		}
		for _, w := range r.Warnings {
			if !seen[w.EAN] || CheckDigitOK(w.EAN) {
				t.Fatalf("bad warning %+v", w)
			}
		}
		warned := 0
		for _, e := range r.Valid {
			if !CheckDigitOK(e) {
				warned++
			}
		}
		if warned != len(r.Warnings) {
			t.Fatalf("%d EANs fail the check digit, %d warnings", warned, len(r.Warnings))
		}
		for _, rej := range r.Rejected {
			if rej.Token == "" || rej.Reason == "" {
				t.Fatalf("empty rejection %+v", rej)
			}
			if len(rej.Token) > maxTokenBytes+len("…") {
				t.Fatalf("rejected token %q is not capped", rej.Token)
			}
			if utf8.ValidString(text) && !utf8.ValidString(rej.Token) {
				t.Fatalf("capping made %q invalid UTF-8", rej.Token)
			}
		}
	})
}
