package telemetry

import (
	"context"
	"time"

	"github.com/stepjet/stepjet/engine"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Span attribute keys.
const (
	AttrExecutionArn  = attribute.Key("stepjet.execution.arn")
	AttrExecutionName = attribute.Key("stepjet.execution.name")
	AttrMachineArn    = attribute.Key("stepjet.state_machine.arn")
	// AttrMachineTracing marks the execution span of a machine with tracing enabled; the
	// exporter's sampler samples it whatever the caller's context says.
	AttrMachineTracing  = attribute.Key("stepjet.state_machine.tracing")
	AttrStatus          = attribute.Key("stepjet.execution.status")
	AttrDeliveryAttempt = attribute.Key("stepjet.execution.delivery_attempt")
	AttrInput           = attribute.Key("stepjet.execution.input")
	AttrOutput          = attribute.Key("stepjet.execution.output")
	AttrStateName       = attribute.Key("stepjet.state.name")
	AttrStateType       = attribute.Key("stepjet.state.type")
	AttrRetryCount      = attribute.Key("stepjet.state.retry_count")
	AttrMapIndex        = attribute.Key("stepjet.map.iteration_index")
	AttrBranchIndex     = attribute.Key("stepjet.parallel.branch_index")
	AttrIntegration     = attribute.Key("stepjet.task.integration")
	AttrResource        = attribute.Key("stepjet.task.resource")
	AttrErrorType       = attribute.Key("error.type")
)

// maxDataAttr bounds an input or output recorded on a span (includeExecutionData).
const maxDataAttr = 8 << 10

// Execution describes an execution about to run.
type Execution struct {
	Arn, Name string
	// MachineArn is the state machine (or version, or alias) ARN; MachineName labels metrics.
	MachineArn, MachineName string
	// Sync is a StartSyncExecution (a SERVER span); otherwise an async start (CONSUMER).
	Sync bool
	// Attempt is the start's delivery attempt, 1 for the first.
	Attempt int
	// Traced is the machine's tracingConfiguration.enabled: trace it even when no sampled
	// context came with the start.
	Traced bool
	// IncludeData is the machine's includeExecutionData: only then do the input and output
	// appear on the span.
	IncludeData bool
	// Input is recorded when IncludeData is set.
	Input []byte
}

// ExecutionSpan is a running execution's span and clock. Its zero value records nothing.
type ExecutionSpan struct {
	t       *Telemetry
	span    trace.Span
	start   time.Time
	machine string
	data    bool
}

// StartExecution begins an execution's span, as a child of the context that came with its start
// (see tracectx.Extract), and starts its clock for the duration histogram. The span is recorded
// when the incoming context is sampled or the machine has tracing enabled (stepjet's sampler,
// export.DefaultSampler, samples it), or when no context came and the sampler says so; the
// states make spans only under a recorded execution span.
func (t *Telemetry) StartExecution(ctx context.Context, e Execution) (context.Context, ExecutionSpan) {
	if t == nil {
		return ctx, ExecutionSpan{}
	}
	s := ExecutionSpan{t: t, start: time.Now(), machine: e.MachineName, data: e.IncludeData}
	if !t.tracing {
		return ctx, s
	}
	parent := trace.SpanContextFromContext(ctx)
	if !e.Traced && parent.IsValid() && !parent.IsSampled() {
		// The caller decided against tracing: nothing below makes spans. (Without a caller's
		// context the sampler decides, by default against: see export.DefaultSampler.)
		return trace.ContextWithSpanContext(ctx, trace.SpanContext{}), s
	}
	kind := trace.SpanKindConsumer
	if e.Sync {
		kind = trace.SpanKindServer
	}
	attrs := []attribute.KeyValue{
		AttrExecutionArn.String(e.Arn),
		AttrExecutionName.String(e.Name),
		AttrMachineArn.String(e.MachineArn),
		attribute.String("messaging.system", "nats"),
	}
	if e.Attempt > 0 {
		attrs = append(attrs, AttrDeliveryAttempt.Int(e.Attempt))
	}
	if e.Traced {
		attrs = append(attrs, AttrMachineTracing.Bool(true))
	}
	if e.IncludeData && len(e.Input) > 0 {
		attrs = append(attrs, AttrInput.String(clip(e.Input)))
	}
	opts := []trace.SpanStartOption{trace.WithSpanKind(kind), trace.WithAttributes(attrs...)}
	if e.Traced && !parent.IsSampled() {
		// The machine asks for tracing: a new trace, linked to an unsampled caller if any.
		opts = append(opts, trace.WithNewRoot())
		if parent.IsValid() {
			opts = append(opts, trace.WithLinks(trace.Link{SpanContext: parent}))
		}
	}
	name := "execution " + e.MachineName
	ctx, s.span = t.tracer.Start(ctx, name, opts...)
	return ctx, s
}

// End records the execution's result: status and error on the span, the duration histogram.
func (s ExecutionSpan) End(res engine.Result) {
	if s.t == nil {
		return
	}
	status := string(res.Status)
	s.t.ins.execDuration.Record(context.Background(), time.Since(s.start).Seconds(), s.t.machine(s.machine).status(status)...)
	if s.span == nil {
		return
	}
	s.span.SetAttributes(AttrStatus.String(status))
	switch res.Status {
	case engine.StatusSucceeded:
		if s.data && len(res.Output) > 0 {
			s.span.SetAttributes(AttrOutput.String(clip(res.Output)))
		}
	case engine.StatusTimedOut:
		s.span.SetAttributes(AttrErrorType.String("States.Timeout"))
		s.span.SetStatus(codes.Error, "The execution timed out")
	default:
		s.span.SetAttributes(AttrErrorType.String(res.Error))
		s.span.SetStatus(codes.Error, res.Cause)
	}
	s.span.End()
}

// EndWith is End for a caller holding the result's fields (an output as text).
func (s ExecutionSpan) EndWith(status, errorName, cause, output string) {
	r := engine.Result{Status: engine.Status(status), Error: errorName, Cause: cause}
	if s.data && s.span != nil && status == string(engine.StatusSucceeded) {
		r.Output = []byte(output)
	}
	s.End(r)
}

// Fail ends the span of an execution that could not run (its machine is gone, its start is
// malformed): status FAILED with error.
func (s ExecutionSpan) Fail(errorName, cause string) {
	s.End(engine.Result{Status: engine.StatusFailed, Error: errorName, Cause: cause})
}

func clip(b []byte) string {
	if len(b) > maxDataAttr {
		b = b[:maxDataAttr]
	}
	return string(b)
}
