package telemetry

import (
	"context"
	"net/http"
	"strconv"

	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// HTTPRequest prepares an http:invoke request inside a traced task: the task's span takes the
// HTTP client conventions (named after the method; method, server, URL without its query) and
// the request carries the trace context (traceparent). Outside a traced task it does nothing.
func HTTPRequest(ctx context.Context, r *http.Request) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	span.SetName(r.Method)
	u := *r.URL
	u.RawQuery, u.User, u.Fragment = "", nil, "" // a query or user info may hold secrets
	attrs := []attribute.KeyValue{
		attribute.String("http.request.method", r.Method),
		attribute.String("server.address", r.URL.Hostname()),
		attribute.String("url.full", u.String()),
	}
	if p := r.URL.Port(); p != "" {
		if n, err := strconv.Atoi(p); err == nil {
			attrs = append(attrs, attribute.Int("server.port", n))
		}
	}
	span.SetAttributes(attrs...)
	tracectx.Propagator().Inject(ctx, propagation.HeaderCarrier(r.Header))
}

// HTTPResponse records an http:invoke response's status on the task's span.
func HTTPResponse(ctx context.Context, status int) {
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		span.SetAttributes(attribute.Int("http.response.status_code", status))
	}
}
