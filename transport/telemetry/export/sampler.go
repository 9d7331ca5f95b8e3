package export

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/transport/telemetry"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// DefaultSampler is the sampler when OTEL_TRACES_SAMPLER is unset. As AWS does for X-Ray, a
// trace is recorded when the caller's context is sampled or the state machine enables tracing
// (machineSampler); nothing else starts a trace. parentbased_always_on traces every API
// request and execution.
const DefaultSampler = "parentbased_always_off"

// sampler builds OTEL_TRACES_SAMPLER's sampler (the standard names and OTEL_TRACES_SAMPLER_ARG),
// wrapped so that an execution of a machine with tracing enabled is always sampled.
func sampler(env func(string) string) (sdktrace.Sampler, error) {
	name := strings.TrimSpace(env("OTEL_TRACES_SAMPLER"))
	if name == "" {
		name = DefaultSampler
	}
	ratio := func() (float64, error) {
		arg := strings.TrimSpace(env("OTEL_TRACES_SAMPLER_ARG"))
		if arg == "" {
			return 1, nil
		}
		r, err := strconv.ParseFloat(arg, 64)
		if err != nil || r < 0 || r > 1 {
			return 0, fmt.Errorf("OTEL_TRACES_SAMPLER_ARG %q is not a ratio between 0 and 1", arg)
		}
		return r, nil
	}
	var base sdktrace.Sampler
	switch name {
	case "always_on":
		base = sdktrace.AlwaysSample()
	case "always_off":
		base = sdktrace.NeverSample()
	case "traceidratio":
		r, err := ratio()
		if err != nil {
			return nil, err
		}
		base = sdktrace.TraceIDRatioBased(r)
	case "parentbased_always_on":
		base = sdktrace.ParentBased(sdktrace.AlwaysSample())
	case "parentbased_always_off":
		base = sdktrace.ParentBased(sdktrace.NeverSample())
	case "parentbased_traceidratio":
		r, err := ratio()
		if err != nil {
			return nil, err
		}
		base = sdktrace.ParentBased(sdktrace.TraceIDRatioBased(r))
	default:
		return nil, fmt.Errorf("OTEL_TRACES_SAMPLER %q is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio", name)
	}
	return machineSampler{base}, nil
}

// machineSampler samples every span that starts with stepjet.state_machine.tracing=true (the
// execution span of a machine whose tracingConfiguration is enabled); the rest is base's call.
// The states below such a span follow it through the parent-based samplers.
type machineSampler struct{ base sdktrace.Sampler }

func (s machineSampler) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	for _, a := range p.Attributes {
		if a.Key == telemetry.AttrMachineTracing && a.Value.AsBool() {
			return sdktrace.SamplingResult{Decision: sdktrace.RecordAndSample,
				Tracestate: trace.SpanContextFromContext(p.ParentContext).TraceState()}
		}
	}
	return s.base.ShouldSample(p)
}

func (s machineSampler) Description() string {
	return "StepjetMachineTracing{" + s.base.Description() + "}"
}
