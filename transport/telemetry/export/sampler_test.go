package export

import (
	"context"
	"testing"

	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func TestSampler(t *testing.T) {
	sampled := tracectx.ContextWithTraceParent(context.Background(), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "")
	unsampled := tracectx.ContextWithTraceParent(context.Background(), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", "")
	machine := []attribute.KeyValue{telemetry.AttrMachineTracing.Bool(true)}
	cases := []struct {
		sampler string
		ctx     context.Context
		attrs   []attribute.KeyValue
		want    bool
	}{
		{"", context.Background(), nil, false}, // no caller, machine not traced: no trace
		{"", context.Background(), machine, true},
		{"", sampled, nil, true},
		{"", unsampled, nil, false},
		{"", unsampled, machine, true},
		{"parentbased_always_on", context.Background(), nil, true},
		{"always_off", sampled, nil, false},
		{"always_off", sampled, machine, true},
	}
	for _, c := range cases {
		s, err := sampler(func(k string) string {
			if k == "OTEL_TRACES_SAMPLER" {
				return c.sampler
			}
			return ""
		})
		if err != nil {
			t.Fatal(err)
		}
		r := s.ShouldSample(sdktrace.SamplingParameters{ParentContext: c.ctx, TraceID: trace.TraceID{1}, Name: "x", Attributes: c.attrs})
		if got := r.Decision == sdktrace.RecordAndSample; got != c.want {
			t.Errorf("sampler %q, caller sampled=%v, attrs %v: sampled=%v, want %v", c.sampler,
				trace.SpanContextFromContext(c.ctx).IsSampled(), c.attrs, got, c.want)
		}
	}
	if _, err := sampler(func(k string) string { return map[string]string{"OTEL_TRACES_SAMPLER": "jaeger_remote"}[k] }); err == nil {
		t.Error("an unknown sampler was accepted")
	}
	if _, err := sampler(func(k string) string {
		return map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "2"}[k]
	}); err == nil {
		t.Error("a ratio of 2 was accepted")
	}
}
