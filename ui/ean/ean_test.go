package ean

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Result
	}{
		{
			name: "empty",
			in:   "",
			want: Result{},
		},
		{
			name: "only separators",
			in:   " \t\r\n,;,, ;\n",
			want: Result{},
		},
		{
			name: "one EAN-13",
			in:   "4006381333931",
			want: Result{Valid: []string{"4006381333931"}, Tokens: 1},
		},
		{
			name: "every allowed length",
			in:   "96385074 036000291452 4006381333931 10614141000019",
			want: Result{Valid: []string{"96385074", "036000291452", "4006381333931", "10614141000019"}, Tokens: 4},
		},
		{
			name: "every separator",
			in:   "4006381333931,96385074;036000291452\t5901234123457\r\n12345670\n\n10614141000019 ,; 00012345600012\v\f0036000291452",
			want: Result{
				Valid:  []string{"4006381333931", "96385074", "036000291452", "5901234123457", "12345670", "10614141000019", "00012345600012", "0036000291452"},
				Tokens: 8,
			},
		},
		{
			name: "Unicode spaces separate",
			in:   "4006381333931\u00A096385074\u3000036000291452\u2003",
			want: Result{Valid: []string{"4006381333931", "96385074", "036000291452"}, Tokens: 3},
		},
		{
			name: "spreadsheet column with CRLF and trailing blank lines",
			in:   "4006381333931\r\n5901234123457\r\n\r\n",
			want: Result{Valid: []string{"4006381333931", "5901234123457"}, Tokens: 2},
		},
		{
			name: "duplicates removed, first order kept",
			in:   "5901234123457 4006381333931 5901234123457, 4006381333931;5901234123457",
			want: Result{Valid: []string{"5901234123457", "4006381333931"}, Duplicates: 3, Tokens: 5},
		},
		{
			name: "UPC-A and its EAN-13 form are different EANs",
			in:   "036000291452 0036000291452",
			want: Result{Valid: []string{"036000291452", "0036000291452"}, Tokens: 2},
		},
		{
			name: "API docs example is sent with a warning",
			in:   "3760000000001",
			want: Result{
				Valid:    []string{"3760000000001"},
				Warnings: []Warning{{EAN: "3760000000001", Reason: "check digit should be 0"}},
				Tokens:   1,
			},
		},
		{
			name: "a duplicate with a bad check digit is warned about once",
			in:   "4006381333932 4006381333932 4006381333931",
			want: Result{
				Valid:      []string{"4006381333932", "4006381333931"},
				Duplicates: 1,
				Warnings:   []Warning{{EAN: "4006381333932", Reason: "check digit should be 1"}},
				Tokens:     3,
			},
		},
		{
			name: "bad check digit on a GTIN-14",
			in:   "10614141000015",
			want: Result{
				Valid:    []string{"10614141000015"},
				Warnings: []Warning{{EAN: "10614141000015", Reason: "check digit should be 9"}},
				Tokens:   1,
			},
		},
		{
			name: "too short",
			in:   "40063813339",
			want: Result{Rejected: []Rejected{{"40063813339", "length 11: EANs have 8, 12, 13 or 14 digits"}}, Tokens: 1},
		},
		{
			name: "every wrong length",
			in:   "1 1234567 123456789 12345678901 123456789012345",
			want: Result{
				Rejected: []Rejected{
					{"1", "length 1: EANs have 8, 12, 13 or 14 digits"},
					{"1234567", "length 7: EANs have 8, 12, 13 or 14 digits"},
					{"123456789", "length 9: EANs have 8, 12, 13 or 14 digits"},
					{"12345678901", "length 11: EANs have 8, 12, 13 or 14 digits"},
					{"123456789012345", "length 15: EANs have 8, 12, 13 or 14 digits"},
				},
				Tokens: 5,
			},
		},
		{
			name: "not all digits",
			in:   "400638133393X abc 4006-3813-3393-1 -4006381333931 +4006381333931 4006381333931.0",
			want: Result{
				Rejected: []Rejected{
					{"400638133393X", reasonNotDigits},
					{"abc", reasonNotDigits},
					{"4006-3813-3393-1", reasonNotDigits},
					{"-4006381333931", reasonNotDigits},
					{"+4006381333931", reasonNotDigits},
					{"4006381333931.0", reasonNotDigits},
				},
				Tokens: 6,
			},
		},
		{
			name: "full-width and other Unicode digits",
			in:   "４００６３８１３３３９３１ 400638133393\u0661 \u0968\u0966\u0966",
			want: Result{
				Rejected: []Rejected{
					{"４００６３８１３３３９３１", reasonWideDigits},
					{"400638133393\u0661", reasonWideDigits},
					{"\u0968\u0966\u0966", reasonWideDigits},
				},
				Tokens: 3,
			},
		},
		{
			name: "zero-width space and BOM are called out",
			in:   "\uFEFF4006381333931 400638\u200B1333931",
			want: Result{
				Rejected: []Rejected{
					{"\uFEFF4006381333931", reasonInvisible},
					{"400638\u200B1333931", reasonInvisible},
				},
				Tokens: 2,
			},
		},
		{
			name: "a letter outranks a full-width digit",
			in:   "４a",
			want: Result{Rejected: []Rejected{{"４a", reasonNotDigits}}, Tokens: 1},
		},
		{
			name: "invalid UTF-8 is rejected, not split",
			in:   "4006381333931\xff 96385074",
			want: Result{
				Valid:    []string{"96385074"},
				Rejected: []Rejected{{"4006381333931\xff", reasonNotDigits}},
				Tokens:   2,
			},
		},
		{
			name: "repeated rejects are each listed",
			in:   "x x 123",
			want: Result{
				Rejected: []Rejected{{"x", reasonNotDigits}, {"x", reasonNotDigits}, {"123", "length 3: EANs have 8, 12, 13 or 14 digits"}},
				Tokens:   3,
			},
		},
		{
			name: "mixed paste",
			in:   "4006381333931, 3760000000001; hello\n4006381333931 123",
			want: Result{
				Valid:      []string{"4006381333931", "3760000000001"},
				Duplicates: 1,
				Rejected:   []Rejected{{"hello", reasonNotDigits}, {"123", "length 3: EANs have 8, 12, 13 or 14 digits"}},
				Warnings:   []Warning{{EAN: "3760000000001", Reason: "check digit should be 0"}},
				Tokens:     5,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.in)
			if len(got.Valid) == 0 {
				got.Valid = nil // compare an empty preallocated slice as nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseCapsRejectedTokens(t *testing.T) {
	tests := []struct {
		name string
		tok  string
		want string
	}{
		{"exactly the cap", strings.Repeat("x", 40), strings.Repeat("x", 40)},
		{"one over", strings.Repeat("x", 41), strings.Repeat("x", 40) + "…"},
		{"megabyte", strings.Repeat("garbage!", 1<<17), "garbage!garbage!garbage!garbage!garbage!…"},
		{"long digit string", strings.Repeat("1", 100), strings.Repeat("1", 40) + "…"},
		// 39 ASCII bytes then a 3-byte character straddling byte 40.
		{"cut backs off to a character start", strings.Repeat("x", 39) + "東京", strings.Repeat("x", 39) + "…"},
		{"4-byte characters", strings.Repeat("😀", 20), strings.Repeat("😀", 10) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Parse(tt.tok)
			if len(r.Rejected) != 1 {
				t.Fatalf("Rejected = %v, want one entry", r.Rejected)
			}
			if got := r.Rejected[0].Token; got != tt.want {
				t.Errorf("Token = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		ean  string
		want byte
		ok   bool
	}{
		{"4006381333931", '1', true},   // EAN-13
		{"5901234123457", '7', true},   // EAN-13 (GS1's example)
		{"3760000000001", '0', false},  // the API docs' example
		{"96385074", '4', true},        // EAN-8
		{"12345670", '0', true},        // EAN-8, check digit 0
		{"036000291452", '2', true},    // UPC-A
		{"0036000291452", '2', true},   // the same UPC-A as an EAN-13
		{"10614141000019", '9', true},  // GTIN-14
		{"00012345600012", '2', true},  // GTIN-14
		{"10614141000015", '9', false}, // GTIN-14, wrong check digit
		{"4006381333932", '1', false},
		{"", 0, false},
		{"1234567", 0, false},
		{"123456789", 0, false},
		{"400638133393X", 0, false},
		{"X006381333931", 0, false},
		{"４００６３８１３", 0, false},
	}
	for _, tt := range tests {
		if got := ExpectedCheckDigit(tt.ean); got != tt.want {
			t.Errorf("ExpectedCheckDigit(%q) = %q, want %q", tt.ean, got, tt.want)
		}
		if got := CheckDigitOK(tt.ean); got != tt.ok {
			t.Errorf("CheckDigitOK(%q) = %v, want %v", tt.ean, got, tt.ok)
		}
	}
}

// Changing any single digit of an EAN must break its check digit: that is
// the typo the check exists to catch.
func TestCheckDigitCatchesEverySingleDigitTypo(t *testing.T) {
	for _, ean := range []string{"4006381333931", "96385074", "036000291452", "10614141000019"} {
		for i := range len(ean) {
			for d := byte('0'); d <= '9'; d++ {
				if d == ean[i] {
					continue
				}
				typo := ean[:i] + string(d) + ean[i+1:]
				if CheckDigitOK(typo) {
					t.Errorf("CheckDigitOK(%q) = true for a typo of %q", typo, ean)
				}
			}
		}
	}
}
