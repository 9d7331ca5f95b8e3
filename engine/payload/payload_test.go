package payload

import (
	"errors"
	"sync"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

func TestCompileErrorLocatesTheField(t *testing.T) {
	tests := []struct {
		tmpl, field, pointer string
	}{
		{`{"a.$": 1}`, "a.$", "/a.$"},
		{`{"a": [0, {"b/c.$": "nope"}]}`, "b/c.$", "/a/1/b~1c.$"},
		{`[{"x": {"y.$": null}}]`, "y.$", "/0/x/y.$"},
	}
	for _, tt := range tests {
		_, err := Compile([]byte(tt.tmpl))
		var ce *CompileError
		if !errors.As(err, &ce) {
			t.Fatalf("Compile(%s) error = %v, want *CompileError", tt.tmpl, err)
		}
		if ce.Field != tt.field || ce.Pointer != tt.pointer {
			t.Errorf("Compile(%s): field %q pointer %q, want %q %q", tt.tmpl, ce.Field, ce.Pointer, tt.field, tt.pointer)
		}
	}
}

func TestCompileJSONataErrorLocatesTheField(t *testing.T) {
	_, err := CompileJSONata("Arguments", []byte(`{"a": [1, {"b": "{% $x + %}"}]}`))
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want *CompileError", err)
	}
	if ce.Field != "Arguments/a[1]/b" || ce.Pointer != "/a/1/b" {
		t.Errorf("field %q pointer %q", ce.Field, ce.Pointer)
	}
}

func TestCompileRejectsInvalidJSON(t *testing.T) {
	for _, s := range []string{``, `{`, `{"a.$": "$.x",}`, `nope`} {
		if _, err := Compile([]byte(s)); err == nil {
			t.Errorf("Compile(%q) succeeded", s)
		}
		if _, err := CompileJSONata("Output", []byte(s)); err == nil {
			t.Errorf("CompileJSONata(%q) succeeded", s)
		}
	}
}

func TestExpressionForSingleFields(t *testing.T) {
	e, err := CompileExpression("TimeoutSeconds", "{% $states.input.t * 2 %}")
	if err != nil {
		t.Fatal(err)
	}
	if e.String() != "$states.input.t * 2" || e.Field() != "TimeoutSeconds" {
		t.Errorf("String %q Field %q", e.String(), e.Field())
	}
	v, err := e.Eval(mapVars{"states": []byte(`{"input":{"t":21}}`)})
	if err != nil || string(v) != "42" {
		t.Errorf("Eval = %s, %v; want 42", v, err)
	}
	_, err = e.Eval(mapVars{"states": []byte(`{"input":{}}`)})
	var fe *failure.Error
	if !errors.As(err, &fe) || fe.Name != failure.QueryEvaluationError ||
		fe.Cause != "The JSONata expression '$states.input.t * 2' specified for the field 'TimeoutSeconds' returned nothing (undefined)." {
		t.Errorf("undefined: %v", err)
	}
	if _, err := CompileExpression("Seconds", "$states.input.t"); err == nil {
		t.Error("a string without {% %} compiled as an expression")
	}
}

func TestStatic(t *testing.T) {
	for s, want := range map[string]bool{`{"a": {"b": [1]}}`: true, `{"a": [{"b.$": "$"}]}`: false, `"x"`: true} {
		tm, err := Compile([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		if tm.Static() != want {
			t.Errorf("Static(%s) = %v", s, !want)
		}
	}
}

func TestEvalResultIsTheCallersToKeep(t *testing.T) {
	tm, err := Compile([]byte(`{"a": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := tm.Eval(nil)
	out[1] = 'X'
	again, _ := tm.Eval(nil)
	if string(again) != `{"a":1}` {
		t.Errorf("a caller's edit leaked into the template: %s", again)
	}
}

func TestEvalWithoutInputStaysValidJSON(t *testing.T) {
	tm, err := Compile([]byte(`{"all.$": "$"}`))
	if err != nil {
		t.Fatal(err)
	}
	out, err := tm.Eval(nil)
	if err != nil || string(out) != `{"all":null}` {
		t.Errorf("Eval(nil) = %s, %v", out, err)
	}
}

func TestEvalConcurrently(t *testing.T) {
	tm, err := Compile([]byte(orderParameters))
	if err != nil {
		t.Fatal(err)
	}
	want, err := tm.Eval(&jsonpath.Env{Input: orderInput})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				got, err := tm.Eval(&jsonpath.Env{Input: orderInput})
				if err != nil || string(got) != string(want) {
					t.Errorf("concurrent Eval = %s, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
