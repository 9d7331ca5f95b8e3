package jsonata

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// scopeExprs read, filter, sort and transform shared values; run in one Scope, one after the
// other, each must give what it gives alone.
var scopeExprs = []string{
	`$states.input.order`,
	`$states.input ~> |order|{"total": 0, "added": true}, ["items"]|`,
	`$states.input.order.total`,
	`$states.input.order.items^(>price).sku`,
	`$states.input.order.items`,
	`$sort($states.input.order.items.price)`,
	`$reverse($states.input.order.items)`,
	`$merge([$states.input.order, {"total": -1}])`,
	`$states.input.order.total * $factor`,
	`$states`,
	`$keys($states)`,
	`$states.context.Execution.Id`,
	`$states.input.order.items[0]`,
	`$states.input.order.items[-1].sku`,
	`$states.result`,
	`$states.missing.x`,
	`$factor`,
	`$unbound.x`,
	`$hash`,
	`$sum($states.input.order.items.(qty * price))`,
	`$states.input.order`,
}

func scopeBindings() *vars {
	in := `{"order":{"total":21.5,"items":[{"sku":"a","qty":2,"price":1.25},{"sku":"b","qty":0,"price":4}]}}`
	return &vars{m: map[string]string{
		"states": `{"input":` + in + `,"context":{"Execution":{"Id":"arn:x","Input":` + in + `}},"result":[1,{"a":2}]}`,
		"factor": `3`,
	}}
}

func TestScopeSharesValuesSafely(t *testing.T) {
	b := scopeBindings()
	sc := NewScope(b)
	for round := range 2 {
		for _, src := range scopeExprs {
			e, err := Compile(src)
			if err != nil {
				t.Fatal(err)
			}
			want, wdef, werr := e.Eval(scopeBindings())
			got, gdef, gerr := e.Eval(sc)
			if string(got) != string(want) || gdef != wdef || (gerr == nil) != (werr == nil) {
				t.Errorf("round %d, %s in a Scope = %s (%v, %v); alone %s (%v, %v)", round, src, got, gdef, gerr, want, wdef, werr)
			}
		}
	}
	// Each name was asked of the Bindings once, however many expressions read it.
	counts := map[string]int{}
	for _, n := range b.asked {
		counts[n]++
	}
	for n, c := range counts {
		if c != 1 {
			t.Errorf("%s looked up %d times", n, c)
		}
	}
	if !slices.Contains(b.asked, "states") || !slices.Contains(b.asked, "factor") {
		t.Errorf("asked %v", b.asked)
	}
	// Lookup answers as the Bindings do.
	if raw, ok := sc.Lookup("factor"); !ok || string(raw) != "3" {
		t.Errorf("Lookup(factor) = %s, %v", raw, ok)
	}
	if _, ok := sc.Lookup("nothing"); ok {
		t.Error("Lookup(nothing) found something")
	}
}

func TestScopeReset(t *testing.T) {
	e, _ := Compile(`$states.input.a + $n`)
	p, _ := Compile(`$states.input.a`)
	var sc Scope
	for i, in := range []string{`{"a":1}`, `{"a":5}`} {
		sc.Reset(&vars{m: map[string]string{"states": `{"input":` + in + `}`, "n": `10`}})
		for _, x := range []*Expr{p, e} {
			got, _, err := x.Eval(&sc)
			var want string
			if x == p {
				want = []string{"1", "5"}[i]
			} else {
				want = []string{"11", "15"}[i]
			}
			if err != nil || string(got) != want {
				t.Errorf("after Reset %d: %s = %s, %v; want %s", i, x, got, err, want)
			}
		}
	}
}

// TestAWSRecordedExpressionsInScope runs the AWS-recorded expressions of one execution input in
// a shared Scope.
func TestAWSRecordedExpressionsInScope(t *testing.T) {
	raw, err := os.ReadFile("testdata/aws_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []awsCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	scopes := map[string]*Scope{}
	for _, c := range cases {
		sc := scopes[string(c.Input)]
		if sc == nil {
			sc = NewScope(states(string(c.Input)))
			scopes[string(c.Input)] = sc
		}
		e, err := Compile(c.Expr)
		if err != nil {
			continue
		}
		want, wdef, werr := e.Eval(states(string(c.Input)))
		got, gdef, gerr := e.Eval(sc)
		if string(got) != string(want) || gdef != wdef || (gerr == nil) != (werr == nil) {
			t.Errorf("%s in a Scope = %s (%v, %v); alone %s (%v, %v)", c.Expr, got, gdef, gerr, want, wdef, werr)
		}
	}
}
