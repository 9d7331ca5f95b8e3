package payload

import (
	"testing"

	"github.com/stepjet/stepjet/engine/jsonata"
)

// docBindings hands out the very slices it holds, as the engine does.
type docBindings map[string][]byte

func (b docBindings) Lookup(name string) ([]byte, bool) { v, ok := b[name]; return v, ok }

// TestJSONataTemplateIndexesItsObject: a canonical template that is an object tells the Scope
// where the members of what it writes are (jsonata.Scope.IndexObject); CheckCanonicalMarks
// checks every such index against a strict read of the output, and the next phase reading
// the output finds what the template wrote.
func TestJSONataTemplateIndexesItsObject(t *testing.T) {
	jsonata.CheckCanonicalMarks(true)
	defer jsonata.CheckCanonicalMarks(false)
	x := []byte(`{"a":{"b":[1,"two",{"c":null}]},"s":"é\n","n":-1.5}`)
	for i, tmpl := range []string{
		`{"one":"{% $x.a %}","lit":[1,{"k":"v"}],"two":"{% $x.s %}","n":"{% $x.n %}","last":"{% $x.a.b %}"}`,
		`{"first":"{% $x %}"}`,
		`{"a":1,"b":"{% $x.n %}","c":{"d":"{% $x.s %}"},"e":"tail"}`,
		`{"quo\"te":"{% $x.n %}","b":"{% $x.s %}"}`, // a key with escapes: marked, not indexed
		`{"b":"{% $x.s %}","b":"{% $x.n %}"}`,       // a key written twice: the last value, once
		`["{% $x.n %}",{"a":"{% $x.s %}"}]`,         // not an object: marked only
	} {
		tp, err := CompileJSONata("Output", []byte(tmpl))
		if err != nil {
			t.Fatalf("%s: %v", tmpl, err)
		}
		if indexed, want := tp.index != nil, i != 3 && i != 5; indexed != want {
			t.Errorf("%s: indexed %v, want %v", tmpl, indexed, want)
		}
		sc := jsonata.NewScope(docBindings{"x": x})
		sc.TrustCarried(true)
		out, err := tp.Eval(sc)
		if err != nil {
			t.Fatalf("%s: %v", tmpl, err)
		}
		want, err := tp.Eval(docBindings{"x": x})
		if err != nil || string(out) != string(want) {
			t.Fatalf("%s: %s with a Scope, %s (%v) without", tmpl, out, want, err)
		}
		// The next phase reads the output by its memory: each member as written.
		sc.Reset(docBindings{"out": out})
		e, err := jsonata.Compile(`$merge([$out, {'added': $out}])`)
		if err != nil {
			t.Fatal(err)
		}
		got, _, gerr := e.Eval(sc)
		ref, _, rerr := e.Eval(docBindings{"out": []byte(string(out))})
		if string(got) != string(ref) || (gerr == nil) != (rerr == nil) {
			t.Errorf("%s: the next phase reads %s (%v); afresh %s (%v)", tmpl, got, gerr, ref, rerr)
		}
	}
}
