package jsonata

import (
	"math/rand/v2"
	"testing"
)

// checkCondition compares the condition fast path, where it answers, with gnata; it reports
// whether the fast path answered.
func checkCondition(t testing.TB, src string, bindings map[string]string) bool {
	t.Helper()
	e, err := Compile(src)
	if err != nil {
		return false
	}
	if e.cond == nil {
		t.Fatalf("%s is not read as a condition", src)
	}
	v, handled := e.cond.eval(NewScope(&vars{m: bindings}))
	if !handled {
		return false
	}
	want, defined, werr := reference(t, src, bindings)
	got := "false"
	if v {
		got = "true"
	}
	if werr != nil || !defined || want != got {
		t.Errorf("%s on %v: fast path %s, gnata %s (defined %v, %v)", src, bindings, got, want, defined, werr)
	}
	return true
}

// condValues are operands' values: every scalar kind, numbers written in several ways, strings
// with escapes, and what the fast path must leave to gnata (objects, arrays, huge numbers).
var condValues = []string{`1`, `1.0`, `1e0`, `-0`, `0`, `2`, `1e400`, `"1"`, `"a"`, `"\u0061"`, `"a\"b"`,
	`true`, `false`, `null`, `{}`, `{"a":1}`, `[]`, `[1]`, `"é"`}

// condExprs cover the operators, literals, precedence and short-circuits.
var condExprs = []string{
	`$x = $y`, `$x != $y`, `$x.a = 1`, `$x = 1`, `$x = 'a'`, `$x = "a"`, `$x = true`, `$x = null`,
	`$x = -0`, `1 = $x`, `$x = $y and $y = $x`, `$x = 1 or $y = 1`, `$x = 1 and $y = 1 or $x = $y`,
	`$x.missing = $y`, `$x.missing != $y`, `$states.input.a = $x`, `$nothing = 1`, `$x=1and$y=1`,
	`$x = 1 and $y.a.b = 2`, `$x != null or $y != null`,
}

func TestConditionMatchesGnata(t *testing.T) {
	handled, total := 0, 0
	for _, x := range condValues {
		for _, y := range condValues {
			b := map[string]string{"x": x, "y": y, "states": `{"input":{"a":` + x + `}}`}
			for _, src := range condExprs {
				total++
				if checkCondition(t, src, b) {
					handled++
				}
			}
		}
	}
	t.Logf("fast path answered %d of %d", handled, total)
	if handled < total/2 {
		t.Errorf("the fast path answered only %d of %d", handled, total)
	}
	// What is not only comparisons and literals is not read as a condition.
	for _, src := range []string{`$x = $y + 1`, `$x < 1`, `$x = 1.5.a`, `$x = truex`, `$x = $f()`, `$x = 01`,
		`($x = 1)`, `$x = 'a\'b'`, `$x and $y = 1`, `$x = 1 and`, `$x == 1`} {
		if e, err := Compile(src); err == nil && e.cond != nil {
			t.Errorf("%s read as a condition", src)
		}
	}
}

// randomCondition writes a random condition over $x, $y and literals.
func randomCondition(r *rand.Rand) string {
	operand := func() string {
		switch r.IntN(4) {
		case 0:
			return "$x"
		case 1:
			return "$y.a"
		}
		return condValues[r.IntN(len(condValues))]
	}
	s := ""
	for i := r.IntN(3); i >= 0; i-- {
		op := []string{" = ", " != "}[r.IntN(2)]
		s += operand() + op + operand()
		if i > 0 {
			s += []string{" and ", " or "}[r.IntN(2)]
		}
	}
	return s
}

func TestRandomConditionsMatchGnata(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 21))
	for range 2000 {
		src := randomCondition(r)
		x := condValues[r.IntN(len(condValues))]
		y := `{"a":` + condValues[r.IntN(len(condValues))] + `}`
		if e, err := Compile(src); err == nil && e.cond != nil {
			checkCondition(t, src, map[string]string{"x": x, "y": y})
		}
	}
}

// FuzzCondition compares the condition fast path with gnata on random documents and
// conditions: where the fast path answers, gnata must give the same boolean.
func FuzzCondition(f *testing.F) {
	f.Add(`1`, `{"a":1.0}`, `$x = $y.a`)
	f.Add(`"a"`, `{"a":"\u0061"}`, `$x = $y.a and $x != 'b'`)
	f.Add(`null`, `{}`, `$x = null or $y.a = 1`)
	f.Fuzz(func(t *testing.T, x, y, src string) {
		if len(src) > 80 {
			return
		}
		e, err := Compile(src)
		if err != nil || e.cond == nil {
			return
		}
		b := namedBindings(e, x, y)
		checkCondition(t, src, b)
	})
}

// namedBindings gives x and y to the variables "x" and "y" where e names them, and nothing
// else: gnata decodes only the bindings an expression names.
func namedBindings(e *Expr, x, y string) map[string]string {
	b := map[string]string{}
	for _, name := range e.Variables() {
		if v, ok := map[string]string{"x": x, "y": y}[name]; ok {
			b[name] = v
		}
	}
	return b
}
