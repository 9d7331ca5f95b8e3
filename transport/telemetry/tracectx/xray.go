package tracectx

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/trace"
)

// ParseTraceHeader reads a trace header as AWS accepts it in StartExecution's traceHeader and in
// X-Amzn-Trace-Id: either a W3C traceparent ("00-<trace>-<span>-<flags>") or an X-Ray header
// ("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"). An X-Ray
// trace id is the W3C one with its epoch and random parts joined, so the trace continues under
// the same id in either system. ok is false when h is neither, or names no parent span.
func ParseTraceHeader(h string) (sc trace.SpanContext, ok bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return sc, false
	}
	if strings.Contains(h, "Root=") {
		return parseXRay(h)
	}
	ctx := ContextWithTraceParent(context.Background(), h, "")
	sc = trace.SpanContextFromContext(ctx)
	return sc, sc.IsValid()
}

func parseXRay(h string) (trace.SpanContext, bool) {
	var root, parent, sampled string
	for _, part := range strings.Split(h, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Root":
			root = v
		case "Parent":
			parent = v
		case "Sampled":
			sampled = v
		}
	}
	// Root=1-<8 hex epoch>-<24 hex random>
	ver, rest, ok1 := strings.Cut(root, "-")
	epoch, random, ok2 := strings.Cut(rest, "-")
	if !ok1 || !ok2 || ver != "1" || len(epoch) != 8 || len(random) != 24 {
		return trace.SpanContext{}, false
	}
	tid, err := trace.TraceIDFromHex(epoch + random)
	if err != nil {
		return trace.SpanContext{}, false
	}
	sid, err := trace.SpanIDFromHex(parent)
	if err != nil {
		return trace.SpanContext{}, false
	}
	cfg := trace.SpanContextConfig{TraceID: tid, SpanID: sid, Remote: true}
	if sampled == "1" {
		cfg.TraceFlags = trace.FlagsSampled
	}
	sc := trace.NewSpanContext(cfg)
	return sc, sc.IsValid()
}

// ContextWithTraceHeader returns ctx carrying the remote span context h names (W3C or X-Ray),
// or ctx unchanged.
func ContextWithTraceHeader(ctx context.Context, h string) context.Context {
	if sc, ok := ParseTraceHeader(h); ok {
		return trace.ContextWithRemoteSpanContext(ctx, sc)
	}
	return ctx
}
