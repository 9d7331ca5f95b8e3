package jsonata

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// substExprs use $states paths as operands in every position the substitution accepts, and in
// some it must refuse.
var substExprs = []string{
	`$states.input.a = true and $v = $states.input.b`,
	`$states.input.a * 2`,
	`$states.input.a & "-" & $states.input.b.c`,
	`$count($states.input.b)`,
	`$sum($states.input.b) + $states.input.a`,
	`$states.input.b[0] > 1 ? $states.input.a : $states.input.c`,
	`[$states.input.a, $states.input.b]`,
	`{"k": $states.input.b, "l": $states.input.missing}`,
	`$exists($states.input.missing)`,
	`$states.input.b = $states.input.c`,
	`$states.input.a in $states.input.b`,
	`$string($states.input.b)`,
	`$states.input.b.c + 1`,
	`$states.input.b[$states.input.a]`,
	`$states.input.b[c > 1]`,
	`-$states.input.a`,
	`$states.input.b.($ * 2)`,
	`($x := $states.input.a; $x + $states.input.a)`,
	`$map($states.input.b, function($v) { $v + $states.input.a })`,
	`$states.input.b ~> $count()`,
	`$type($states.input.a) & $type($states.input.b) & $type($states.result)`,
	`$states.input.a ? 1 : 2`,
	`$not($states.input.a) or $states.result = null`,
}

var substDocs = []string{
	`{"a":true,"b":"x"}`, `{"a":1,"b":[1,2,3],"c":[1,2,3]}`, `{"a":2,"b":{"c":5}}`, `{"a":"s","b":[[1],[2]]}`,
	`{"a":null,"b":[{"c":1},{"c":2}]}`, `{"a":1,"a":0,"b":[1]}`, `{"b":[]}`, `[1,2]`, `"str"`, `{"a":1e400}`,
	`{"a":0.1,"b":{"c":"é\n"},"c":{"c":"é\n"}}`,
}

func TestSubstitutionMatchesGnata(t *testing.T) {
	substituted := 0
	for _, src := range substExprs {
		e, err := Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		if e.sub != nil {
			substituted++
		}
		for _, d := range substDocs {
			b := map[string]string{"states": `{"input":` + d + `,"result":[1],"context":{"i":` + d + `}}`, "v": `"x"`}
			want, wdef, werr := reference(t, src, b)
			got, gdef, gerr := e.Eval(NewScope(&vars{m: b}))
			if (werr != nil) != (gerr != nil) || gdef != wdef || string(got) != want {
				t.Errorf("%s on %s:\n got %s (defined %v, %v)\nwant %s (defined %v, %v)", src, d, got, gdef, gerr, want, wdef, werr)
			}
			// Errors read the same as without the substitution.
			if werr != nil && gerr != nil {
				alone := *e
				alone.sub = nil
				_, _, aerr := alone.Eval(NewScope(&vars{m: b}))
				if aerr == nil || aerr.Error() != gerr.Error() {
					t.Errorf("%s on %s: error %v; without substitution %v", src, d, gerr, aerr)
				}
			}
		}
	}
	if substituted < len(substExprs)/2 {
		t.Errorf("only %d of %d expressions were substituted", substituted, len(substExprs))
	}
	// Paths that bind or map are left alone.
	for _, src := range []string{`$map($states.input.b, function($v) { $v + $states.input.a })`, `$states.input.b[c > 1]`, `$states.input.b.($ * 2)`} {
		if e, _ := Compile(src); e.sub != nil && strings.Contains(src, "function") {
			t.Errorf("%s was substituted", src)
		}
	}
}

func TestSubstitutionRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	ops := []string{" = ", " != ", " + ", " * ", " & ", " and ", " or ", " > ", " in "}
	for range 2000 {
		d := randomDoc(r, 0)
		src := randomPath(r, "$states.input") + ops[r.IntN(len(ops))] + randomPath(r, "$states.input")
		e, err := Compile(src)
		if err != nil {
			continue
		}
		b := map[string]string{"states": `{"input":` + d + `}`}
		want, wdef, werr := reference(t, src, b)
		got, gdef, gerr := e.Eval(NewScope(&vars{m: b}))
		if (werr != nil) != (gerr != nil) || gdef != wdef || string(got) != want {
			t.Fatalf("%s on %s:\n got %s (defined %v, %v)\nwant %s (defined %v, %v)", src, d, got, gdef, gerr, want, wdef, werr)
		}
	}
}
