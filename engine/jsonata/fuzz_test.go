package jsonata

import (
	"errors"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
)

func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`$states.input.order.total * 2`, `$states.input.items[price > 10].name`, `$a ?: 1`, `$a ?? 1`,
		`/* c */ $match("x", /a??/i)`, "`odd name`.x", `$partition([1,2,3], 2)`, `{"a": [1..3]}`,
		`($x := function($n) { $n < 2 ? 1 : $n * $x($n - 1) }; $x(5))`, `$$.a`, `"unterminated`, `a[1,2)`,
		`$states.input{type: $sum(v)}`, `$states.input^(>price)`, `$states.input ~> |$|{"a":1}|`,
	} {
		f.Add(s)
	}
	b := states(`{"order":{"total":3},"items":[{"price":11,"name":"n"}],"a":[1,{"b":"c"}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err != nil {
			var fe *failure.Error
			if !errors.As(err, &fe) || fe.Name != failure.QueryEvaluationError {
				t.Fatalf("Compile(%q) error %v is not a States.QueryEvaluationError", src, err)
			}
			return
		}
		if len(src) > 64 { // keep evaluation of generated programs (e.g. huge ranges) cheap
			return
		}
		if _, _, err := e.Eval(b); err != nil {
			var fe *failure.Error
			if !errors.As(err, &fe) || fe.Name != failure.QueryEvaluationError {
				t.Fatalf("Eval(%q) error %v is not a States.QueryEvaluationError", src, err)
			}
		}
	})
}
