package telemetry

import (
	"context"
	"strconv"

	"github.com/stepjet/stepjet/engine"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Observer returns the engine.Observer that counts state transitions and, inside a traced
// execution, makes a span per state entered, Map iteration and Parallel branch. Nil when t is.
func (t *Telemetry) Observer() engine.Observer {
	if t == nil {
		return nil
	}
	return observer{t}
}

type observer struct{ t *Telemetry }

func (o observer) Begin(ctx context.Context, s engine.Step) context.Context {
	if s.Kind == engine.StepState {
		if i := stateTypeIndex(s.Type); i >= 0 {
			o.t.ins.transitions[i].Add(1)
		}
	}
	// States make spans only under a recording execution span.
	if !o.t.tracing || !trace.SpanFromContext(ctx).IsRecording() {
		return ctx
	}
	var name string
	var attrs []attribute.KeyValue
	switch s.Kind {
	case engine.StepMapIteration:
		name = s.Name + " iteration " + strconv.Itoa(s.Index)
		attrs = []attribute.KeyValue{AttrStateName.String(s.Name), AttrMapIndex.Int(s.Index)}
	case engine.StepParallelBranch:
		name = s.Name + " branch " + strconv.Itoa(s.Index)
		attrs = []attribute.KeyValue{AttrStateName.String(s.Name), AttrBranchIndex.Int(s.Index)}
	default:
		name = s.Type + " " + s.Name
		attrs = []attribute.KeyValue{AttrStateName.String(s.Name), AttrStateType.String(s.Type)}
	}
	ctx, _ = o.t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return ctx
}

func (o observer) End(ctx context.Context, s engine.Step, e engine.StepEnd) {
	if !o.t.tracing {
		return
	}
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	if s.Kind == engine.StepState {
		span.SetAttributes(AttrRetryCount.Int(e.Retries))
	}
	if e.Error != "" {
		// A caught error still marks the state's span: the state failed, the execution went on.
		span.SetAttributes(AttrErrorType.String(e.Error))
		span.SetStatus(codes.Error, e.Cause)
	}
	span.End()
}
