package payload

import (
	"bytes"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/tidwall/gjson"
)

// The fetch plan must give exactly what evaluating each path alone gives: the same bytes, or
// the same error and cause. evalBoth runs a template both ways.
func evalBoth(t testing.TB, tmpl, input []byte) (planned, alone []byte, perr, aerr error, ok bool) {
	c, err := Compile(tmpl)
	if err != nil {
		return nil, nil, nil, nil, false
	}
	env := &jsonpath.Env{Input: input}
	planned, perr = c.Eval(env)
	solo := &Template{holes: c.holes, fetch: nil}
	solo.parts = c.parts
	solo.hint.Store(c.hint.Load())
	alone, aerr = solo.Eval(env)
	return planned, alone, perr, aerr, true
}

func sameResult(t testing.TB, tmpl, input []byte) {
	t.Helper()
	planned, alone, perr, aerr, ok := evalBoth(t, tmpl, input)
	if !ok {
		return
	}
	if (perr == nil) != (aerr == nil) || perr != nil && perr.Error() != aerr.Error() {
		t.Fatalf("template %s on %s: planned error %v, alone %v", tmpl, input, perr, aerr)
	}
	if !bytes.Equal(planned, alone) {
		t.Fatalf("template %s on %s:\nplanned %s\nalone   %s", tmpl, input, planned, alone)
	}
	// The engine's way: the document made compact once, and the Env saying so, gives the same.
	doc, valid := ValidCompact(input)
	if !valid {
		return
	}
	c, _ := Compile(tmpl)
	compact, cerr := c.Eval(&jsonpath.Env{Input: doc, Compact: true})
	if (cerr == nil) != (aerr == nil) || cerr != nil && cerr.Error() != aerr.Error() {
		t.Fatalf("template %s on compact %s: error %v, alone %v", tmpl, doc, cerr, aerr)
	}
	if !bytes.Equal(compact, alone) {
		t.Fatalf("template %s on compact %s:\ngot   %s\nalone %s", tmpl, doc, compact, alone)
	}
}

func TestFetchPlanMatchesPathByPath(t *testing.T) {
	tmpl := []byte(`{"id.$": "$.order.id", "total.$": "$.order.total", "src.$": "$.source", "c.$": "$.order.customer",
		"email.$": "$['order']['customer']['email']", "x.$": "$.order.items[0].sku", "n.$": "$.order.nope", "again.$": "$.source", "d.$": "$.a.1"}`)
	inputs := []string{
		string(orderInput),
		`{"order":{"id":1,"total":2,"customer":{"email":"e"},"nope":null,"items":[{"sku":"s"}]},"source":"w","a":{"1":"one"}}`,
		// repeated names: the first one wins, as in a lookup of the path alone
		`{"order":{"id":1},"order":{"id":2,"total":3,"customer":{},"nope":4,"items":[]},"source":"w","source":"v","a":{"1":2}}`,
		// escaped keys, whitespace everywhere
		`{ "\u006frder" : { "id" : [ 1 , 2 ] , "total" : "t" , "customer" : { "email" : " a b " } , "nope" : { } , "items" : [ { "sku" : { "k" : 1 } } ] } , "source" : 1 , "a" : { "1" : 1 } }`,
		// intermediates of the wrong type: misses reported by the path's own evaluation
		`{"order":[1,2],"source":"w","a":[0,1]}`,
		`{"order":"o","source":"w","a":{}}`,
		`[1,2]`,
		`null`,
		`{}`,
	}
	for _, in := range inputs {
		sameResult(t, tmpl, []byte(in))
	}
	c, err := Compile(tmpl)
	if err != nil || c.fetch == nil {
		t.Fatalf("expected a fetch plan: %v", err)
	}
	_, err = c.Eval(&jsonpath.Env{Input: []byte(`{"order":{"id":1}}`)})
	var fe *failure.Error
	if !asFailureErr(err, &fe) || fe.Name != failure.Runtime {
		t.Fatalf("missing path: got %v, want States.Runtime", err)
	}
}

func asFailureErr(err error, fe **failure.Error) bool {
	f, ok := err.(*failure.Error)
	*fe = f
	return ok
}

func TestFetchPlanOnlyForManyMemberPaths(t *testing.T) {
	for tmpl, want := range map[string]bool{
		`{"a.$": "$.a"}`:                                                    false,
		`{"a.$": "$.a", "b.$": "$.b"}`:                                      true,
		`{"a.$": "$.a[0]", "b.$": "$.b"}`:                                   false,
		`{"a.$": "$$.Execution.Id", "b.$": "$.b"}`:                          false,
		`{"a.$": "$.a.b", "b.$": "States.Array($.b)", "c": {"d.$": "$.d"}}`: true,
	} {
		c, err := Compile([]byte(tmpl))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.fetch != nil; got != want {
			t.Errorf("%s: planned %v, want %v", tmpl, got, want)
		}
	}
}

// FuzzFetchPlan checks the plan against path-by-path evaluation on arbitrary inputs.
func FuzzFetchPlan(f *testing.F) {
	f.Add([]byte(`{"a.$": "$.a.b", "b.$": "$.a.c", "c.$": "$.d", "e.$": "$.a"}`), orderInput)
	f.Add([]byte(`{"a.$": "$.x", "b.$": "$.y.z"}`), []byte(`{"x":1,"x":2,"y":{"z":[1, 2 ]}}`))
	f.Add([]byte(`{"id.$": "$.order.id", "c.$": "$.order.customer.email"}`), orderInput)
	f.Fuzz(func(t *testing.T, tmpl, input []byte) {
		if !gjson.ValidBytes(input) {
			// The engine validates what enters an execution; on anything else the two ways only
			// have to not panic.
			evalBoth(t, tmpl, input)
			return
		}
		sameResult(t, tmpl, input)
	})
}
