package termtext

import "testing"

func TestCSVCellNeutralisesFormulasAndControls(t *testing.T) {
	for in, want := range map[string]string{
		"Shop":                 "Shop",
		"=1+1":                 "'=1+1",
		"+33 1 23":             "'+33 1 23",
		"-2":                   "'-2",
		"@SUM(A1)":             "'@SUM(A1)",
		"\t=1":                 "' =1",
		"\r=1":                 "^M=1", // no longer a formula: shown as ^M
		"   =1":                "'   =1",
		"a=b":                  "a=b",
		"":                     "",
		"line\nbreak":          "line\nbreak",
		"\x1b]52;c;eA==\x07":   "^[]52;c;eA==^G",
		"\u202eevil":           "<U+202E>evil",
		"2026-01-01T00:00:00Z": "2026-01-01T00:00:00Z",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}
