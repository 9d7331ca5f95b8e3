package telemetry

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// tracing returns a Telemetry whose spans land in an in-memory exporter.
func tracing(t *testing.T) (*Telemetry, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return New(Options{TracerProvider: tp}), exp
}

// instantClock lets Retry intervals pass at once; the deadline still counts real time.
type instantClock struct{}

func (instantClock) Now() time.Time { return time.Now() }
func (instantClock) After(d time.Duration) <-chan time.Time {
	if d >= 10*time.Second {
		return time.After(d) // a Wait state: really waits, so the deadline can pass
	}
	c := make(chan time.Time, 1)
	c <- time.Now()
	return c
}

type runSpec struct {
	def     string
	input   string
	tasks   engine.TaskInvoker
	timeout time.Duration
	traced  bool
	ctx     context.Context
	attempt int
}

// runTraced runs def as an async execution under tel and returns the result.
func runTraced(t *testing.T, tel *Telemetry, s runSpec) engine.Result {
	t.Helper()
	m, err := engine.Compile([]byte(s.def), engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := s.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if !s.traced && s.ctx == nil {
		s.traced = true
	}
	ctx, span := tel.StartExecution(ctx, Execution{Arn: "arn:aws:states:us-east-1:123456789012:express:m:e1:1", Name: "e1",
		MachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m", MachineName: "m", Traced: s.traced, Attempt: s.attempt})
	res := m.Run(ctx, []byte(s.input), engine.RunOptions{Observer: tel.Observer(), Tasks: tel.Tasks(s.tasks), Clock: instantClock{}, Timeout: s.timeout})
	span.End(res)
	return res
}

// tree renders spans as an indented outline "name [kind] {attrs} !error", children in name order.
func tree(spans tracetest.SpanStubs) string {
	children := map[trace.SpanID][]tracetest.SpanStub{}
	ids := map[trace.SpanID]bool{}
	for _, s := range spans {
		ids[s.SpanContext.SpanID()] = true
	}
	var roots []tracetest.SpanStub
	for _, s := range spans {
		if ids[s.Parent.SpanID()] {
			children[s.Parent.SpanID()] = append(children[s.Parent.SpanID()], s)
		} else {
			roots = append(roots, s)
		}
	}
	var b strings.Builder
	var walk func(list []tracetest.SpanStub, depth int)
	walk = func(list []tracetest.SpanStub, depth int) {
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		for _, s := range list {
			fmt.Fprintf(&b, "%s%s [%s]", strings.Repeat("  ", depth), s.Name, s.SpanKind)
			for _, kv := range s.Attributes {
				switch kv.Key {
				case AttrRetryCount, AttrStatus, AttrErrorType, AttrDeliveryAttempt, AttrIntegration:
					fmt.Fprintf(&b, " %s=%s", kv.Key, kv.Value.String())
				}
			}
			if s.Status.Code == codes.Error {
				b.WriteString(" !")
			}
			b.WriteByte('\n')
			walk(children[s.SpanContext.SpanID()], depth+1)
		}
	}
	walk(roots, 0)
	return b.String()
}

func attr(s tracetest.SpanStub, k attribute.Key) string {
	for _, kv := range s.Attributes {
		if kv.Key == k {
			return kv.Value.String()
		}
	}
	return ""
}

var okTask = engine.TaskFunc(func(_ context.Context, req engine.TaskRequest) ([]byte, error) { return []byte(`{"ok":true}`), nil })

func TestSpanTree(t *testing.T) {
	failTwice := func() engine.TaskInvoker {
		n := 0
		return engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) {
			if n++; n <= 2 {
				return nil, &engine.Error{Name: "Boom", Cause: "try again"}
			}
			return []byte(`1`), nil
		})
	}
	cases := []struct {
		name  string
		spec  runSpec
		want  string
		final engine.Status
	}{
		{"pass", runSpec{def: `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`},
			`execution m [consumer] stepjet.execution.delivery_attempt=1 stepjet.execution.status=SUCCEEDED
  Pass A [internal] stepjet.state.retry_count=0
`, engine.StatusSucceeded},
		{"choice", runSpec{def: `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":1,"Next":"Yes"}],"Default":"No"},
			"Yes":{"Type":"Succeed"},"No":{"Type":"Fail","Error":"Nope"}}}`, input: `{"x":1}`},
			`execution m [consumer] stepjet.execution.delivery_attempt=1 stepjet.execution.status=SUCCEEDED
  Choice C [internal] stepjet.state.retry_count=0
  Succeed Yes [internal] stepjet.state.retry_count=0
`, engine.StatusSucceeded},
		{"fail", runSpec{def: `{"StartAt":"No","States":{"No":{"Type":"Fail","Error":"Nope","Cause":"because"}}}`},
			`execution m [consumer] stepjet.execution.delivery_attempt=1 stepjet.execution.status=FAILED error.type=Nope !
  Fail No [internal] stepjet.state.retry_count=0 error.type=Nope !
`, engine.StatusFailed},
		{"map", runSpec{def: `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,
			"ItemProcessor":{"StartAt":"Each","States":{"Each":{"Type":"Pass","End":true}}},"End":true}}}`, input: `{"items":[1,2]}`},
			`execution m [consumer] stepjet.execution.delivery_attempt=1 stepjet.execution.status=SUCCEEDED
  Map M [internal] stepjet.state.retry_count=0
    M iteration 0 [internal]
      Pass Each [internal] stepjet.state.retry_count=0
    M iteration 1 [internal]
      Pass Each [internal] stepjet.state.retry_count=0
`, engine.StatusSucceeded},
		{"parallel with tasks", runSpec{def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"End":true}}},
			{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"t","Message":"m"},"End":true}}}]}}}`,
			tasks: okTask},
			`execution m [consumer] stepjet.execution.delivery_attempt=1 stepjet.execution.status=SUCCEEDED
  Parallel P [internal] stepjet.state.retry_count=0
    P branch 0 [internal]
      Task T [internal] stepjet.state.retry_count=0
        invoke T [client] stepjet.task.integration=lambda
    P branch 1 [internal]
      Task S [internal] stepjet.state.retry_count=0
        publish sns [producer] stepjet.task.integration=sns
`, engine.StatusSucceeded},
		{"retry", runSpec{def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
			"Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":1,"MaxAttempts":3,"BackoffRate":1}],"End":true}}}`, tasks: failTwice()},
			`execution m [consumer] stepjet.execution.delivery_attempt=1 stepjet.execution.status=SUCCEEDED
  Task T [internal] stepjet.state.retry_count=2
    invoke T [client] stepjet.task.integration=lambda error.type=Boom !
    invoke T [client] stepjet.task.integration=lambda error.type=Boom !
    invoke T [client] stepjet.task.integration=lambda
`, engine.StatusSucceeded},
		{"catch", runSpec{def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Fallback"}],"End":true},"Fallback":{"Type":"Pass","End":true}}}`,
			tasks: engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) {
				return nil, &engine.Error{Name: "Boom", Cause: "no"}
			})},
			`execution m [consumer] stepjet.execution.delivery_attempt=1 stepjet.execution.status=SUCCEEDED
  Pass Fallback [internal] stepjet.state.retry_count=0
  Task T [internal] stepjet.state.retry_count=0 error.type=Boom !
    invoke T [client] stepjet.task.integration=lambda error.type=Boom !
`, engine.StatusSucceeded},
		{"timed out", runSpec{def: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`, timeout: 200 * time.Millisecond},
			`execution m [consumer] stepjet.execution.delivery_attempt=1 stepjet.execution.status=TIMED_OUT error.type=States.Timeout !
  Wait W [internal] stepjet.state.retry_count=0 error.type=States.Timeout !
`, engine.StatusTimedOut},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tel, exp := tracing(t)
			c.spec.attempt = 1
			if c.spec.input == "" {
				c.spec.input = "{}"
			}
			res := runTraced(t, tel, c.spec)
			if res.Status != c.final {
				t.Fatalf("status %s (%s: %s), want %s", res.Status, res.Error, res.Cause, c.final)
			}
			spans := exp.GetSpans()
			if got := tree(spans); got != c.want {
				t.Errorf("span tree:\n%s\nwant:\n%s", got, c.want)
			}
			for _, s := range spans {
				if s.SpanContext.TraceID() != spans[0].SpanContext.TraceID() {
					t.Errorf("span %q is in another trace", s.Name)
				}
				if s.Name == "execution m" && attr(s, AttrExecutionArn) == "" {
					t.Errorf("execution span has no ARN: %v", s.Attributes)
				}
				if attr(s, AttrInput) != "" || attr(s, AttrOutput) != "" {
					t.Errorf("span %q carries a payload without includeExecutionData", s.Name)
				}
			}
		})
	}
}

// A redelivered start is a second execution span in the caller's trace, with its attempt.
func TestRedeliverySameTrace(t *testing.T) {
	tel, exp := tracing(t)
	parent := tracectx.ContextWithTraceParent(context.Background(), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "")
	def := `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`
	runTraced(t, tel, runSpec{def: def, input: "{}", ctx: parent, attempt: 1})
	runTraced(t, tel, runSpec{def: def, input: "{}", ctx: parent, attempt: 2})
	var attempts []string
	for _, s := range exp.GetSpans() {
		if s.SpanContext.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" {
			t.Errorf("span %q left the caller's trace", s.Name)
		}
		if s.Name == "execution m" {
			if s.Parent.SpanID().String() != "b7ad6b7169203331" {
				t.Errorf("execution span's parent is %s", s.Parent.SpanID())
			}
			attempts = append(attempts, attr(s, AttrDeliveryAttempt))
		}
	}
	if strings.Join(attempts, ",") != "1,2" {
		t.Errorf("execution spans by attempt: %v, want 1,2", attempts)
	}
}

// A machine without tracing enabled makes no spans unless its caller's context is sampled.
func TestTracingConfiguration(t *testing.T) {
	tel, exp := tracing(t)
	def := `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`
	unsampled := tracectx.ContextWithTraceParent(context.Background(), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", "")
	runTraced(t, tel, runSpec{def: def, input: "{}", ctx: unsampled})
	if n := len(exp.GetSpans()); n != 0 {
		t.Fatalf("%d spans for an untraced machine with an unsampled caller", n)
	}
	runTraced(t, tel, runSpec{def: def, input: "{}", ctx: unsampled, traced: true})
	spans := exp.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans for a traced machine, want execution and state", len(spans))
	}
	for _, s := range spans {
		if s.Name == "execution m" && (len(s.Links) != 1 || s.Links[0].SpanContext.TraceID().String() != "0af7651916cd43dd8448eb211c80319c") {
			t.Errorf("a traced machine's execution should link its unsampled caller: %v", s.Links)
		}
	}
}

// includeExecutionData puts the input and output on the execution span, and nowhere else.
func TestIncludeExecutionData(t *testing.T) {
	tel, exp := tracing(t)
	m, _ := engine.Compile([]byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"out":1},"End":true}}}`), engine.CompileOptions{})
	ctx, span := tel.StartExecution(context.Background(), Execution{MachineName: "m", Traced: true, IncludeData: true, Input: []byte(`{"in":1}`)})
	span.End(m.Run(ctx, []byte(`{"in":1}`), engine.RunOptions{Observer: tel.Observer()}))
	for _, s := range exp.GetSpans() {
		if s.Name == "execution m" && (attr(s, AttrInput) != `{"in":1}` || attr(s, AttrOutput) != `{"out":1}`) {
			t.Errorf("execution span data: %v", s.Attributes)
		}
	}
}
