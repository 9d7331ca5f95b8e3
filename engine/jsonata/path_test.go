package jsonata

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/jsonata/internal/gnata"
)

// reference evaluates src the way Eval did before any fast path: every binding decoded by
// gnata.DecodeJSON, the whole program run by gnata.
func reference(t testing.TB, src string, bindings map[string]string) (string, bool, error) {
	t.Helper()
	prog, err := gnata.Compile(src)
	if err != nil {
		return "", false, err
	}
	vars := map[string]any{}
	for name, raw := range bindings {
		v, err := gnata.DecodeJSON(json.RawMessage(raw))
		if err != nil {
			return "", false, err
		}
		vars[name] = v
	}
	res, err := prog.EvalWithVars(context.Background(), nil, vars)
	if err != nil {
		return "", false, err
	}
	out, ok := appendJSON(nil, res)
	return string(out), ok, nil
}

// checkPath compares the fast path, where it answers, with the reference; it reports whether
// the fast path answered.
func checkPath(t testing.TB, src string, bindings map[string]string) bool {
	t.Helper()
	e, err := Compile(src)
	if err != nil || e.path == nil {
		return false
	}
	out, defined, handled := e.path.eval(NewScope(&vars{m: bindings}))
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
	// And Eval as a whole agrees too.
	got, gdef, gerr := e.Eval(&vars{m: bindings})
	if gerr != nil || gdef != wdef || string(got) != want {
		t.Fatalf("%s: Eval gave %s, %v, %v; want %s", src, got, gdef, gerr, want)
	}
	return true
}

func TestParsePlainPath(t *testing.T) {
	for src, want := range map[string]string{
		`$states.input.order.total`:  `states.input.order.total`,
		` $x.y[0] `:                  `x.y[0]`,
		`$x . y [ -1 ] .z`:           `x.y[-1].z`,
		"$states.input.`odd name`.a": `states.input.odd name.a`,
		`$x`:                         `x`,
		`$x.y[01]`:                   ``,
		`$x.y[0.5]`:                  ``,
		`$x.y[a]`:                    ``,
		`$x.y * 2`:                   ``,
		`$x.y.`:                      ``,
		`$x.and`:                     ``,
		`$x.1`:                       ``,
		`$$.a`:                       ``,
		`$`:                          ``,
		`$x.y()`:                     ``,
		`$x.y /* c */`:               ``,
		`$x.y[0][1]`:                 `x.y[0][1]`,
		`$x.*`:                       ``,
	} {
		got := ""
		if p := parsePlainPath(src); p != nil {
			got = p.variable
			for _, s := range p.steps {
				if s.isIndex {
					got += fmt.Sprintf("[%d]", s.index)
				} else {
					got += "." + s.field
				}
			}
		}
		if got != want {
			t.Errorf("parsePlainPath(%q) = %q; want %q", src, got, want)
		}
	}
}

func TestPlainPathMatchesGnata(t *testing.T) {
	docs := []string{
		`{"a":{"b":{"c":1}}}`, `{"a":[{"b":1},{"b":2}]}`, `{"a":[{"b":1}]}`, `{"a":[]}`, `{"a":[[1,2],[3]]}`,
		`{"a":[[1]]}`, `{"a":[1,[2,3],4]}`, `{"a":{"b":[1,2,3]}}`, `{"a":"str"}`, `{"a":null}`, `{"a":1.0}`,
		`{"a":-0}`, `{"a":1e21}`, `{"a":1E-7}`, `{"a":123456789012345678}`, `{"a":"\u00e9\n\"\/"}`,
		`{"a":1,"a":2}`, `{"a":{"b":1},"a":{"c":2}}`, `{"a":{"b":1,"b":[2]}}`, `{"a":{"z":1,"y":{"x":[true,false,null]}}}`,
		`{"a":[{"b":[{"c":1}]}]}`, `[{"a":1}]`, `[1,2]`, `[]`, `"top"`, `3`, `null`, `{"a":{}}`, `{"odd name":{"a":1}}`,
		`{"a":[{"b":1},{"c":2},5]}`, `{"a":[null]}`, `{"a":[{"b":{"c":[1]}}]}`, `{ "a" : { "b" : 2 } }`,
	}
	paths := []string{
		`$x`, `$x.a`, `$x.a.b`, `$x.a.b.c`, `$x.a[0]`, `$x.a[1]`, `$x.a[-1]`, `$x.a[0].b`, `$x.a[0][0]`,
		`$x.a[5]`, `$x.a[-9]`, `$x[0]`, `$x[0].a`, `$x.a.b[0]`, `$x.a.b[-1]`, `$x.missing`, `$x.a.missing.deeper`,
		"$x.`odd name`.a", `$x.a.z`, `$x.a.y.x`, `$x.a.y.x[1]`,
	}
	handled := 0
	for _, d := range docs {
		for _, p := range paths {
			if checkPath(t, p, map[string]string{"x": d}) {
				handled++
			}
			sp := strings.Replace(p, "$x", "$states.input", 1)
			if checkPath(t, sp, map[string]string{"states": `{"input":` + d + `,"context":{"a":1}}`}) {
				handled++
			}
		}
	}
	if handled < len(docs)*len(paths)*2/5 { // most of the rest cross arrays: gnata's to answer
		t.Errorf("the fast path answered only %d of %d", handled, 2*len(docs)*len(paths))
	}
}

// randomDoc writes a random JSON value over a small key alphabet so that random paths often hit.
func randomDoc(r *rand.Rand, depth int) string {
	switch k := r.IntN(10); {
	case depth > 3 || k < 3:
		scalars := []string{`1`, `-0`, `2.50`, `1e2`, `0.1`, `-7`, `1e400`, `"s"`, `"\u00e9\t"`, `true`, `false`, `null`, `""`, `12345678901234567890`}
		return scalars[r.IntN(len(scalars))]
	case k < 6:
		n := r.IntN(4)
		var b strings.Builder
		b.WriteByte('{')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"%c":%s`, "abc"[r.IntN(3)], randomDoc(r, depth+1))
		}
		b.WriteByte('}')
		return b.String()
	default:
		n := r.IntN(4)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = randomDoc(r, depth+1)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
}

func randomPath(r *rand.Rand, root string) string {
	p := root
	for range r.IntN(5) {
		switch r.IntN(4) {
		case 0:
			p += fmt.Sprintf("[%d]", r.IntN(4)-2)
		default:
			p += "." + string("abc"[r.IntN(3)])
		}
	}
	return p
}

func TestPlainPathRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	handled, total := 0, 0
	for range 4000 {
		d := randomDoc(r, 0)
		for range 4 {
			total++
			if checkPath(t, randomPath(r, "$x"), map[string]string{"x": d}) {
				handled++
			}
			if checkPath(t, randomPath(r, "$states.input"), map[string]string{"states": `{"input":` + d + `}`}) {
				handled++
			}
		}
	}
	t.Logf("fast path answered %d of %d", handled, 2*total)
	if handled < total/2 {
		t.Errorf("fast path answered only %d of %d", handled, 2*total)
	}
}

func FuzzPlainPath(f *testing.F) {
	f.Add(`{"a":{"b":[1,{"c":2}]}}`, `$x.a.b[1].c`)
	f.Add(`{"a":[[1],[2]]}`, `$x.a[0]`)
	f.Add(`{"a":1,"a":{"b":2}}`, `$x.a.b`)
	f.Add(`[{"a":1}]`, `$x.a`)
	f.Add(`{"a":"\ud800"}`, `$x.a`)
	f.Fuzz(func(t *testing.T, doc, path string) {
		if !json.Valid([]byte(doc)) || len(path) > 64 {
			// Invalid text: the fast path must leave it to gnata (checked by checkPath too).
			e, err := Compile(path)
			if err == nil && e.path != nil {
				if out, _, handled := e.path.eval(NewScope(&vars{m: map[string]string{"x": doc}})); handled {
					if _, _, werr := reference(t, path, map[string]string{"x": doc}); werr != nil {
						t.Fatalf("%s on invalid %q: fast path gave %s", path, doc, out)
					}
				}
			}
			return
		}
		checkPath(t, path, map[string]string{"x": doc})
	})
}
