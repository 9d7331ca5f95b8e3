package jsonata

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/stepjet/stepjet/engine/jsonata/internal/gnata"
)

// decodeSamples are JSON texts (and non-JSON ones) on which decodeJSON must agree with
// gnata.DecodeJSON exactly: same values, same key order, an error when gnata errs.
var decodeSamples = []string{
	`null`, `true`, `false`, `0`, `-0`, `1.50`, `1e2`, `-1.5E-7`, `123456789012345678901234`, `1e999`,
	`""`, `"plain"`, `"esc\"aped\\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 \ud800 x"`, `"é ü 😀"`,
	`[]`, `{}`, `[1,[2,[3,{}]]]`, `{"b":1,"a":{"y":null,"b":[true,false]}}`, `{"a":1,"a":2}`,
	`{"a":{"x":1},"b":2,"a":[3]}`, ` { "k" : [ 1 , 2 ] } `, "\t\n[\r]", `{"\u0061":1,"a":2}`,
	`{"a":1} trailing`, `1 2`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `01`, `1.`, `.5`, `-`, `+1`, `1e`,
	`"unterminated`, `"ctrl` + "\x01" + `"`, `"bad \x escape"`, `"\u12"`, "\"\xff\"", `tru`, `nul`, ``, `   `,
	`[`, `{`, `{"a":`, `[1 2]`, `NaN`, `Infinity`,
}

func sameDecode(t *testing.T, raw []byte) {
	t.Helper()
	want, werr := gnata.DecodeJSON(raw)
	got, gerr := decodeJSON(raw)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("decode %q: error %v; gnata's %v", raw, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decode %q:\n got %#v\nwant %#v", raw, got, want)
	}
}

func TestDecodeMatchesGnata(t *testing.T) {
	for _, s := range decodeSamples {
		sameDecode(t, []byte(s))
	}
	in, err := os.ReadFile("../../bench/testdata/order-input.json")
	if err != nil {
		t.Fatal(err)
	}
	sameDecode(t, in)
	if _, err := decodeJSON([]byte(`{"a":`)); err == nil {
		t.Fatal("no error for truncated JSON")
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range decodeSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameDecode(t, []byte(s))
		if json.Valid([]byte(s)) {
			if _, err := decodeJSON([]byte(s)); err != nil {
				t.Fatalf("valid JSON %q: %v", s, err)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	in, err := os.ReadFile("../../bench/testdata/order-input.json")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("gnata", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := gnata.DecodeJSON(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decodeJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeJSON(in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
