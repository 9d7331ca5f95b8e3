package telemetry

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// HeaderXRay is AWS's trace header on HTTP requests.
const HeaderXRay = "X-Amzn-Trace-Id"

// RequestContext returns ctx carrying the trace context an HTTP request came with: W3C
// traceparent/tracestate, or else an X-Amzn-Trace-Id in X-Ray or W3C form.
func RequestContext(ctx context.Context, h http.Header) context.Context {
	if h.Get("traceparent") != "" {
		out := tracectx.Propagator().Extract(ctx, propagation.HeaderCarrier(h))
		if trace.SpanContextFromContext(out).IsValid() {
			return out
		}
	}
	if x := h.Get(HeaderXRay); x != "" {
		return tracectx.ContextWithTraceHeader(ctx, x)
	}
	return ctx
}

// RequestSpan is one API request's span and clock. Its zero value records nothing.
type RequestSpan struct {
	t     *Telemetry
	span  trace.Span
	start time.Time
	op    string
}

// StartRequest begins the SERVER span of one Step Functions API call, as a child of the trace
// context the request came with (RequestContext), and starts its clock. operation must come
// from a bounded set (the API's operation names, or "unknown"): it labels a metric.
func (t *Telemetry) StartRequest(ctx context.Context, r *http.Request, operation string) (context.Context, RequestSpan) {
	if t == nil {
		return ctx, RequestSpan{}
	}
	s := RequestSpan{t: t, start: time.Now(), op: operation}
	if !t.tracing {
		return ctx, s
	}
	ctx = RequestContext(ctx, r.Header)
	ctx, s.span = t.tracer.Start(ctx, "AWSStepFunctions."+operation, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			attribute.String("rpc.system", "aws-api"),
			attribute.String("rpc.service", "AWSStepFunctions"),
			attribute.String("rpc.method", operation),
			attribute.String("http.request.method", r.Method),
			attribute.String("url.path", r.URL.Path),
		))
	return ctx, s
}

// End records the response: its HTTP status, and the AWS error name when it is an error.
func (s RequestSpan) End(status int, errorName string) {
	if s.t == nil {
		return
	}
	s.t.ins.apiDuration.Record(context.Background(), time.Since(s.start).Seconds(),
		metric.WithAttributes(attrOperation.String(s.op), attrCode.String(strconv.Itoa(status))))
	if s.span == nil {
		return
	}
	s.span.SetAttributes(attribute.Int("http.response.status_code", status))
	if errorName != "" {
		s.span.SetAttributes(AttrErrorType.String(errorName))
		if status >= 500 {
			s.span.SetStatus(codes.Error, errorName)
		}
	}
	s.span.End()
}

// RecordSync records one sync execution request's latency, from receipt to reply, by status.
func (t *Telemetry) RecordSync(d time.Duration, status string) {
	if t == nil {
		return
	}
	t.ins.syncDuration.Record(context.Background(), d.Seconds(), metric.WithAttributes(attrStatus.String(status)))
}
