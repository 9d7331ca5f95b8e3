package jsonata

import "testing"

// checkConcatenation compares the concatenation fast path, where it answers, with gnata; it
// reports whether the fast path answered.
func checkConcatenation(t testing.TB, src string, bindings map[string]string) bool {
	t.Helper()
	e, err := Compile(src)
	if err != nil {
		return false
	}
	if e.concat == nil {
		t.Fatalf("%s is not read as a concatenation", src)
	}
	out, handled := e.concat.appendEval(NewScope(&vars{m: bindings}), nil)
	if !handled {
		return false
	}
	want, defined, werr := reference(t, src, bindings)
	if werr != nil || !defined || want != string(out) {
		t.Errorf("%s on %v: fast path %s, gnata %s (defined %v, %v)", src, bindings, out, want, defined, werr)
	}
	return true
}

func TestConcatenationMatchesGnata(t *testing.T) {
	handled, total := 0, 0
	for _, x := range condValues {
		for _, y := range condValues {
			b := map[string]string{"x": x, "y": y, "states": `{"input":{"a":` + x + `}}`}
			for _, src := range []string{`$x & $y`, `$x & '-' & $y`, `"<" & $x.a & ">"`, `$x.missing & $y`,
				`$states.input.a & "" & $states.input.b`, `$x&$y&$x`, `'é' & $x`} {
				total++
				if checkConcatenation(t, src, b) {
					handled++
				}
			}
		}
	}
	t.Logf("fast path answered %d of %d", handled, total)
	if handled < total/3 {
		t.Errorf("the fast path answered only %d of %d", handled, total)
	}
	for _, src := range []string{`$x & 1`, `$x`, `'a'`, `$x & $f()`, `$x & 'a\'b'`, `$x & $y.a + 1`, `$x &`} {
		if e, err := Compile(src); err == nil && e.concat != nil {
			t.Errorf("%s read as a concatenation", src)
		}
	}
}

// FuzzConcatenation compares the concatenation fast path with gnata on random documents.
func FuzzConcatenation(f *testing.F) {
	f.Add(`"a"`, `{"a":"\u00e9"}`, `$x & '-' & $y.a`)
	f.Add(`null`, `{"a":true}`, `$x & $y.a & $y.b`)
	f.Fuzz(func(t *testing.T, x, y, src string) {
		if len(src) > 80 {
			return
		}
		e, err := Compile(src)
		if err != nil || e.concat == nil {
			return
		}
		b := namedBindings(e, x, y)
		checkConcatenation(t, src, b)
	})
}
