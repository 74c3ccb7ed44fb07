package ean

import (
	"strconv"
	"strings"
	"testing"
)

// paste10k is what pasting a 10,000-row spreadsheet column gives: unique
// EAN-13s with correct check digits, one a line.
func paste10k() string {
	var b strings.Builder
	for i := range 10_000 {
		body := "400" + leftPad(strconv.Itoa(i*7919), 9)
		b.WriteString(body)
		b.WriteByte(ExpectedCheckDigit(body + "0"))
		b.WriteString("\r\n")
	}
	return b.String()
}

func leftPad(s string, n int) string {
	return strings.Repeat("0", n-len(s)) + s
}

func BenchmarkParse10k(b *testing.B) {
	text := paste10k()
	if r := Parse(text); len(r.Valid) != 10_000 || len(r.Warnings) != 0 {
		b.Fatalf("test data: %d valid, %d warnings", len(r.Valid), len(r.Warnings))
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Parse(text)
	}
}
