package jsonata

import "testing"

// sameBytes is Bindings that hand out their very slices, as the engine does.
type sameBytes map[string][]byte

func (b sameBytes) Lookup(name string) ([]byte, bool) {
	v, ok := b[name]
	return v, ok
}

// carried returns a document bound to $x, in memory the test may write over, and $x.a.b.
func carried(t *testing.T) ([]byte, sameBytes, *Expr) {
	doc := []byte(`{"a":{"b":1},"c":"xxxx"}`)
	e, err := Compile(`$x.a.b`)
	if err != nil {
		t.Fatal(err)
	}
	return doc, sameBytes{"x": doc}, e
}

// TestCarriedIndex: a Scope Reset for the next phase finds what the last phase indexed again
// by its memory, and only while that memory holds the same bytes.
func TestCarriedIndex(t *testing.T) {
	doc, b, e := carried(t)
	sc := NewScope(b)
	evalIs := func(want string) {
		t.Helper()
		if v, def, err := e.Eval(sc); err != nil || !def || string(v) != want {
			t.Fatalf("$x.a.b = %s (%v, %v), want %s", v, def, err, want)
		}
	}
	evalIs("1")
	built := len(sc.nodes)
	sc.Reset(b)
	evalIs("1")
	if len(sc.nodes) != built {
		t.Errorf("the next phase built %d indexes again; it should have found the %d carried", len(sc.nodes)-built, built)
	}
	// The same memory written over (a buffer reused against the rules), members elsewhere:
	// indexed afresh.
	over := `{"c":"","a":{"b":22222}}`
	if len(over) != len(doc) {
		t.Fatal("the documents must be as long")
	}
	copy(doc, over)
	sc.Reset(b)
	evalIs("22222")
	// An equal document elsewhere in memory is not the one carried: indexed afresh too.
	b["x"] = []byte(string(doc))
	sc.Reset(b)
	evalIs("22222")
}

// TestCanonicalMarkNeedsSameBytes: a text marked canonical is read without a check in the next
// phase only while its memory holds the bytes marked.
func TestCanonicalMarkNeedsSameBytes(t *testing.T) {
	pad := `"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`
	doc := []byte(`{"b":100,"a":` + pad + `}`)
	b := sameBytes{"x": doc}
	e, err := Compile(`$x.b`)
	if err != nil {
		t.Fatal(err)
	}
	sc := NewScope(b)
	sc.MarkCanonical(doc)
	copy(doc, `{"b":1.0,"a":`+pad+`}`) // not canonical: JSON.stringify writes 1
	sc.Reset(b)
	if v, _, err := e.Eval(sc); err != nil || string(v) != "1" {
		t.Fatalf("$x.b = %s (%v), want 1", v, err)
	}
}

// TestTrustCarried: a Scope whose owner vouches that documents keep their bytes finds what it
// carries by memory alone, taking no sums; Forget drops it all.
func TestTrustCarried(t *testing.T) {
	doc, b, e := carried(t)
	sc := NewScope(b)
	sc.TrustCarried(true)
	if v, _, err := e.Eval(sc); err != nil || string(v) != "1" {
		t.Fatalf("$x.a.b = %s (%v)", v, err)
	}
	for i := range sc.nodes {
		if sc.nodes[i].sum != 0 {
			t.Errorf("a trusting Scope took the sum of %s", sc.nodes[i].text)
		}
	}
	built := len(sc.nodes)
	sc.Reset(b)
	if v, _, err := e.Eval(sc); err != nil || string(v) != "1" || len(sc.nodes) != built {
		t.Fatalf("$x.a.b = %s (%v) with %d indexes; want 1 with the %d carried", v, err, len(sc.nodes), built)
	}
	// The owner's word broken: what it carries answers for the memory as it was.
	copy(doc, `{"c":"","a":{"b":22222}}`)
	sc.Forget()
	sc.Reset(b)
	if v, _, err := e.Eval(sc); err != nil || string(v) != "22222" {
		t.Fatalf("after Forget, $x.a.b = %s (%v), want 22222", v, err)
	}
}
