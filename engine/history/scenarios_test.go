package history_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
)

// stepClock is an execution's clock that advances one millisecond each time it is read, so
// that every event has its own timestamp and a run gives the same ones each time. Its timers
// fire at once: a Wait state, a retry interval or a deadline costs no time.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func newStepClock() *stepClock {
	return &stepClock{t: time.Date(2026, 12, 7, 10, 0, 0, 995_000_000, time.UTC)}
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- c.Now().Add(d)
	return ch
}

// recorder keeps the events an execution emits; with defers, as the engine hands them to an
// engine.DeferringSink (details as builders).
type recorder struct {
	events []engine.HistoryEvent
	defers bool
}

func (r *recorder) Event(ev engine.HistoryEvent) { r.events = append(r.events, ev) }
func (r *recorder) DefersDetails() bool          { return r.defers }

// answer is one scripted Task answer: a result, or an error name and cause.
type answer struct {
	result       string
	error, case_ string
}

// script answers a run's Task invocations in order, whatever their resource. abort, when set,
// is called instead for the invocation of that number (1-based).
func script(answers []answer, abort func(), abortAt int) engine.TaskInvoker {
	var mu sync.Mutex
	n := 0
	return engine.TaskFunc(func(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
		mu.Lock()
		n++
		i := n
		mu.Unlock()
		if i == abortAt {
			abort()
			<-ctx.Done()
			return nil, ctx.Err()
		}
		if i > len(answers) {
			return []byte(`{"extra":true}`), nil
		}
		a := answers[i-1]
		if a.error != "" {
			return nil, &engine.Error{Name: a.error, Cause: a.case_}
		}
		return []byte(a.result), nil
	})
}

// scenario is an execution whose events the tests encode and decode. Together the scenarios
// emit every event type of engine/events.go (TestScenariosCoverEveryType).
type scenario struct {
	name       string
	definition string
	input      string
	answers    []answer
	abort      int           // abort the execution at this Task invocation (StopExecution)
	timeout    time.Duration // the execution's deadline (0: the default)
	redrive    []answer      // redrive the failed execution with these answers
}

const (
	lambdaInvoke = "arn:aws:states:::lambda:invoke"
	bareLambda   = "arn:aws:lambda:us-east-1:123456789012:function:charge"
)

var scenarios = []scenario{
	{
		name: "flow",
		definition: `{"QueryLanguage":"JSONPath","StartAt":"Pass","States":{
			"Pass":{"Type":"Pass","Result":{"n":1,"text":"<a> & \"b\"\n\u00e9\u2028"},"ResultPath":"$.r","Assign":{"count":1,"who":"Ada"},"Next":"Choice"},
			"Choice":{"Type":"Choice","Choices":[{"Variable":"$.r.n","NumericEquals":1,"Next":"Wait"}],"Default":"Done"},
			"Wait":{"Type":"Wait","Seconds":1,"Next":"Done"},
			"Done":{"Type":"Succeed"}}}`,
		input: "{\"order\":\"o-1\",\"note\":\"tab\\there <b>&amp;</b> Jos\u00e9\u2028\"}",
	},
	{
		name: "task",
		definition: `{"StartAt":"Charge","States":{
			"Charge":{"Type":"Task","Resource":"` + lambdaInvoke + `","Parameters":{"FunctionName":"charge","Payload.$":"$"},"TimeoutSeconds":30,
				"Retry":[{"ErrorEquals":["States.Timeout"],"MaxAttempts":1,"IntervalSeconds":1}],
				"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Again"}],"Next":"Again"},
			"Again":{"Type":"Task","Resource":"` + lambdaInvoke + `","Parameters":{"FunctionName":"charge"},"ResultSelector":{"paid.$":"$.Payload"},"End":true}}}`,
		input: `{"amount":12}`,
		answers: []answer{
			{error: "States.Timeout", case_: "the worker took too long"},
			{error: "Payment.Declined", case_: `{"errorMessage":"card declined","errorType":"Payment.Declined"}`},
			{result: `{"Payload":{"id":"p-1"},"StatusCode":200}`},
		},
	},
	{
		name: "lambda",
		definition: `{"StartAt":"Charge","States":{
			"Charge":{"Type":"Task","Resource":"` + bareLambda + `",
				"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":3,"IntervalSeconds":1}],"End":true}}}`,
		input: `{"amount":3}`,
		answers: []answer{
			{error: "Lambda.ServiceException", case_: "busy"},
			{error: "States.Timeout", case_: "took too long"},
			{result: `{"charged":3}`},
		},
	},
	{
		name: "map",
		definition: `{"StartAt":"Each","States":{
			"Each":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Check","States":{
				"Check":{"Type":"Choice","Choices":[{"Variable":"$","NumericGreaterThan":1,"Next":"Bad"}],"Default":"Fine"},
				"Fine":{"Type":"Pass","End":true},
				"Bad":{"Type":"Fail","Error":"Item.TooBig","Cause":"over one"}}},
				"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Both"}],"Next":"Both"},
			"Both":{"Type":"Parallel","Branches":[{"StartAt":"One","States":{"One":{"Type":"Pass","End":true}}}],"Next":"Fine"},
			"Fine":{"Type":"Map","ItemsPath":"$","ItemProcessor":{"StartAt":"Id","States":{"Id":{"Type":"Pass","End":true}}},"End":true}}}`,
		input: `{"items":[1,2]}`,
	},
	{
		name: "parallel-fails",
		definition: `{"StartAt":"Both","States":{
			"Both":{"Type":"Parallel","Branches":[{"StartAt":"Stop","States":{"Stop":{"Type":"Fail","Error":"Branch.Failed","Cause":"on purpose"}}}],"End":true}}}`,
		input: `{}`,
	},
	{
		name:       "timeout",
		definition: `{"StartAt":"Sleep","States":{"Sleep":{"Type":"Wait","Seconds":60,"End":true}}}`,
		input:      `{}`,
		timeout:    10 * time.Second,
	},
	{
		name: "abort",
		definition: `{"StartAt":"Charge","States":{
			"Charge":{"Type":"Task","Resource":"` + lambdaInvoke + `","Parameters":{"FunctionName":"charge"},"End":true}}}`,
		input: `{}`,
		abort: 1,
	},
	{
		name: "redrive",
		definition: `{"StartAt":"Charge","States":{
			"Charge":{"Type":"Task","Resource":"` + lambdaInvoke + `","Parameters":{"FunctionName":"charge"},"End":true}}}`,
		input:   `{"amount":5}`,
		answers: []answer{{error: "Payment.Unavailable", case_: "try later"}},
		redrive: []answer{{result: `{"ok":true}`}},
	},
}

// arn is the scenario's execution ARN.
func (sc scenario) arn() string {
	return "arn:aws:states:us-east-1:123456789012:express:sm:exec-" + sc.name + ":0d4b6c1e-1111-2222-3333-444455556666"
}

// run runs the scenario (and its redrive) and returns its events.
func (sc scenario) run(t testing.TB) []engine.HistoryEvent { return sc.record(t, false) }

// record runs the scenario (and its redrive) and returns its events, with their details as
// builders when deferred.
func (sc scenario) record(t testing.TB, deferred bool) []engine.HistoryEvent {
	t.Helper()
	m, err := engine.Compile([]byte(sc.definition), engine.CompileOptions{Type: "EXPRESS"})
	if err != nil {
		t.Fatalf("%s: %v", sc.name, err)
	}
	clock := newStepClock()
	rec := &recorder{defers: deferred}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	opts := engine.RunOptions{
		Tasks:            script(sc.answers, func() { cancel(&engine.Abort{Name: "Ops.Stop", Cause: "stopped by hand"}) }, sc.abort),
		Events:           rec,
		Clock:            clock,
		Timeout:          sc.timeout,
		Name:             "exec-" + sc.name,
		ExecutionArn:     sc.arn(),
		StateMachineArn:  "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
		StateMachineName: "sm",
		RoleArn:          "arn:aws:iam::123456789012:role/sfn",
		MapConcurrency:   1, // iterations one at a time: the same events in the same order every run
	}
	m.Run(ctx, []byte(sc.input), opts)
	if sc.redrive == nil {
		return rec.events
	}
	first := slices.Clone(rec.events)
	for i, ev := range first { // (a plan reads built details)
		if ev.Build != nil {
			first[i].Details, first[i].Build = ev.Build(nil), nil
		}
	}
	plan, err := m.PlanRedrive(first, 1, clock.Now())
	if err != nil {
		t.Fatalf("%s: planning the redrive: %v", sc.name, err)
	}
	opts.Tasks, opts.Redrive = script(sc.redrive, nil, 0), plan
	m.Run(context.Background(), []byte(sc.input), opts)
	return rec.events
}
