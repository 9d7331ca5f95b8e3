package executor_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/telemetry"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// A start handed back at a drain deadline and run again by another executor is a second
// execution span in the caller's trace, with delivery attempt 2; its states are spans below it.
func TestRedeliveryIsANewExecutionSpanInTheSameTrace(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	tel := telemetry.New(telemetry.Options{TracerProvider: tp})
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:hang"
	env.PutMachine("redo", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+fn+`","End":true}}}`, "")
	results := env.WatchResults()

	entered := make(chan struct{}, 1)
	hang := engine.TaskFunc(func(ctx context.Context, _ engine.TaskRequest) ([]byte, error) {
		entered <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	})
	ex1, err := executor.New(executor.Config{NC: env.Connect(), Logger: quietLogger(), AckWait: time.Second, Funcs: funcs(fn, hang), Telemetry: tel})
	if err != nil {
		t.Fatal(err)
	}
	if err := ex1.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	const callerTrace, callerSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	if _, err := client.StartAsync(context.Background(), env.JS, env.Layout, "redo", nil,
		client.StartOptions{Name: "r1", TraceHeader: "00-" + callerTrace + "-" + callerSpan + "-01"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the first executor never ran the task")
	}
	// The drain deadline passes at once: the execution is stopped and its start handed back.
	sctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_ = ex1.Shutdown(sctx)
	cancel()
	startExecutor(t, env, executor.Config{AckWait: time.Second, Telemetry: tel,
		Funcs: funcs(fn, engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) { return []byte(`"ok"`), nil }))})
	if r := byName(t, results, "r1"); r.Status != "SUCCEEDED" {
		t.Fatalf("result %+v", r)
	}

	var attempts []string
	byID := map[string]tracetest.SpanStub{}
	spans := exp.GetSpans()
	for _, s := range spans {
		byID[s.SpanContext.SpanID().String()] = s
	}
	for _, s := range spans {
		if s.SpanContext.TraceID().String() != callerTrace {
			t.Errorf("span %q is in trace %s, not the caller's", s.Name, s.SpanContext.TraceID())
		}
		switch s.Name {
		case "execution redo":
			if s.Parent.SpanID().String() != callerSpan {
				t.Errorf("execution span's parent %s, want the caller's %s", s.Parent.SpanID(), callerSpan)
			}
			for _, kv := range s.Attributes {
				if kv.Key == telemetry.AttrDeliveryAttempt {
					attempts = append(attempts, kv.Value.String())
				}
			}
		case "Task T":
			if p, ok := byID[s.Parent.SpanID().String()]; !ok || p.Name != "execution redo" {
				t.Errorf("Task T's parent is not an execution span")
			}
		}
	}
	// Under load the handed-back start can be delivered once more to the executor shutting
	// down before the new one takes it, so the rerun's attempt may be 3: what must hold is one
	// span for the first delivery and one for a later one, in the same trace.
	sort.Slice(attempts, func(i, j int) bool {
		return len(attempts[i]) < len(attempts[j]) || len(attempts[i]) == len(attempts[j]) && attempts[i] < attempts[j]
	})
	if len(attempts) < 2 || attempts[0] != "1" || attempts[len(attempts)-1] == "1" {
		t.Errorf("execution spans by delivery attempt %v, want the first delivery's and a redelivery's", attempts)
	}
}
