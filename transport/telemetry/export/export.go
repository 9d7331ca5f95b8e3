// Package export sets up OpenTelemetry for a stepjet process the standard way: from the OTEL_*
// environment variables. Metrics are always recorded and served in the Prometheus text format
// (Handler, mounted at /metrics); traces, and metrics over OTLP, are exported only when an OTLP
// endpoint is configured.
//
//	p, err := export.Setup(ctx, export.Options{})
//	defer p.Shutdown(context.Background())
//	mux.Handle("GET /metrics", p.Handler)
//	ex, _ := executor.New(executor.Config{Telemetry: p.Telemetry, ...})
//
// Variables read (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/):
// OTEL_SDK_DISABLED; OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and
// OTEL_EXPORTER_OTLP_METRICS_ENDPOINT (setting one turns that export on), their _HEADERS,
// _TIMEOUT, _COMPRESSION, _CERTIFICATE and _PROTOCOL variants; OTEL_TRACES_EXPORTER and
// OTEL_METRICS_EXPORTER ("none" turns an export off); OTEL_TRACES_SAMPLER(_ARG) (default
// parentbased_always_off: see DefaultSampler);
// OTEL_SERVICE_NAME (default "stepjet") and OTEL_RESOURCE_ATTRIBUTES; OTEL_METRIC_EXPORT_INTERVAL;
// OTEL_BSP_* for the span batcher.
package export

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/stepjet/stepjet/transport/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// DefaultServiceName is service.name when OTEL_SERVICE_NAME does not set one.
const DefaultServiceName = "stepjet"

// Options configure Setup. The zero value works.
type Options struct {
	// ServiceVersion is service.version on every span and metric.
	ServiceVersion string
	// MachineLabels caps the state_machine label (telemetry.Options.MachineLabels).
	MachineLabels int
	// Getenv reads the configuration (default os.Getenv). The OTLP exporters read their other
	// settings (headers, timeouts, TLS) from the process environment.
	Getenv func(string) string
}

// Providers is a process's telemetry, ready to use.
type Providers struct {
	// Telemetry makes stepjet's spans and records its metrics.
	Telemetry *telemetry.Telemetry
	// Handler serves the metrics in the Prometheus text format (/metrics).
	Handler http.Handler
	// Registry holds the metrics Handler serves.
	Registry *prometheus.Registry
	// Traces and Metrics say which OTLP exports are on (for the startup log).
	Traces, Metrics bool

	tp       *sdktrace.TracerProvider
	mp       *sdkmetric.MeterProvider
	shutdown []func(context.Context) error
}

// Setup builds the providers the environment asks for.
func Setup(ctx context.Context, o Options) (*Providers, error) {
	env := o.Getenv
	if env == nil {
		env = os.Getenv
	}
	p := &Providers{Registry: prometheus.NewRegistry()}
	disabled := strings.EqualFold(env("OTEL_SDK_DISABLED"), "true")
	res, err := newResource(ctx, o.ServiceVersion)
	if err != nil {
		return nil, err
	}

	// Metrics: always to /metrics; to OTLP when an endpoint is set.
	if err := p.Registry.Register(collectors.NewGoCollector()); err != nil {
		return nil, err
	}
	if err := p.Registry.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, err
	}
	promExp, err := otelprom.New(otelprom.WithRegisterer(p.Registry), otelprom.WithoutScopeInfo())
	if err != nil {
		return nil, fmt.Errorf("prometheus exporter: %w", err)
	}
	mopts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithReader(promExp)}
	if !disabled && wants(env, "METRICS") {
		if err := checkProtocol(env, "METRICS"); err != nil {
			return nil, err
		}
		exp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(endpoint(env, "METRICS")))
		if err != nil {
			return nil, fmt.Errorf("OTLP metric exporter: %w", err)
		}
		mopts = append(mopts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)))
		p.Metrics = true
	}
	p.mp = sdkmetric.NewMeterProvider(mopts...)
	p.shutdown = append(p.shutdown, p.mp.Shutdown)

	topts := telemetry.Options{MeterProvider: p.mp, MachineLabels: o.MachineLabels}
	if !disabled && wants(env, "TRACES") {
		if err := checkProtocol(env, "TRACES"); err != nil {
			return nil, err
		}
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint(env, "TRACES")))
		if err != nil {
			return nil, fmt.Errorf("OTLP trace exporter: %w", err)
		}
		smp, err := sampler(env)
		if err != nil {
			return nil, err
		}
		p.tp = sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithBatcher(exp), sdktrace.WithSampler(smp))
		p.shutdown = append(p.shutdown, p.tp.Shutdown)
		topts.TracerProvider = p.tp
		p.Traces = true
	}
	p.Telemetry = telemetry.New(topts)
	p.Handler = promhttp.HandlerFor(p.Registry, promhttp.HandlerOpts{})
	return p, nil
}

// wants says whether signal (TRACES or METRICS) is to be exported over OTLP: an endpoint is
// set for it and its OTEL_<signal>_EXPORTER is not "none".
func wants(env func(string) string, signal string) bool {
	if e := strings.TrimSpace(env("OTEL_" + signal + "_EXPORTER")); e != "" && !strings.Contains(e, "otlp") {
		return false
	}
	return env("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || env("OTEL_EXPORTER_OTLP_"+signal+"_ENDPOINT") != ""
}

// endpoint is signal's OTLP URL: OTEL_EXPORTER_OTLP_<signal>_ENDPOINT as it is, or the base
// OTEL_EXPORTER_OTLP_ENDPOINT with /v1/traces or /v1/metrics appended, as the spec says.
// (Passed explicitly, so a Getenv other than the process's is obeyed.)
func endpoint(env func(string) string, signal string) string {
	if u := env("OTEL_EXPORTER_OTLP_" + signal + "_ENDPOINT"); u != "" {
		return u
	}
	return strings.TrimSuffix(env("OTEL_EXPORTER_OTLP_ENDPOINT"), "/") + "/v1/" + strings.ToLower(signal)
}

// checkProtocol refuses a protocol stepjet does not speak rather than sending to nowhere.
func checkProtocol(env func(string) string, signal string) error {
	p := env("OTEL_EXPORTER_OTLP_" + signal + "_PROTOCOL")
	if p == "" {
		p = env("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	if p != "" && p != "http/protobuf" {
		return fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q is not supported: stepjet exports OTLP over HTTP (http/protobuf; a collector listens for it on port 4318)", p)
	}
	return nil
}

func newResource(ctx context.Context, version string) (*resource.Resource, error) {
	attrs := []attribute.KeyValue{attribute.String("service.name", DefaultServiceName)}
	if version != "" {
		attrs = append(attrs, attribute.String("service.version", version))
	}
	// Later detectors win: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the default.
	res, err := resource.New(ctx, resource.WithAttributes(attrs...), resource.WithTelemetrySDK(), resource.WithHost(), resource.WithFromEnv())
	if err != nil && res == nil {
		return nil, fmt.Errorf("telemetry resource: %w", err)
	}
	return res, nil
}

// ForceFlush exports every span and metric recorded so far.
func (p *Providers) ForceFlush(ctx context.Context) error {
	var errs []error
	if p.tp != nil {
		errs = append(errs, p.tp.ForceFlush(ctx))
	}
	if p.mp != nil {
		errs = append(errs, p.mp.ForceFlush(ctx))
	}
	return errors.Join(errs...)
}

// Shutdown flushes and stops the exporters.
func (p *Providers) Shutdown(ctx context.Context) error {
	var errs []error
	for _, f := range p.shutdown {
		errs = append(errs, f(ctx))
	}
	return errors.Join(errs...)
}
