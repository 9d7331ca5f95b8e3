package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine"
)

// padExpr is a JSONata expression for a string whose JSON text is n bytes.
func padExpr(n int) string { return fmt.Sprintf("{%% $pad('', %d, 'x') %%}", n-2) }

// chain is a JSONata machine of states S0..S(n-1), each assigning what assign(i) gives.
func chain(n int, assign func(i int) string) string {
	var b strings.Builder
	b.WriteString(`{"QueryLanguage":"JSONata","StartAt":"S0","States":{`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		next := fmt.Sprintf(`"Next":"S%d"`, i+1)
		if i == n-1 {
			next = `"End":true`
		}
		fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Assign":%s,"Output":"ok",%s}`, i, assign(i), next)
	}
	b.WriteString("}}")
	return b.String()
}

// TestVariableLimits checks AWS's three limits on workflow variables: 256 KiB for one
// variable, 256 KiB for all the values of one Assign, 10 MiB for all an execution holds.
func TestVariableLimits(t *testing.T) {
	const kib = 1024
	big := func(name string, n int) string { return fmt.Sprintf(`{%q:%q}`, name, padExpr(n)) }
	mapOf := func(concurrency, iterations int) string {
		return fmt.Sprintf(`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":%d,
			"Items":"{%% [1..%d] %%}","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass",
			"Assign":{"v":"%s"},"Output":"ok","End":true}}},"Output":"done","End":true}}}`, concurrency, iterations, padExpr(250*kib))
	}
	tests := []struct {
		name, def string
		// failedAt is the state whose Assign goes over a limit, "" for none.
		failedAt string
	}{
		{"one variable at the limit", chain(1, func(int) string { return big("v", 256*kib) }), ""},
		{"one variable over the limit", chain(1, func(int) string { return big("v", 256*kib+1) }), "S0"},
		{"one Assign at the limit", chain(1, func(int) string {
			return fmt.Sprintf(`{"a":%q,"b":%q}`, padExpr(128*kib), padExpr(128*kib))
		}), ""},
		{"one Assign over the limit", chain(1, func(int) string {
			return fmt.Sprintf(`{"a":%q,"b":%q}`, padExpr(128*kib), padExpr(128*kib+1))
		}), "S0"},
		// 40 x 250 KiB fit in 10 MiB; a 41st distinct variable does not.
		{"execution total at 40 variables", chain(40, func(i int) string { return big(fmt.Sprintf("v%d", i), 250*kib) }), ""},
		{"execution total over at the 41st", chain(42, func(i int) string { return big(fmt.Sprintf("v%d", i), 250*kib) }), "S40"},
		// Assigning a variable again replaces its size rather than adding to it.
		{"reassigning one variable", chain(60, func(int) string { return big("v", 250*kib) }), ""},
		// An iteration's variables go out of scope when it ends.
		{"Map iterations release their variables", mapOf(1, 60), ""},
		{"Map iterations release their variables, concurrently", mapOf(4, 60), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := compileT(t, tc.def)
			res := m.Run(context.Background(), []byte(`{}`), engine.RunOptions{})
			if tc.failedAt == "" {
				if res.Status != engine.StatusSucceeded {
					t.Fatalf("got %s %s %s", res.Status, res.Error, res.Cause)
				}
				return
			}
			if res.Status != engine.StatusFailed || res.Error != "States.DataLimitExceeded" ||
				!strings.Contains(res.Cause, "'"+tc.failedAt+"'") {
				t.Fatalf("got %s %s %s, want States.DataLimitExceeded in %s", res.Status, res.Error, res.Cause, tc.failedAt)
			}
		})
	}
}

// TestVariableLimitCatch: the limit is a state failure a Catch handles, and the refused Assign
// sets nothing.
func TestVariableLimitCatch(t *testing.T) {
	def := fmt.Sprintf(`{"QueryLanguage":"JSONata","StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{},
			"Assign":{"big":"%s"},
			"Catch":[{"ErrorEquals":["States.DataLimitExceeded"],"Output":"{%% $states.errorOutput.Error %%}","Next":"H"}],"End":true},
		"H":{"Type":"Pass","Output":"{%% [$states.input, $exists($big)] %%}","End":true}}}`, padExpr(300*1024))
	m := compileT(t, def)
	ok := engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) { return []byte(`{}`), nil })
	res := m.Run(context.Background(), []byte(`{}`), engine.RunOptions{Tasks: ok})
	if res.Status != engine.StatusSucceeded || string(res.Output) != `["States.DataLimitExceeded",false]` {
		t.Fatalf("got %s %s %s %s", res.Status, res.Output, res.Error, res.Cause)
	}
}
