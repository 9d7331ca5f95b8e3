package worker_test

import (
	"context"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/tasks"
	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/stepjet/stepjet/transport/worker"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// A worker continues the executor's trace with no code of its own: its SERVER span is a child
// of the task's CLIENT span, and the handler's context carries it.
func TestWorkerContinuesTrace(t *testing.T) {
	env := testenv.New(t)
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	svc, err := worker.New(env.Connect(), "traced", worker.Options{TracerProvider: tp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Stop() })
	inHandler := make(chan trace.SpanContext, 1)
	if err := svc.Handle("echo", func(ctx context.Context, p []byte) ([]byte, error) {
		inHandler <- trace.SpanContextFromContext(ctx)
		return p, nil
	}); err != nil {
		t.Fatal(err)
	}

	tel := telemetry.New(telemetry.Options{TracerProvider: tp})
	inv := tel.Tasks(&tasks.Lambda{NC: env.NC, Layout: env.Layout})
	ctx, state := tp.Tracer("test").Start(context.Background(), "state")
	if _, err := inv.Invoke(ctx, engine.TaskRequest{Resource: "arn:aws:states:::lambda:invoke", StateName: "Echo",
		Input: []byte(`{"FunctionName":"echo","Payload":{"a":1}}`)}); err != nil {
		t.Fatal(err)
	}
	state.End()
	handlerSC := <-inHandler
	// The worker's span ends after its reply: wait for it.
	var client, server *tracetest.SpanStub
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && server == nil {
		client, server = nil, nil
		for _, s := range exp.GetSpans() {
			switch s.SpanKind {
			case trace.SpanKindClient:
				client = &s
			case trace.SpanKindServer:
				server = &s
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if client == nil || server == nil {
		t.Fatalf("spans %v", exp.GetSpans())
	}
	if server.Parent.SpanID() != client.SpanContext.SpanID() || server.SpanContext.TraceID() != client.SpanContext.TraceID() {
		t.Errorf("worker span parent %s, want the task span %s", server.Parent.SpanID(), client.SpanContext.SpanID())
	}
	if server.Name != "function echo" || handlerSC.SpanID() != server.SpanContext.SpanID() {
		t.Errorf("worker span %q; handler context %v", server.Name, handlerSC)
	}
}
