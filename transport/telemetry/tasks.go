package telemetry

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Integration names, the integration label of task metrics.
const (
	IntegrationLambda = "lambda" // a NATS worker (lambda:invoke or a function ARN)
	IntegrationHTTP   = "http"
	IntegrationSNS    = "sns"
	IntegrationSQS    = "sqs"
	IntegrationEvents = "events"
	IntegrationOther  = "other" // an in-process function or anything else
)

// Integration names the integration a Task resource ARN reaches.
func Integration(resource string) string {
	switch {
	case strings.HasPrefix(resource, "arn:aws:states:::lambda:invoke"), strings.Contains(resource, ":lambda:") && strings.Contains(resource, ":function:"):
		return IntegrationLambda
	case strings.HasPrefix(resource, "arn:aws:states:::http:invoke"):
		return IntegrationHTTP
	case strings.HasPrefix(resource, "arn:aws:states:::sns:publish"):
		return IntegrationSNS
	case strings.HasPrefix(resource, "arn:aws:states:::sqs:sendMessage"):
		return IntegrationSQS
	case strings.HasPrefix(resource, "arn:aws:states:::events:putEvents"):
		return IntegrationEvents
	}
	return IntegrationOther
}

// Tasks wraps a TaskInvoker: every invocation is timed and counted by integration and, inside a
// traced state, gets its own span — CLIENT for a worker or HTTP call, PRODUCER for an SNS, SQS
// or EventBridge publish — which the invoker propagates (Inject) on its request. Returns inner
// when t is nil.
func (t *Telemetry) Tasks(inner engine.TaskInvoker) engine.TaskInvoker {
	if t == nil || inner == nil {
		return inner
	}
	ti := &taskInvoker{t: t, inner: inner, record: map[string][]metric.RecordOption{}, add: map[string][]metric.AddOption{}}
	for _, in := range []string{IntegrationLambda, IntegrationHTTP, IntegrationSNS, IntegrationSQS, IntegrationEvents, IntegrationOther} {
		// Options made once: recording a measurement then allocates nothing.
		set := attribute.NewSet(attrIntegration.String(in))
		ti.record[in] = []metric.RecordOption{metric.WithAttributeSet(set)}
		ti.add[in] = []metric.AddOption{metric.WithAttributeSet(set)}
		// Every integration's error series exists from the start, at 0: rate() and alerts
		// then see no gap before the first error.
		t.ins.taskErrors.Add(context.Background(), 0, ti.add[in]...)
	}
	if s, ok := inner.(engine.ScriptedInvoker); ok && s.Scripted() {
		return scriptedTasks{ti}
	}
	return ti
}

type taskInvoker struct {
	t      *Telemetry
	inner  engine.TaskInvoker
	record map[string][]metric.RecordOption
	add    map[string][]metric.AddOption
}

// scriptedTasks keeps a scripted invoker's promise to the engine (iterations in item order).
type scriptedTasks struct{ *taskInvoker }

func (scriptedTasks) Scripted() bool { return true }

func (ti *taskInvoker) Invoke(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
	tt := ti.begin(ctx, req)
	out, err := ti.inner.Invoke(tt.ctx, req)
	tt.end(err)
	return out, err
}

// StartTask implements engine.TaskStarter when the inner invoker does: the task's span and
// measurements end when it answers. (When the inner invoker declines, the span begun for it
// is never ended, so never exported: the engine then calls Invoke, which makes its own.)
func (ti *taskInvoker) StartTask(ctx context.Context, req engine.TaskRequest, done func([]byte, error)) bool {
	ts, ok := ti.inner.(engine.TaskStarter)
	if !ok {
		return false
	}
	tt := ti.begin(ctx, req)
	return ts.StartTask(tt.ctx, req, func(out []byte, err error) {
		tt.end(err)
		done(out, err)
	})
}

// taskTrace is one task call's span (when traced) and clock.
type taskTrace struct {
	ti    *taskInvoker
	ctx   context.Context
	span  trace.Span
	start time.Time
	integ string
}

// begin starts a task's span and clock.
func (ti *taskInvoker) begin(ctx context.Context, req engine.TaskRequest) taskTrace {
	integ := Integration(req.Resource)
	var span trace.Span
	if ti.t.tracing && trace.SpanFromContext(ctx).IsRecording() {
		kind, name := trace.SpanKindClient, "invoke "+req.Resource
		switch integ {
		case IntegrationLambda:
			name = "invoke " + req.StateName
		case IntegrationHTTP:
			name = "HTTP " + req.StateName // the HTTP invoker renames it to the method
		case IntegrationSNS, IntegrationSQS, IntegrationEvents:
			kind, name = trace.SpanKindProducer, "publish "+integ
		}
		ctx, span = ti.t.tracer.Start(ctx, name, trace.WithSpanKind(kind), trace.WithAttributes(
			AttrIntegration.String(integ), AttrResource.String(req.Resource), AttrStateName.String(req.StateName)))
	}
	return taskTrace{ti: ti, ctx: ctx, span: span, start: time.Now(), integ: integ}
}

// end records how the task ended and ends its span.
func (tt taskTrace) end(err error) {
	ti, ctx := tt.ti, tt.ctx
	ti.t.ins.taskDuration.Record(ctx, time.Since(tt.start).Seconds(), ti.record[tt.integ]...)
	if err != nil {
		ti.t.ins.taskErrors.Add(ctx, 1, ti.add[tt.integ]...)
	}
	if span := tt.span; span != nil {
		if err != nil {
			name := failure.TaskFailed
			var fe *failure.Error
			if errors.As(err, &fe) {
				name = fe.Name
			} else if errors.Is(err, context.DeadlineExceeded) {
				name = failure.Timeout
			}
			span.SetAttributes(AttrErrorType.String(name))
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}
}
