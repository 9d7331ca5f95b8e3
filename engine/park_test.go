package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
)

// countingObserver checks that every step it heard begin also ends, once.
type countingObserver struct {
	mu    sync.Mutex
	open  map[string]int
	ended int
}

func (o *countingObserver) Begin(ctx context.Context, s engine.Step) context.Context {
	o.mu.Lock()
	o.open[s.Name]++
	o.mu.Unlock()
	return ctx
}

func (o *countingObserver) End(_ context.Context, s engine.Step, _ engine.StepEnd) {
	o.mu.Lock()
	o.open[s.Name]--
	o.ended++
	o.mu.Unlock()
}

// stoppedClock answers every wait at once and always tells the same time, so that two runs of
// a case put the same times into their documents ($$.Execution.StartTime, ...).
type stoppedClock struct{}

var stoppedAt = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func (stoppedClock) Now() time.Time { return stoppedAt }
func (stoppedClock) After(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- stoppedAt
	return c
}

// asyncTasks answers tasks through StartTask, on another goroutine, as a NATS worker's reply
// arrives; it keeps the inner invoker's Scripted promise.
type asyncTasks struct{ inner engine.TaskInvoker }

func (a asyncTasks) Invoke(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
	return a.inner.Invoke(ctx, req)
}

func (a asyncTasks) StartTask(ctx context.Context, req engine.TaskRequest, done func([]byte, error)) bool {
	go func() { done(a.inner.Invoke(ctx, req)) }()
	return true
}

func (a asyncTasks) Scripted() bool {
	s, ok := a.inner.(engine.ScriptedInvoker)
	return ok && s.Scripted()
}

// resumeAll resumes a parked execution until it ends, as the executor does: at once for a
// Wait (the test clock answers every wait at once), once its task answered for a Task.
func resumeAll(t *testing.T, res engine.Result) (engine.Result, int) {
	parks := 0
	for res.Parked != nil {
		if res.Status != "" || res.Output != nil {
			t.Fatalf("a parked Result has status %q", res.Status)
		}
		if parks++; parks > 10000 {
			t.Fatal("parked more than 10,000 times")
		}
		if res.Parked.Until.IsZero() {
			ready := make(chan struct{})
			res.Parked.OnDone(func() { close(ready) })
			select {
			case <-ready:
			case <-time.After(10 * time.Second):
				t.Fatal("a parked task never answered")
			}
		}
		res = res.Parked.Resume()
	}
	return res, parks
}

// TestParkedRunsMatch runs every recorded case (../shared/conformance and testdata/cases) with
// RunOptions.Park and tasks answered asynchronously, resuming each parked Wait and Task, and
// without: status, output, error, cause and
// every history event's details must be the same, and an Observer must hear every step end.
func TestParkedRunsMatch(t *testing.T) {
	type outcome struct {
		Status, Error, Cause string
		Output               []byte
		Events               []string
	}
	run := func(def, input json.RawMessage, typ string, tasks engine.TaskInvoker, park bool) (outcome, int) {
		m, err := engine.Compile(def, engine.CompileOptions{Type: typ})
		if err != nil {
			return outcome{Status: "compile", Cause: err.Error()}, 0
		}
		rec := &recorder{}
		obs := &countingObserver{open: map[string]int{}}
		if park && tasks != nil {
			tasks = asyncTasks{tasks}
		}
		res, parks := resumeAll(t, m.Run(context.Background(), input, engine.RunOptions{
			Tasks: tasks, Events: rec, Clock: stoppedClock{}, Name: "conformance", StateMachineName: "sm",
			ExecutionArn: "arn:aws:states:us-east-1:111111111111:express:sm:conformance:1", Observer: obs, Park: park,
		}))
		for name, n := range obs.open {
			if n != 0 {
				t.Errorf("observer: step %q began %d times more than it ended", name, n)
			}
		}
		o := outcome{Status: string(res.Status), Error: res.Error, Cause: res.Cause, Output: res.Output}
		// Parallel branches and Map iterations run at once: their events interleave in any
		// order, with ids to match, so those are compared as a set without ids.
		concurrent := bytes.Contains(def, []byte(`"Parallel"`)) || bytes.Contains(def, []byte(`"Map"`))
		for _, ev := range rec.events {
			if concurrent {
				o.Events = append(o.Events, fmt.Sprint(ev.Type, " ", ev.DetailsKey, " ", string(ev.Details)))
			} else {
				o.Events = append(o.Events, fmt.Sprint(ev.Type, " ", ev.ID, " ", ev.PreviousEventID, " ", ev.DetailsKey, " ", string(ev.Details)))
			}
		}
		if concurrent {
			slices.Sort(o.Events)
		}
		return o, parks
	}
	parked, cases := 0, 0
	compare := func(name string, def, input json.RawMessage, typ string, tasks func() engine.TaskInvoker) {
		if !bytes.Contains(def, []byte(`"Wait"`)) && !bytes.Contains(def, []byte(`"Task"`)) {
			return
		}
		cases++
		want, _ := run(def, input, typ, tasks(), false)
		got, n := run(def, input, typ, tasks(), true)
		parked += n
		if got.Status != want.Status || got.Error != want.Error || got.Cause != want.Cause ||
			!bytes.Equal(got.Output, want.Output) || strings.Join(got.Events, "\n") != strings.Join(want.Events, "\n") {
			t.Errorf("%s: parked gives\n%+v\nunparked gives\n%+v", name, got, want)
		}
	}
	for _, c := range loadCases(t) {
		compare(c.ID, c.Definition, c.Input, c.Provenance.Type, func() engine.TaskInvoker { return caseInvoker(t, c) })
	}
	for _, c := range loadEngineCases(t) {
		compare(c.Name, c.Definition, c.Input, c.Type, func() engine.TaskInvoker { return mockInvoker(t, c.Mocks) })
	}
	// Waits of every kind at the top level, most of the recorded ones being 0 s or in branches.
	mocks := map[string]json.RawMessage{"T": json.RawMessage(`{"0":{"Return":{"r":2}}}`)}
	for i, def := range []string{
		`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"InputPath":"$.a","OutputPath":"$.b","Next":"W2"},
		  "W2":{"Type":"Wait","SecondsPath":"$.s","Next":"T"},"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:T","ResultPath":"$.t","Next":"W3"},
		  "W3":{"Type":"Wait","TimestampPath":"$.ts","End":true}}}`,
		`{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% $states.input.a.s %}","Assign":{"x":"{% $states.input.a %}"},"Output":"{% {'x': $x, 'in': $states.input} %}","Next":"C"},
		  "C":{"Type":"Choice","Choices":[{"Condition":"{% $x.s = 1 %}","Next":"W2"}],"Default":"F"},
		  "W2":{"Type":"Wait","Seconds":1,"Output":"{% $states.context.State.Name %}","End":true},"F":{"Type":"Fail","Error":"E"}}}`,
		`{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.missing","Next":"P"},"P":{"Type":"Pass","End":true}}}`,
		`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"OutputPath":"$.nothing","End":true}}}`,
	} {
		compare(fmt.Sprint("wait ", i), json.RawMessage(def), json.RawMessage(`{"a":{"s":1,"b":{"c":3}},"s":1,"ts":"2020-01-01T00:00:00Z"}`),
			"EXPRESS", func() engine.TaskInvoker { return mockInvoker(t, mocks) })
	}
	if parked == 0 {
		t.Fatalf("none of the %d cases with a Wait or Task state parked", cases)
	}
	t.Logf("%d cases with a Wait or Task state, %d parks", cases, parked)
}

// TestParkedEnds: a parked execution whose context ends fails as a sleeping one does, one whose Wait
// outlasts its deadline is TIMED_OUT, and a Wait in a Parallel branch does not park.
func TestParkedEnds(t *testing.T) {
	compile := func(def string) *engine.Machine {
		m, err := engine.Compile([]byte(def), engine.CompileOptions{Type: "EXPRESS"})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	wait := compile(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"Next":"P"},"P":{"Type":"Pass","End":true}}}`)

	ctx, cancel := context.WithCancel(context.Background())
	res := wait.Run(ctx, []byte(`{"a":1}`), engine.RunOptions{Park: true})
	if res.Parked == nil {
		t.Fatalf("not parked: %+v", res)
	}
	if d := time.Until(res.Parked.Until); d < 59*time.Second || d > 61*time.Second {
		t.Errorf("parked until %s from now, want 60 s", d)
	}
	cancel()
	// As a sleeping Wait whose context ends (an *engine.Abort cause would make it ABORTED).
	if res = res.Parked.Resume(); res.Status != engine.StatusFailed || res.Error != "States.Aborted" {
		t.Errorf("cancelled while parked: %s %s %s, want FAILED States.Aborted", res.Status, res.Error, res.Cause)
	}

	res = wait.Run(context.Background(), []byte(`{"a":1}`), engine.RunOptions{Park: true, Timeout: 2 * time.Second})
	if res.Parked == nil {
		t.Fatalf("not parked: %+v", res)
	}
	if d := time.Until(res.Parked.Until); d > 2*time.Second {
		t.Errorf("parked until %s from now, past the 2 s deadline", d)
	}
	if res = res.Parked.Resume(); res.Status != engine.StatusTimedOut {
		t.Errorf("a wait past the deadline: %s, want TIMED_OUT", res.Status)
	}

	res = wait.Run(context.Background(), []byte(`{"a":1}`), engine.RunOptions{Park: true})
	if res = res.Parked.Resume(); res.Status != engine.StatusSucceeded || string(res.Output) != `{"a":1}` {
		t.Errorf("resumed: %s %s, want SUCCEEDED {\"a\":1}", res.Status, res.Output)
	}

	// A task that answers only when its context ends: its TimeoutSeconds ends it, as unparked.
	slow := compile(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f","TimeoutSeconds":1,
		"Catch":[{"ErrorEquals":["States.Timeout"],"Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}`)
	blocked := engine.TaskFunc(func(ctx context.Context, _ engine.TaskRequest) ([]byte, error) { <-ctx.Done(); return nil, ctx.Err() })
	for _, park := range []bool{false, true} {
		var tasks engine.TaskInvoker = blocked
		if park {
			tasks = asyncTasks{blocked}
		}
		res, parks := resumeAll(t, slow.Run(context.Background(), []byte(`{}`), engine.RunOptions{Park: park, Tasks: tasks}))
		if res.Status != engine.StatusSucceeded || string(res.Output) != `{"Error":"States.Timeout","Cause":""}` || parks != map[bool]int{false: 0, true: 1}[park] {
			t.Errorf("park %v: a task past its TimeoutSeconds: %s %s %s, %d parks", park, res.Status, res.Output, res.Error, parks)
		}
	}

	branch := compile(`{"StartAt":"Par","States":{"Par":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":0,"End":true}}}]}}}`)
	if res := branch.Run(context.Background(), []byte(`{}`), engine.RunOptions{Park: true}); res.Parked != nil || res.Status != engine.StatusSucceeded {
		t.Errorf("a Wait in a Parallel branch: parked %v, status %s", res.Parked != nil, res.Status)
	}
}
