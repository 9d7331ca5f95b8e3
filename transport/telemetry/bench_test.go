package telemetry

import (
	"context"
	"testing"

	"github.com/stepjet/stepjet/engine"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

const benchDef = `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"T"},
	"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Next":"C"},
	"C":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Done"}],"Default":"Done"},
	"Done":{"Type":"Succeed"}}}`

// benchRun runs benchDef once per iteration the way the executor does, under tel (nil: none).
func benchRun(b *testing.B, tel *Telemetry) {
	m, err := engine.Compile([]byte(benchDef), engine.CompileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	tasks := tel.Tasks(engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) { return []byte(`{"ok":true}`), nil }))
	opts := engine.RunOptions{Tasks: tasks, Observer: tel.Observer()}
	input := []byte(`{"ok":true}`)
	b.ReportAllocs()
	for b.Loop() {
		ctx, span := tel.StartExecution(context.Background(), Execution{Arn: "arn", Name: "n", MachineName: "m", Attempt: 1})
		res := m.Run(ctx, input, opts)
		span.End(res)
	}
}

// BenchmarkExecutionNoTelemetry is the baseline: no Observer, no task wrapper.
func BenchmarkExecutionNoTelemetry(b *testing.B) { benchRun(b, nil) }

// BenchmarkExecutionMetrics is serve without an OTLP endpoint: metrics on, no spans.
func BenchmarkExecutionMetrics(b *testing.B) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	benchRun(b, New(Options{MeterProvider: mp}))
}

// BenchmarkExecutionTraced: every execution traced (4 states, 1 task: 6 spans), spans
// discarded by an exporter that keeps nothing.
func BenchmarkExecutionTraced(b *testing.B) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discard{}))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	benchRun(b, New(Options{MeterProvider: mp, TracerProvider: tp}))
}

type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }
