package payload

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/tidwall/gjson"
)

var validCompactCases = []struct {
	in, want string
	ok       bool
}{
	{`{}`, `{}`, true},
	{` { "a" : [ 1 , 2.5e-3 , "x y" ] ,"b":{ } } `, `{"a":[1,2.5e-3,"x y"],"b":{}}`, true},
	{"\n[\ttrue,false ,null\r]\n", `[true,false,null]`, true},
	{`"a\"b \\ \u00e9 \/ \b\f\n\r\t"`, `"a\"b \\ \u00e9 \/ \b\f\n\r\t"`, true},
	{`-0.5E+10`, `-0.5E+10`, true},
	{` 0 `, `0`, true},
	{``, ``, false},
	{`   `, ``, false},
	{`{"a":1,}`, ``, false},
	{`[1,]`, ``, false},
	{`[1 2]`, ``, false},
	{`{"a" 1}`, ``, false},
	{`{a:1}`, ``, false},
	{`01`, ``, false},
	{`-`, ``, false},
	{`1.`, ``, false},
	{`1e`, ``, false},
	{`tru`, ``, false},
	{`nul`, ``, false},
	{`"\x"`, ``, false},
	{`"\u12g4"`, ``, false},
	{`"\u123"`, ``, false},
	{"\"a\tb\"", ``, false},
	{`"unterminated`, ``, false},
	{`{} {}`, ``, false},
	{`[`, ``, false},
	{`{"a":`, ``, false},
}

func TestValidCompact(t *testing.T) {
	for _, tc := range validCompactCases {
		got, ok := ValidCompact([]byte(tc.in))
		if ok != tc.ok || (ok && string(got) != tc.want) {
			t.Errorf("ValidCompact(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok != gjson.Valid(tc.in) {
			t.Errorf("ValidCompact(%q) ok = %v, gjson.Valid says %v", tc.in, ok, !ok)
		}
	}
}

func TestValidCompactDoesNotCopyCompactInput(t *testing.T) {
	in := []byte(` {"a":[1,"b c"]}` + "\n")
	got, ok := ValidCompact(in)
	if !ok || string(got) != `{"a":[1,"b c"]}` || &got[0] != &in[1] {
		t.Fatalf("ValidCompact(%q) = %q, %v; want a view of the input", in, got, ok)
	}
	if n := testing.AllocsPerRun(10, func() { ValidCompact(in) }); n != 0 {
		t.Fatalf("ValidCompact of compact input allocates %v times", n)
	}
}

// FuzzValidCompact checks ValidCompact against gjson.Valid followed by Compact: the same inputs
// are accepted and the same bytes come out.
func FuzzValidCompact(f *testing.F) {
	for _, tc := range validCompactCases {
		f.Add([]byte(tc.in))
	}
	f.Add([]byte(orderParameters))
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		got, ok := ValidCompact(in)
		if !bytes.Equal(in, orig) {
			t.Fatalf("ValidCompact modified its input")
		}
		if want := gjson.ValidBytes(in); ok != want {
			t.Fatalf("ValidCompact(%q) ok = %v, gjson.Valid = %v", in, ok, want)
		}
		if !ok {
			return
		}
		if want := appendCompact(nil, bytes.Trim(in, " \t\r\n")); !bytes.Equal(got, want) {
			t.Fatalf("ValidCompact(%q) = %q, want %q", in, got, want)
		}
	})
}

func BenchmarkValidCompact(b *testing.B) {
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, orderInput, "", "  "); err != nil {
		b.Fatal(err)
	}
	in := pretty.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, ok := ValidCompact(in); !ok {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkValidThenCompact(b *testing.B) {
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, orderInput, "", "  "); err != nil {
		b.Fatal(err)
	}
	in := pretty.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if !gjson.ValidBytes(in) {
			b.Fatal("invalid")
		}
		Compact(in)
	}
}
