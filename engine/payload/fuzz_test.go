package payload

import (
	"errors"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/tidwall/gjson"
)

var fuzzSeeds = []string{
	orderParameters,
	`{"a.$": "$", "b": [1, {"c.$": "$$.Execution.Id"}], "d.$": "States.Format('{}', $.x)"}`,
	`{"a.$": "$v.x", "a": 2, ".$": "$.y"}`,
	`{"a.$": 1}`,
	`{"a.$": "States.Array("}`,
	`[{"x.$": "$[0]"}, "{% $states.input %}"]`,
	`{"o": "{% $states.input.x %}", "l": ["{% 1 + %}", " {% x %}"]}`,
	`"{% $states.input %}"`,
	`"text"`,
	`{"q\"k.$": "$['a b']"}`,
}

// FuzzCompile feeds arbitrary templates to the JSONPath-mode compiler and evaluates what
// compiles: no input may panic, every output must be valid JSON and every failure a
// *failure.Error.
func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	vars := mapVars{"v": []byte(`{"x":[1,2]}`)}
	env := &jsonpath.Env{Input: []byte(`{"x":1,"y":{"z":[true,null]},"a b":"s"}`), Context: []byte(`{"Execution":{"Id":"e"}}`), Vars: vars}
	f.Fuzz(func(t *testing.T, tmpl []byte) {
		c, err := Compile(tmpl)
		if err != nil {
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("compile error %T is not a *CompileError: %v", err, err)
			}
			return
		}
		checkEval(t, tmpl)(c.Eval(env))
	})
}

// FuzzCompileJSONata does the same for JSONata-mode templates.
func FuzzCompileJSONata(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	binds := mapVars{"states": []byte(`{"input":{"x":1,"y":[1,2]}}`), "v": []byte(`"s"`)}
	f.Fuzz(func(t *testing.T, tmpl []byte) {
		c, err := CompileJSONata("Output", tmpl)
		if err != nil {
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("compile error %T is not a *CompileError: %v", err, err)
			}
			return
		}
		checkEval(t, tmpl)(c.Eval(binds))
	})
}

func checkEval(t *testing.T, tmpl []byte) func([]byte, error) {
	return func(out []byte, err error) {
		if err != nil {
			var fe *failure.Error
			if !errors.As(err, &fe) {
				t.Fatalf("template %s: eval error %T is not a *failure.Error: %v", tmpl, err, err)
			}
			return
		}
		if !gjson.ValidBytes(out) {
			t.Fatalf("template %s: output is not valid JSON: %s", tmpl, out)
		}
	}
}
