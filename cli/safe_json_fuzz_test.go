package cli

import (
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

// appendSafeJSON keeps the value a JSON reader sees and leaves nothing a
// terminal would act on: for any valid JSON from the server, the output is
// valid UTF-8 JSON that decodes to the same value, with no raw control,
// C1, bidi or other format character.
func FuzzSafeJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":"b"}`, `[1,2.5e3,-0,true,false,null]`, `"\u001b]52;c;eA==\u0007"`,
		"\"\u009b31m\u202eevil\u2028\"", "\"\xff\x9b\"", `{"k\u0000":{"x":[{}, []]}}`,
		"\"\U000E0001 tag\"", `  { "a" : [ 1 , { "b" : "c" } ] }  `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want any
		if json.Unmarshal(raw, &want) != nil {
			return
		}
		out, err := appendSafeJSON(nil, raw)
		if err != nil {
			t.Fatalf("valid JSON %q refused: %v", raw, err)
		}
		if !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("%q became invalid %q", raw, out)
		}
		for _, r := range string(out) {
			if r < 0x20 || escaped(r) {
				t.Fatalf("%U raw in %q (from %q)", r, out, raw)
			}
		}
		var got any
		json.Unmarshal(out, &got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q decodes to %#v, want %#v", out, got, want)
		}
	})
}
