package telemetry

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"go.opentelemetry.io/otel/trace"
)

const (
	w3cParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	traceID   = "0af7651916cd43dd8448eb211c80319c"
)

func TestRequestContext(t *testing.T) {
	h := http.Header{}
	h.Set(HeaderXRay, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
	if sc := trace.SpanContextFromContext(RequestContext(context.Background(), h)); sc.TraceID().String() != "5759e988bd862e3fe1be46a994272793" {
		t.Errorf("X-Amzn-Trace-Id not read: %v", sc)
	}
	h.Set("traceparent", w3cParent) // W3C wins over X-Ray
	if sc := trace.SpanContextFromContext(RequestContext(context.Background(), h)); sc.TraceID().String() != traceID {
		t.Errorf("traceparent not read: %v", sc)
	}
}

func TestLogHandlerAddsTraceIDs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil))).With("component", "executor")
	ctx := tracectx.ContextWithTraceParent(context.Background(), w3cParent, "")
	log.InfoContext(ctx, "inside")
	log.Info("outside")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"trace_id":"`+traceID+`"`) || !strings.Contains(lines[0], `"span_id":"b7ad6b7169203331"`) {
		t.Fatalf("log lines: %q", lines)
	}
	if strings.Contains(lines[1], "trace_id") {
		t.Fatalf("a record outside any span has a trace id: %s", lines[1])
	}
}
