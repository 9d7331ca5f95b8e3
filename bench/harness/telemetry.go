package harness

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/stepjet/stepjet/transport/telemetry/export"
)

// Telemetry settings of the executor under test (EnvConfig.Telemetry).
const (
	// TelemetryOff builds the executor with no telemetry at all.
	TelemetryOff = "off"
	// TelemetryMetrics is what `stepjet serve` runs with no OTLP endpoint: OTel metrics read by
	// the Prometheus exporter, no spans.
	TelemetryMetrics = "metrics"
	// TelemetryTraces adds OTLP trace export of every execution (sampler always_on) to an
	// in-process OTLP/HTTP endpoint that accepts everything.
	TelemetryTraces = "traces"
)

// startTelemetry builds the Telemetry cfg.Telemetry asks for; stop flushes it and ends the
// endpoint.
func startTelemetry(ctx context.Context, mode string) (tel *telemetry.Telemetry, stop func(), err error) {
	switch mode {
	case "", TelemetryOff:
		return nil, func() {}, nil
	case TelemetryMetrics, TelemetryTraces:
	default:
		return nil, nil, fmt.Errorf("--telemetry %q: off, metrics or traces", mode)
	}
	env := map[string]string{}
	var sink *httptest.Server
	if mode == TelemetryTraces {
		sink = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/x-protobuf")
		}))
		env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = sink.URL + "/v1/traces"
		env["OTEL_TRACES_SAMPLER"] = "always_on"
	}
	p, err := export.Setup(ctx, export.Options{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		if sink != nil {
			sink.Close()
		}
		return nil, nil, err
	}
	return p.Telemetry, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = p.Shutdown(sctx)
		cancel()
		if sink != nil {
			sink.Close()
		}
	}, nil
}
