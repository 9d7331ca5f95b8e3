package engine

import (
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/jsonata"
	"github.com/stepjet/stepjet/engine/payload"
)

// FuzzCheckInput: a JSONata machine's checkInput, which first tries whether the input is
// canonical but for its whitespace, accepts and refuses exactly what payload.CheckCompact
// does, with the same document, and vouches for no more than it is.
func FuzzCheckInput(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, 2.5, {"b": "c d"}], "e" : null}`, "\n{\n  \"a\": true\n}\n", `tr ue`, `1 2`,
		`{"a":1,"a":2}`, `[1.0]`, `{"a":"\u00e9"}`, ` "x" `, "{\"a\":\"\xff\"}", `{"a":`,
		strings.Repeat("[", 1001) + strings.Repeat("]", 1001), strings.Repeat("[", 1000) + strings.Repeat("]", 1000),
	} {
		f.Add(s)
	}
	m := &Machine{jsonata: true}
	f.Fuzz(func(t *testing.T, text string) {
		doc, known, index, err := m.checkInput([]byte(text))
		want, werr := payload.CheckCompact([]byte(text), "The execution input")
		if (err == nil) != (werr == nil) || string(doc) != string(want) || (err != nil && err.Error() != werr.Error()) {
			t.Fatalf("%q: checkInput gives %q, %v; CheckCompact %q, %v", text, doc, err, want, werr)
		}
		if index != nil && string(index.Doc()) != string(doc) {
			t.Fatalf("%q: the index is of %q, the document %q", text, index.Doc(), doc)
		}
		switch known {
		case jsonata.KnownCanonical:
			if !jsonata.Canonical(doc) {
				t.Fatalf("%q: vouched canonical, but it is not", text)
			}
		case jsonata.KnownStrict:
			if !jsonata.CanonicalPlain(doc) && !strictlyValid(doc) {
				t.Fatalf("%q: vouched strictly valid, but it is not", text)
			}
		}
	})
}

// strictlyValid is the strict reading of the jsonata package, as a Scope would do it.
func strictlyValid(doc []byte) bool {
	e, err := jsonata.Compile(`$x`)
	if err != nil {
		return false
	}
	_, _, err = e.Eval(varsOf{"x": doc})
	return err == nil
}

type varsOf map[string][]byte

func (v varsOf) Lookup(name string) ([]byte, bool) { b, ok := v[name]; return b, ok }
