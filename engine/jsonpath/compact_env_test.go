package jsonpath

import (
	"bytes"
	"encoding/json"
	"testing"
)

// An Env that promises compact documents answers member paths by the byte scanner; it must give
// exactly what the general route gives on the same compact document: the same bytes or error.
func sameOnCompactEnv(t *testing.T, path string, doc []byte) {
	t.Helper()
	if !json.Valid(doc) {
		return
	}
	p, err := Compile(path)
	if err != nil || p.Root() != RootInput {
		return
	}
	c := compact(nil, string(doc))
	want, werr := p.Eval(c)
	got, gerr := (&Env{Input: c, Compact: true}).Eval(p)
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Fatalf("Eval(%q, %s): compact Env error %v, general route %v", path, c, gerr, werr)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Eval(%q, %s): compact Env %q, general route %q", path, c, got, want)
	}
}

func TestCompactEnvMatchesGeneralRoute(t *testing.T) {
	var cases []evalCase
	loadJSON(t, "eval.json", &cases)
	for _, c := range cases {
		sameOnCompactEnv(t, c.Path, c.Doc)
	}
	for _, c := range []struct{ path, doc string }{
		{"$.a.b", `{"a":{"b":1},"a":{"b":2}}`},
		{"$.a.b", `{"a":{"c":1,"b":[1,{"b":2}]}}`},
		{"$.a", `{"\u0061":1,"a":2}`},
		{"$['a.b']", `{"a":{"b":1},"a.b":2}`},
		{"$.a.b", `{"a":[{"b":1}]}`},
		{"$.a.b", `{"a":"{\"b\":1}"}`},
		{"$.x", `{"y":{"x":1}}`},
		{"$.é", `{"é":"ü"}`},
	} {
		sameOnCompactEnv(t, c.path, []byte(c.doc))
	}
}

func FuzzCompactEnv(f *testing.F) {
	f.Add("$.a.b", `{"a":{"c":[1,"}"],"b":{"x":null}}}`)
	f.Add("$.a", `{"\u0061":1,"a":2}`)
	f.Add("$['a b'].c", `{"a b":{"c":true}}`)
	f.Fuzz(func(t *testing.T, path, doc string) {
		sameOnCompactEnv(t, path, []byte(doc))
	})
}
