package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
)

// passOutput is a JSONata Pass state whose Output is expr.
func passOutput(expr string) string {
	b, _ := json.Marshal(expr)
	return `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":` + string(b) + `,"End":true}}}`
}

// passPath is a JSONPath Pass state whose Parameters set r from a path or intrinsic call.
func passPath(src string) string {
	b, _ := json.Marshal(src)
	return `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"r.$":` + string(b) + `},"End":true}}}`
}

// nested returns depth levels of {"a": ...} around a leaf, each level padded with pad bytes.
func nested(depth, pad int) string {
	var b strings.Builder
	p := strings.Repeat("x", pad)
	for range depth {
		b.WriteString(`{"p":"` + p + `","a":`)
	}
	b.WriteString("1")
	b.WriteString(strings.Repeat("}", depth))
	return b.String()
}

// runBounded runs the machine and fails the test if the run does not return within a
// generous bound (a hang is the bug; how fast it returns is the benchmarks' business).
func runBounded(t *testing.T, def, input string, opts engine.RunOptions) engine.Result {
	t.Helper()
	m := compileT(t, def)
	done := make(chan engine.Result, 1)
	go func() { done <- m.Run(context.Background(), []byte(input), opts) }()
	select {
	case res := <-done:
		return res
	case <-time.After(2 * time.Minute):
		t.Fatal("the execution did not return")
		return engine.Result{}
	}
}

// TestDeadlineStopsEvaluation: an evaluation that runs past the execution's deadline ends the
// execution TIMED_OUT — never SUCCEEDED, never running on.
func TestDeadlineStopsEvaluation(t *testing.T) {
	cases := map[string]struct{ def, input string }{
		// Exponential recursion that builds nothing: only the deadline stops it.
		"jsonata recursion": {passOutput(`{% ( $f := function($n){ $n = 0 ? 0 : $f($n - 1) + $f($n - 1) }; $f(60) ) %}`), `{}`},
		// Half a million items sorted with a comparator: millions of function calls.
		"jsonata $sort": {passOutput(`{% $count($sort([1..500000], function($a, $b){ $a < $b })) %}`), `{}`},
		// Many iterations of intrinsic work, each cheap: the deadline ends the Map.
		"map of intrinsics": {`{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.items",
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"r.$":"States.StringToJson(States.JsonToString(States.ArrayRange(1, 1000, 1)))"},"Next":"W"},
			"W":{"Type":"Pass","Parameters":{"h.$":"States.Hash(States.JsonToString($), 'SHA-512')"},"End":true}}},"End":true}}}`,
			`{"items":[` + strings.TrimSuffix(strings.Repeat(`{"p":"`+strings.Repeat("y", 8000)+`"},`, 30), ",") + `]}`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			opts := engine.RunOptions{Timeout: 300 * time.Millisecond}
			if name == "map of intrinsics" {
				// Loop the Map until the deadline: a Choice sends it back forever.
				c.def = `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.items","ResultPath":null,
					"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"r.$":"States.StringToJson(States.JsonToString(States.ArrayRange(1, 1000, 1)))"},"End":true}}},"Next":"C"},
					"C":{"Type":"Choice","Choices":[{"Variable":"$.never","IsPresent":true,"Next":"D"}],"Default":"M"},"D":{"Type":"Succeed"}}}`
			}
			res := runBounded(t, c.def, c.input, opts)
			if res.Status != engine.StatusTimedOut {
				t.Fatalf("status %s %s %.200s, want TIMED_OUT", res.Status, res.Error, res.Cause)
			}
		})
	}
}

// attacks are evaluations that, unbounded, take gigabytes (each reproduced to "fatal error:
// out of memory" on an unbounded engine). Each must fail with States.DataLimitExceeded.
var attacks = map[string]struct{ def, input string }{
	"jsonata string doubling":   {passOutput(`{% ( $s := function($x, $n){ $n = 0 ? $x : $s($x & $x, $n - 1) }; $s('ab', 40) ) %}`), `{}`},
	"jsonata growing recursion": {passOutput(`{% ( $f := function($x){ $f($x & 'a') }; $f('a') ) %}`), `{}`},
	"jsonata $pad join":         {passOutput(`{% $join([1..300].($pad('x', 16000000))) %}`), `{}`},
	"jsonata range of ranges":   {passOutput(`{% [1..10000].[1..10000] %}`), `{}`},
	"jsonata $replace":          {passOutput(`{% $replace($states.input.s, 'a', $states.input.s) %}`), `{"s":"` + strings.Repeat("a", 100000) + `"}`},
	"jsonata join of shared":    {passOutput(`{% $join([1..100000].($states.input.s)) %}`), `{"s":"` + strings.Repeat("a", 200000) + `"}`},
	"jsonata string of shared":  {passOutput(`{% $string([1..100000].($states.input.s)) %}`), `{"s":"` + strings.Repeat("a", 200000) + `"}`},
	"jsonata output of shared":  {passOutput(`{% [1..100000].($states.input.s) %}`), `{"s":"` + strings.Repeat("a", 200000) + `"}`},
	"jsonata $parse deep":       {passOutput(`{% $parse($states.input.s) %}`), `{"s":"` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `"}`},
	"jsonata $split":            {passOutput(`{% $count($split($pad('', 10000000, 'x'), '')) %}`), `{}`},
	"jsonata $range":            {passOutput(`{% $count($range(1, 9000000, 1)) %}`), `{}`},
	"jsonata transform clones":  {passOutput(`{% [1..100000].($states.input ~> |$|{}|) %}`), `{"a":[` + strings.TrimSuffix(strings.Repeat(`{"b":[1,2,3]},`, 5000), ",") + `]}`},
	"jsonata $match":            {passOutput(`{% $count($match($pad('', 10000000, 'x'), /x/)) %}`), `{}`},
	"jsonata many objects":      {passOutput(`{% [1..500000].{"a": $} %}`), `{}`},
	"map of large evaluations": {`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% [1..1000] %}",
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $join([1..30].($pad('x', 250000))) %}","End":true}}},"End":true}}}`, `{}`},
	"jsonpath deep scan": {passPath(`$..a`), nested(1000, 200)},
	"intrinsic nested arrays": {passPath(`States.Array(States.Array($.s,$.s,$.s,$.s,$.s,$.s,$.s,$.s), States.Array($.s,$.s,$.s,$.s,$.s,$.s,$.s,$.s),
		States.Array($.s,$.s,$.s,$.s,$.s,$.s,$.s,$.s), States.Array($.s,$.s,$.s,$.s,$.s,$.s,$.s,$.s), States.Array($.s,$.s,$.s,$.s,$.s,$.s,$.s,$.s),
		States.Array($.s,$.s,$.s,$.s,$.s,$.s,$.s,$.s), States.Array($.s,$.s,$.s,$.s,$.s,$.s,$.s,$.s), States.Array($.s,$.s,$.s,$.s,$.s,$.s,$.s,$.s),
		States.Array($.s,$.s,$.s,$.s,$.s,$.s,$.s,$.s), States.Array($.s,$.s,$.s,$.s,$.s,$.s,$.s,$.s))`), `{"s":"` + strings.Repeat("a", 250000) + `"}`},
	"map results": {`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1000000,
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"s.$":"$$.Execution.Input.s"},"End":true}}},
		"ResultSelector":{"n.$":"States.ArrayLength($)"},"End":true}}}`,
		`{"s":"` + strings.Repeat("a", 200000) + `","items":[` + strings.TrimSuffix(strings.Repeat("1,", 20000), ",") + `]}`},
	"map item selector": {`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"s.$":"$.s"},
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Result":1,"End":true}}},"End":true}}}`,
		`{"s":"` + strings.Repeat("a", 200000) + `","items":[` + strings.TrimSuffix(strings.Repeat("1,", 20000), ",") + `]}`},
	"deep input":               {passPath(`$..a`), nested(20000, 0)},
	"deep States.StringToJson": {passPath(`States.StringToJson($.s)`), `{"s":"` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `"}`},
}

func TestEvaluationBudget(t *testing.T) {
	for name, a := range attacks {
		t.Run(name, func(t *testing.T) {
			res := runBounded(t, a.def, a.input, engine.RunOptions{})
			if res.Status != engine.StatusFailed || res.Error != "States.DataLimitExceeded" {
				t.Fatalf("got %s %s %.300s, want FAILED States.DataLimitExceeded", res.Status, res.Error, res.Cause)
			}
			if !strings.Contains(res.Cause, "'M'") && !strings.Contains(res.Cause, "'P'") && !strings.Contains(res.Cause, "input") {
				t.Errorf("the cause does not say where: %s", res.Cause)
			}
			t.Logf("%.300s", res.Cause)
		})
	}
}

// TestEvaluationBudgetMemory runs every attack in a child process (this test binary again)
// that watches its own heap: the attacks must fail without the heap ever passing the bound.
// Without the budget the child dies of "fatal error: out of memory" or of the watchdog.
func TestEvaluationBudgetMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAttackChild$", "-test.v", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), "STEPJET_ATTACK_CHILD=1", "GOMEMLIMIT=512MiB")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("%s", lastLines(string(out), 4))
}

// heapCeiling is the child's bound on live heap: the attacks together, run concurrently, at
// 16 MiB and 1 Mi items per evaluation, stay well under it.
const heapCeiling = 512 << 20

func TestAttackChild(t *testing.T) {
	if os.Getenv("STEPJET_ATTACK_CHILD") == "" {
		t.Skip("only as TestEvaluationBudgetMemory's child")
	}
	var peak atomic.Uint64
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			metrics.Read(s)
			v := s[0].Value.Uint64()
			if v > peak.Load() {
				peak.Store(v)
			}
			if v > heapCeiling {
				fmt.Printf("heap %d MiB passed the ceiling of %d MiB\n", v>>20, heapCeiling>>20)
				os.Exit(3)
			}
		}
	}()
	for name, a := range attacks {
		m := compileT(t, a.def)
		res := m.Run(context.Background(), []byte(a.input), engine.RunOptions{})
		if res.Error != "States.DataLimitExceeded" {
			t.Errorf("%s: %s %s %.200s", name, res.Status, res.Error, res.Cause)
		}
	}
	// A TestState request with no state machine, only the state: the same limits.
	ts := compileT(t, `{"StartAt":"S","States":{"S":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% [1..10000].[1..10000] %}","End":true}}}`)
	if res, _ := ts.RunState(context.Background(), "S", []byte(`{}`), engine.StateOptions{}); res.Error != "States.DataLimitExceeded" {
		t.Errorf("TestState: %s %s %.200s", res.Status, res.Error, res.Cause)
	}
	t.Logf("peak heap %d MiB (ceiling %d MiB)", peak.Load()>>20, heapCeiling>>20)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestMapConcurrencyCap: an inline Map runs at most RunOptions.MapConcurrency iterations at
// once (40 by default, as AWS) whatever its MaxConcurrency says, with the same results.
func TestMapConcurrencyCap(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1000000,
		"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}},"End":true}}}`
	items := make([]string, 300)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	input := "[" + strings.Join(items, ",") + "]"
	for _, c := range []struct{ opt, want int }{{0, engine.DefaultMapConcurrency}, {3, 3}} {
		var running, peak atomic.Int32
		task := engine.TaskFunc(func(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
			n := running.Add(1)
			defer running.Add(-1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(time.Millisecond)
			return req.Input, nil
		})
		res := runBounded(t, def, input, engine.RunOptions{Tasks: task, MapConcurrency: c.opt})
		if res.Status != engine.StatusSucceeded || string(res.Output) != input {
			t.Fatalf("cap %d: %s %s %.200s", c.opt, res.Status, res.Error, res.Output)
		}
		if p := int(peak.Load()); p > c.want || p < 1 {
			t.Fatalf("cap %d: %d iterations ran at once, want at most %d", c.opt, p, c.want)
		}
	}
}

// TestCauseCap: causes leave a state cut to AWS's 32,768 characters, error names to 256.
func TestCauseCap(t *testing.T) {
	long := strings.Repeat("é", 100000) // two bytes each: the cut is in characters
	def := `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","CausePath":"$.c"}}}`
	res := runBounded(t, def, `{"c":"`+long+`"}`, engine.RunOptions{})
	if res.Status != engine.StatusFailed || res.Cause != strings.Repeat("é", engine.MaxCauseLength) {
		t.Fatalf("Fail: %s %s cause of %d bytes", res.Status, res.Error, len(res.Cause))
	}
	// A worker's huge error message reaches a catcher cut too.
	def = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"P"}],"End":true},"P":{"Type":"Pass","End":true}}}`
	task := engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) {
		return nil, &engine.Error{Name: strings.Repeat("N", 1000), Cause: strings.Repeat("x", 16<<20)}
	})
	res = runBounded(t, def, `{}`, engine.RunOptions{Tasks: task})
	want := `{"Error":"` + strings.Repeat("N", engine.MaxErrorLength) + `","Cause":"` + strings.Repeat("x", engine.MaxCauseLength) + `"}`
	if res.Status != engine.StatusSucceeded || string(res.Output) != want {
		t.Fatalf("caught: %s %s output of %d bytes", res.Status, res.Error, len(res.Output))
	}
}

// TestDepthLimit: the same nesting limit on the execution input and on task results.
func TestDepthLimit(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	def := passPath(`$..a`)
	if res := runBounded(t, def, deep(1000), engine.RunOptions{}); res.Status != engine.StatusSucceeded {
		t.Fatalf("1000 levels: %s %s %s", res.Status, res.Error, res.Cause)
	}
	if res := runBounded(t, def, deep(1001), engine.RunOptions{}); res.Error != "States.DataLimitExceeded" {
		t.Fatalf("1001 levels: %s %s %s", res.Status, res.Error, res.Cause)
	}
	def = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`
	task := engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) { return []byte(deep(5000)), nil })
	if res := runBounded(t, def, `{}`, engine.RunOptions{Tasks: task}); res.Error != "States.DataLimitExceeded" || !strings.Contains(res.Cause, "'T'") {
		t.Fatalf("task result: %s %s %s", res.Status, res.Error, res.Cause)
	}
}

// TestRunStateDeadline: a state tested alone stops at its deadline too.
func TestRunStateDeadline(t *testing.T) {
	m := compileT(t, passOutput(`{% ( $f := function($n){ $n = 0 ? 0 : $f($n - 1) + $f($n - 1) }; $f(60) ) %}`))
	done := make(chan engine.StateResult, 1)
	go func() {
		res, _ := m.RunState(context.Background(), "P", []byte(`{}`), engine.StateOptions{Timeout: 200 * time.Millisecond})
		done <- res
	}()
	select {
	case res := <-done:
		if res.Status != engine.StateFailed || res.Error != "States.Timeout" {
			t.Fatalf("got %s %s %s", res.Status, res.Error, res.Cause)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("RunState did not return")
	}
}

// TestDistinctIsLinear: $distinct of fifty thousand objects compared each with all before it
// (over a billion comparisons inside one built-in, which never looks at the deadline); now
// each is compared only with those of the same canonical form.
func TestDistinctIsLinear(t *testing.T) {
	def := passOutput(`{% $count($distinct([1..50000].{"a": $ % 25000, "b": [$ % 25000, "x"]})) %}`)
	res := runBounded(t, def, `{}`, engine.RunOptions{Timeout: 30 * time.Second})
	if res.Status != engine.StatusSucceeded || string(res.Output) != "25000" {
		t.Fatalf("got %s %s %s %s", res.Status, res.Output, res.Error, res.Cause)
	}
}
