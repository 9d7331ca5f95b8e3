// Package tracectx carries W3C trace context across NATS and reads AWS's trace headers. It
// depends only on the OpenTelemetry API and nats.go, so a worker can use it without the SDK.
//
// NATS headers are case-sensitive: Inject writes the lowercase keys W3C names
// ("traceparent", "tracestate"), and Extract also reads a client's "Traceparent".
package tracectx

import (
	"context"
	"net/textproto"
	"strings"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/propagation"
)

// propagator is W3C Trace Context: traceparent and tracestate.
var propagator = propagation.TraceContext{}

// Propagator is the W3C Trace Context propagator stepjet uses everywhere.
func Propagator() propagation.TextMapPropagator { return propagator }

// Header adapts NATS headers to OTel's TextMapCarrier. NATS headers are case-sensitive and kept
// as written, while OTel's HTTP carrier (and nats.Header.Set) canonicalize keys to
// "Traceparent", which a W3C reader on the other side does not find. Set writes the key as the
// propagator gives it (lowercase); Get finds it in any case, so a client that sent "Traceparent"
// is still read.
type Header nats.Header

// Get returns the first value of key, matched exactly, then canonically, then in any case.
func (h Header) Get(key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	if v := h[textproto.CanonicalMIMEHeaderKey(key)]; len(v) > 0 {
		return v[0]
	}
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, key) {
			return v[0]
		}
	}
	return ""
}

// Set replaces key's value, removing any other spelling of the same key.
func (h Header) Set(key, value string) {
	for k := range h {
		if k != key && strings.EqualFold(k, key) {
			delete(h, k)
		}
	}
	h[key] = []string{value}
}

// Keys lists the header's keys.
func (h Header) Keys() []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	return keys
}

// Inject writes the trace context of ctx's span (traceparent, and tracestate when there is one)
// into h. Without a valid span context it writes nothing.
func Inject(ctx context.Context, h nats.Header) {
	if h == nil {
		return
	}
	propagator.Inject(ctx, Header(h))
}

// Extract returns ctx carrying the remote span context found in h, or ctx unchanged.
func Extract(ctx context.Context, h nats.Header) context.Context {
	if len(h) == 0 {
		return ctx
	}
	return propagator.Extract(ctx, Header(h))
}

// ContextWithTraceParent returns ctx carrying the remote span context of a W3C traceparent (and
// tracestate) value, or ctx unchanged when traceparent is empty or not valid.
func ContextWithTraceParent(ctx context.Context, traceparent, tracestate string) context.Context {
	if traceparent == "" {
		return ctx
	}
	c := propagation.MapCarrier{"traceparent": traceparent}
	if tracestate != "" {
		c["tracestate"] = tracestate
	}
	return propagator.Extract(ctx, c)
}

// TraceParent returns the W3C traceparent of ctx's span context, or "" when it has none.
func TraceParent(ctx context.Context) string {
	c := propagation.MapCarrier{}
	propagator.Inject(ctx, c)
	return c["traceparent"]
}
