package jsonata

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// checkComposite compares the composite fast path, where it answers, with gnata; it reports
// whether the fast path answered.
func checkComposite(t testing.TB, src string, bindings map[string]string) bool {
	t.Helper()
	e, err := Compile(src)
	if err != nil || e.comp == nil {
		return false
	}
	out, defined, handled := e.comp.appendEval(NewScope(&vars{m: bindings}), nil)
	if !handled {
		return false
	}
	want, wdef, werr := reference(t, src, bindings)
	if werr != nil {
		t.Fatalf("%s on %v: fast path gave %s, gnata failed: %v", src, bindings, out, werr)
	}
	if defined != wdef || string(out) != want {
		t.Fatalf("%s on %v:\nfast path %s (defined %v)\n    gnata %s (defined %v)", src, bindings, out, defined, want, wdef)
	}
	got, gdef, gerr := e.Eval(&vars{m: bindings})
	if gerr != nil || gdef != wdef || string(got) != want {
		t.Fatalf("%s: Eval gave %s, %v, %v; want %s", src, got, gdef, gerr, want)
	}
	return true
}

func TestParseComposite(t *testing.T) {
	for src, want := range map[string]bool{
		`$merge([$states.input, {'inventory': $states.result}])`: true,
		` { "a" : $x.a , 'b': {"c": $y} } `:                      true,
		`{}`:                                                     true,
		`$merge([])`:                                             true,
		`$merge([{'a': $merge([$x, $y])}, $x.b[0]])`: true,
		`$x.a`:                 false, // a plain path
		`{'a': $x.a, 'a': $y}`: false,
		`{'a\n': $x}`:          false,
		`{'a': $x.a + 1}`:      false,
		`{'a': $x.a}.b`:        false,
		`$merge($x)`:           false,
		`$merge([$x], 1)`:      false,
		`$mergeX([$x])`:        false,
		`{'a': "lit"}`:         false,
		`{'a': $x.a[qty > 1]}`: false,
		`{a: $x}`:              false,
		`[$x]`:                 false,
		`{'a': $x} /* c */`:    false,
	} {
		if got := parseComposite(src) != nil; got != want {
			t.Errorf("parseComposite(%q) = %v; want %v", src, got, want)
		}
	}
}

var compositeDocs = []string{
	`{"a":1,"b":{"c":2}}`, `{"b":[1,2],"a":"s"}`, `{"a":{"a":1},"a":{"b":2}}`, `{}`, `[1,2]`, `[{"a":1}]`,
	`"str"`, `null`, `3.50`, `{"a":{"b":{"c":[{"d":1e21}]}}}`, `{"é":"\u00e9","a":[[1]]}`, `{"b":null,"c":true}`,
	`{"a":1,"b":2,"a":3}`, `{"inventory":{"x":1},"a":2}`,
}

var compositeExprs = []string{
	`$merge([$x, $y])`, `$merge([$x, {'y': $y}])`, `$merge([$y, $x, {}])`, `$merge([$x.b, $y.b])`,
	`$merge([$x.missing, $y])`, `$merge([])`, `$merge([$x.a, {'a': $y.a}])`, `{'x': $x, 'y': $y.a}`,
	`{"k": $x.b.c, 'l': {"m": $y.missing}}`, `{'a': $merge([$x, $y]), 'b': $x[0]}`, `$merge([$x, {'inventory': $y}])`,
	`$merge([$states.input, {'inventory': $states.result}])`, `{'in': $states.input.a, 'ctx': $states.context}`,
	`$merge([{'a': $x.a}, {'a': $y.a, 'b': $x}])`,
}

func TestCompositeMatchesGnata(t *testing.T) {
	handled, total := 0, 0
	for _, x := range compositeDocs {
		for _, y := range compositeDocs {
			b := map[string]string{"x": x, "y": y, "states": `{"input":` + x + `,"context":{"i":` + x + `},"result":` + y + `}`}
			for _, src := range compositeExprs {
				total++
				if checkComposite(t, src, b) {
					handled++
				}
			}
		}
	}
	t.Logf("fast path answered %d of %d", handled, total)
	if handled < total*2/5 { // the rest meet non-objects and repeated keys: gnata's to answer
		t.Errorf("the fast path answered only %d of %d", handled, total)
	}
	// A binding named merge hides the function: gnata answers.
	e, _ := Compile(`$merge([$x])`)
	if _, _, handled := e.comp.appendEval(NewScope(&vars{m: map[string]string{"x": `{}`, "merge": `1`}}), nil); handled {
		t.Error("the fast path answered with $merge bound to data")
	}
}

// randomComposite writes a random composite over $x, $y and $states.
func randomComposite(r *rand.Rand, depth int) string {
	switch k := r.IntN(10); {
	case depth > 2 || k < 4:
		return randomPath(r, []string{"$x", "$y", "$states.input", "$states.result"}[r.IntN(4)])
	case k < 7:
		var b strings.Builder
		b.WriteByte('{')
		for i := range r.IntN(4) {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `'%c%d': %s`, "abc"[r.IntN(3)], i, randomComposite(r, depth+1))
		}
		b.WriteByte('}')
		return b.String()
	default:
		parts := make([]string, r.IntN(4))
		for i := range parts {
			parts[i] = randomComposite(r, depth+1)
		}
		return "$merge([" + strings.Join(parts, ", ") + "])"
	}
}

func TestCompositeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	handled, total := 0, 0
	for range 3000 {
		x, y := randomDoc(r, 0), randomDoc(r, 0)
		b := map[string]string{"x": x, "y": y, "states": `{"input":` + x + `,"result":` + y + `}`}
		for range 3 {
			total++
			if checkComposite(t, randomComposite(r, 0), b) {
				handled++
			}
		}
	}
	t.Logf("fast path answered %d of %d", handled, total)
	if handled < total/5 {
		t.Errorf("the fast path answered only %d of %d", handled, total)
	}
}

func FuzzComposite(f *testing.F) {
	f.Add(`{"a":{"b":[1,{"c":2}]}}`, `{"a":1}`, `$merge([$x, {'y': $y}])`)
	f.Add(`{"a":1,"a":{"b":2}}`, `[]`, `{'a': $x.a, 'b': $merge([$y])}`)
	// composite.splice: an object canonical as a whole, members replaced and added.
	f.Add(`{"a":1,"b":{"c":[1]}}`, `{"k":"v"}`, `$merge([$x, {'b': $y, 'n': $x.a}, {'a': $y}])`)
	f.Add(`{}`, `"s"`, `$merge([$x, {'a"': $y}])`)
	f.Fuzz(func(t *testing.T, x, y, src string) {
		if len(src) > 80 {
			return
		}
		e, err := Compile(src)
		if err != nil || e.comp == nil {
			return
		}
		b := namedBindings(e, x, y)
		out, _, handled := e.comp.appendEval(NewScope(&vars{m: b}), nil)
		if !handled {
			return
		}
		if _, _, werr := reference(t, src, b); werr != nil {
			t.Fatalf("%s on %q, %q: fast path gave %s, gnata failed: %v", src, x, y, out, werr)
		}
		checkComposite(t, src, b)
	})
}

// TestMergeSpliceMatchesGnata checks composite.splice, $merge over a path to an object known
// canonical as a whole and object constructors: it must answer for such objects (written as
// they are, values replaced and members added) and give what gnata gives, with the index of
// what it wrote right (CheckCanonicalMarks checks it against a strict read).
func TestMergeSpliceMatchesGnata(t *testing.T) {
	CheckCanonicalMarks(true)
	defer CheckCanonicalMarks(false)
	objects := []struct {
		doc   string
		canon bool // splice answers
	}{
		{`{}`, true},
		{`{"a":1}`, true},
		{`{"a":1,"b":[1,{"c":"d"}],"c":{"a":"x"}}`, true},
		{`{"b":"é","a":null,"z":-1.5}`, true},
		{`{"a":1,"a":2}`, false},       // a repeated key: member by member
		{`{"a": 1}`, false},            // not compact
		{`{"a":1.0}`, false},           // a number JavaScript writes otherwise
		{`{"a\u0062":1}`, false},       // an escaped key
		{`{"a":"x\/y"}`, false},        // not as JSON.stringify writes it
		{`{"a":"x\ty"}`, true},         // as JSON.stringify writes it
		{`[1]`, false},                 // not an object
		{`{"a":{"a":1,"a":2}}`, false}, // a repeated key inside
	}
	exprs := []string{
		`$merge([$x, {'a': $y}])`,
		`$merge([$x, {'new': $y}])`,
		`$merge([$x, {'b': $y, 'new': $x.c}, {'a': $y, 'b': $x.a}])`,
		`$merge([$x, {'a': $x.nothing}])`,
		`$merge([$x, {'q"r': $y, 'é': $y}])`,
		`$merge([$x, {'b': {'n': $y}}, {}])`,
	}
	ys := []string{`{"k":true}`, `"s"`, `[1,2]`, `12345678901234567890`}
	for _, o := range objects {
		for _, y := range ys {
			for _, src := range exprs {
				b := map[string]string{"x": o.doc, "y": y}
				e, err := Compile(src)
				if err != nil || e.comp == nil {
					t.Fatalf("%s: not a composite (%v)", src, err)
				}
				sc := NewScope(&vars{m: b})
				var m merged
				_, _, spliced := e.comp.splice(sc, &m, nil, true)
				if spliced != o.canon {
					t.Errorf("%s on %s: splice answered %v, want %v", src, o.doc, spliced, o.canon)
				}
				checkComposite(t, src, b)
				// As Eval writes a result, indexed for the next phase.
				got, _, gerr := e.Eval(NewScope(&vars{m: b}))
				want, _, werr := reference(t, src, b)
				if (gerr != nil) != (werr != nil) || !strings.Contains(errText(gerr), errText(werr)) || (gerr == nil && string(got) != want) {
					t.Errorf("%s on %s, %s: Eval gave %s (%v), gnata %s (%v)", src, o.doc, y, got, gerr, want, werr)
				}
			}
		}
	}
}
