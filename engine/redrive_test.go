package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/tidwall/gjson"
)

// flaky answers every Task with its input, except that it fails the inputs listed in fail
// (once each); it counts the calls per input.
type flaky struct {
	mu    sync.Mutex
	fail  map[string]bool
	calls map[string]int
}

func newFlaky(fail ...string) *flaky {
	f := &flaky{fail: map[string]bool{}, calls: map[string]int{}}
	for _, s := range fail {
		f.fail[s] = true
	}
	return f
}

func (f *flaky) Invoke(_ context.Context, req engine.TaskRequest) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := req.StateName + " " + string(req.Input)
	f.calls[k]++
	if f.fail[k] {
		delete(f.fail, k)
		return nil, &engine.Error{Name: "Boom", Cause: "failed " + k}
	}
	return req.Input, nil
}

func (f *flaky) count(k string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[k]
}

// runAndRedrive runs def once (it must fail), plans its redrive from the history and runs it,
// returning both results and the whole history.
func runAndRedrive(t *testing.T, def, input string, tasks engine.TaskInvoker, wantFirst engine.Status) (engine.Result, []engine.HistoryEvent) {
	t.Helper()
	m, err := engine.Compile([]byte(def), engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	res := m.Run(context.Background(), []byte(input), engine.RunOptions{Tasks: tasks, Events: rec})
	if res.Status != wantFirst {
		t.Fatalf("first run: %s %s %s, want %s", res.Status, res.Error, res.Cause, wantFirst)
	}
	if err := engine.CheckRedrive(rec.events); err != nil {
		t.Fatal(err)
	}
	plan, err := m.PlanRedrive(rec.events, 1, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res = m.Run(context.Background(), []byte(input), engine.RunOptions{Tasks: tasks, Events: rec, Redrive: plan, StartTime: res.StartDate})
	return res, rec.events
}

func types(evs []engine.HistoryEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

func TestRedriveMapRerunsOnlyTheFailedIteration(t *testing.T) {
	def := `{"StartAt":"Prep","States":{
	  "Prep":{"Type":"Pass","Assign":{"factor":10},"Next":"Each"},
	  "Each":{"Type":"Map","MaxConcurrency":1,"ItemProcessor":{"StartAt":"Work","States":{
	    "Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:work","Parameters":{"n.$":"$","f.$":"$factor"},"End":true}}},
	  "Next":"Done"},
	  "Done":{"Type":"Pass","Parameters":{"out.$":"$","count.$":"$$.Execution.RedriveCount"},"End":true}}}`
	tasks := newFlaky(`Work {"n":3,"f":10}`)
	res, evs := runAndRedrive(t, def, `[1,2,3,4,5]`, tasks, engine.StatusFailed)
	if res.Status != engine.StatusSucceeded {
		t.Fatalf("redrive: %s %s %s", res.Status, res.Error, res.Cause)
	}
	want := `{"out":[{"n":1,"f":10},{"n":2,"f":10},{"n":3,"f":10},{"n":4,"f":10},{"n":5,"f":10}],"count":1}`
	if string(res.Output) != want {
		t.Fatalf("output %s\nwant   %s", res.Output, want)
	}
	// Items 1 and 2 ran once; 3 twice (failed, then redriven); 4 and 5, cancelled by the
	// failure (MaxConcurrency 1: never started), once in the redrive.
	for n, c := range map[int]int{1: 1, 2: 1, 3: 2, 4: 1, 5: 1} {
		k := `Work {"n":` + string(rune('0'+n)) + `,"f":10}`
		if got := tasks.count(k); got != c {
			t.Errorf("%s called %d times, want %d", k, got, c)
		}
	}
	checkRedrivenHistory(t, evs)
}

// checkRedrivenHistory checks ids follow on, and one ExecutionRedriven after the first end.
func checkRedrivenHistory(t *testing.T, evs []engine.HistoryEvent) {
	t.Helper()
	ends, redriven := 0, 0
	for i, e := range evs {
		if e.ID != int64(i+1) || e.PreviousEventID >= e.ID {
			t.Fatalf("event %d: id %d prev %d", i, e.ID, e.PreviousEventID)
		}
		switch e.Type {
		case "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted":
			ends++
		case "ExecutionRedriven":
			redriven++
			if evs[i-1].Type != "ExecutionFailed" && evs[i-1].Type != "ExecutionTimedOut" && evs[i-1].Type != "ExecutionAborted" {
				t.Fatalf("ExecutionRedriven follows %s", evs[i-1].Type)
			}
			if got := gjson.GetBytes(e.Details, "redriveCount").Int(); got != int64(redriven) {
				t.Fatalf("redriveCount %d, want %d", got, redriven)
			}
		}
	}
	if redriven == 0 || ends != redriven {
		t.Fatalf("%d ends, %d redrives: %v", ends, redriven, types(evs))
	}
	if last := evs[len(evs)-1].Type; last != "ExecutionSucceeded" {
		t.Fatalf("history ends with %s", last)
	}
}

func TestRedriveParallelKeepsTheBranchThatSucceeded(t *testing.T) {
	def := `{"StartAt":"Both","States":{
	  "Both":{"Type":"Parallel","Branches":[
	    {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:a",
	      "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},"Caught":{"Type":"Fail"}}},
	    {"StartAt":"B0","States":{
	      "B0":{"Type":"Wait","Seconds":1,"Next":"B1"},
	      "B1":{"Type":"Pass","Assign":{"seen":"b1"},"Next":"B2"},
	      "B2":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:b","Parameters":{"v.$":"$seen"},"End":true}}}],
	  "End":true}}}`
	tasks := newFlaky(`B2 {"v":"b1"}`)
	res, evs := runAndRedrive(t, def, `{"x":1}`, tasks, engine.StatusFailed)
	if res.Status != engine.StatusSucceeded {
		t.Fatalf("redrive: %s %s %s", res.Status, res.Error, res.Cause)
	}
	if want := `[{"x":1},{"v":"b1"}]`; string(res.Output) != want {
		t.Fatalf("output %s, want %s", res.Output, want)
	}
	if got := tasks.count(`A {"x":1}`); got != 1 {
		t.Errorf("branch A ran %d times, want 1", got)
	}
	if got := tasks.count(`B2 {"v":"b1"}`); got != 2 {
		t.Errorf("B2 ran %d times, want 2", got)
	}
	// B1 (a Pass that assigned $seen) did not run again: the variable was restored.
	n := 0
	for _, e := range evs {
		if e.Type == "PassStateEntered" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("B1 entered %d times, want 1", n)
	}
	checkRedrivenHistory(t, evs)
}

func TestRedriveTaskFailureTwice(t *testing.T) {
	// A Catch-less Task fails; redriven, it fails again; redriven again, it succeeds. The
	// variable assigned before it holds in both redrives.
	def := `{"QueryLanguage":"JSONata","StartAt":"Set","States":{
	  "Set":{"Type":"Pass","Assign":{"k":"{% $states.input.k %}"},"Next":"Call"},
	  "Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:c","Arguments":{"k":"{% $k %}"},"Next":"End"},
	  "End":{"Type":"Pass","Output":{"r":"{% $states.input %}","n":"{% $states.context.Execution.RedriveCount %}"},"End":true}}}`
	m, err := engine.Compile([]byte(def), engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tasks := newFlaky(`Call {"k":"v"}`)
	rec := &recorder{}
	res := m.Run(context.Background(), []byte(`{"k":"v"}`), engine.RunOptions{Tasks: tasks, Events: rec})
	if res.Status != engine.StatusFailed || res.Error != "Boom" {
		t.Fatalf("first run: %+v", res)
	}
	tasks.fail[`Call {"k":"v"}`] = true
	for n := 1; n <= 2; n++ {
		plan, err := m.PlanRedrive(rec.events, n, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		res = m.Run(context.Background(), []byte(`{"k":"v"}`), engine.RunOptions{Tasks: tasks, Events: rec, Redrive: plan})
	}
	if res.Status != engine.StatusSucceeded || string(res.Output) != `{"r":{"k":"v"},"n":2}` {
		t.Fatalf("second redrive: %s %s %s %s", res.Status, res.Output, res.Error, res.Cause)
	}
	if got := tasks.count(`Set {"k":"v"}`); got != 0 {
		t.Fatalf("Set is a Pass: %d", got)
	}
	if got := tasks.count(`Call {"k":"v"}`); got != 3 {
		t.Fatalf("Call ran %d times, want 3", got)
	}
	checkRedrivenHistory(t, rec.events)
}

func TestRedriveRefusals(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	m, err := engine.Compile([]byte(def), engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	m.Run(context.Background(), nil, engine.RunOptions{Events: rec})
	noData := make([]engine.HistoryEvent, len(rec.events))
	copy(noData, rec.events)
	noData[0].Details = []byte(`{"roleArn":""}`)
	for name, tc := range map[string]struct {
		evs  []engine.HistoryEvent
		want string
	}{
		"none":      {nil, "no history"},
		"succeeded": {rec.events, "SUCCEEDED"},
		"no data":   {noData, "without execution data"},
		"cut":       {rec.events[:2], "ends with"},
		"gap":       {rec.events[1:], "missing"},
	} {
		_, err := m.PlanRedrive(tc.evs, 1, time.Now())
		if !errors.Is(err, engine.ErrNotRedrivable) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrNotRedrivable with %q", name, err, tc.want)
		}
	}
}

func TestRedriveTimedOut(t *testing.T) {
	// The first call outlives the definition's TimeoutSeconds; redriven, the execution gets its
	// time again (counted from the redrive) and the Task is called once more.
	def := `{"TimeoutSeconds":1,"StartAt":"Slow","States":{"Slow":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:s","End":true}}}`
	var n int
	tasks := engine.TaskFunc(func(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
		if n++; n == 1 {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return []byte(`"done"`), nil
	})
	res, evs := runAndRedrive(t, def, `{}`, tasks, engine.StatusTimedOut)
	if res.Status != engine.StatusSucceeded || string(res.Output) != `"done"` || n != 2 {
		t.Fatalf("redrive: %s %s %s, %d calls", res.Status, res.Output, res.Cause, n)
	}
	if got := strings.Join(types(evs), ","); !strings.Contains(got, "ExecutionTimedOut,ExecutionRedriven,TaskStateEntered") {
		t.Fatalf("history %s", got)
	}
}

func TestRedriveMapTwice(t *testing.T) {
	// Item 2 fails in the first run, item 3 in the first redrive: the second redrive runs item 3
	// and 4 only, keeping item 1's output from the first run and item 2's from the first redrive.
	def := `{"StartAt":"Each","States":{"Each":{"Type":"Map","MaxConcurrency":1,"ItemProcessor":{"StartAt":"W","States":{
	  "W":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:w","End":true}}},"End":true}}}`
	m, err := engine.Compile([]byte(def), engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tasks := newFlaky("W 2")
	rec := &recorder{}
	opts := engine.RunOptions{Tasks: tasks, Events: rec}
	if res := m.Run(context.Background(), []byte(`[1,2,3,4]`), opts); res.Status != engine.StatusFailed {
		t.Fatalf("first run: %+v", res)
	}
	tasks.fail["W 3"] = true
	var res engine.Result
	for n := 1; n <= 2; n++ {
		plan, err := m.PlanRedrive(rec.events, n, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		opts.Redrive = plan
		res = m.Run(context.Background(), []byte(`[1,2,3,4]`), opts)
	}
	if res.Status != engine.StatusSucceeded || string(res.Output) != `[1,2,3,4]` {
		t.Fatalf("second redrive: %s %s %s", res.Status, res.Output, res.Cause)
	}
	for k, want := range map[string]int{"W 1": 1, "W 2": 2, "W 3": 2, "W 4": 1} {
		if got := tasks.count(k); got != want {
			t.Errorf("%s: %d calls, want %d", k, got, want)
		}
	}
	checkRedrivenHistory(t, rec.events)
}

func TestRedriveRefusesAnEventWithoutItsData(t *testing.T) {
	m, err := engine.Compile([]byte(`{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"F"},"F":{"Type":"Fail","Error":"E"}}}`), engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	m.Run(context.Background(), []byte(`{"big":1}`), engine.RunOptions{Events: rec})
	if _, err := m.PlanRedrive(rec.events, 1, time.Now()); err != nil {
		t.Fatal(err)
	}
	for i, ev := range rec.events {
		if ev.Type == "FailStateEntered" {
			rec.events[i].Details = []byte(`{"name":"F"}`) // as the store keeps an event too large for it
		}
	}
	_, err = m.PlanRedrive(rec.events, 1, time.Now())
	if !errors.Is(err, engine.ErrNotRedrivable) || !strings.Contains(err.Error(), "FailStateEntered) was kept without its input") {
		t.Fatalf("%v", err)
	}
}
