package telemetry

import (
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// ScopeName is the instrumentation scope of stepjet's spans and metrics.
const ScopeName = "github.com/stepjet/stepjet"

// Options configure a Telemetry. The zero value makes neither spans nor metrics.
type Options struct {
	// TracerProvider makes spans; nil makes none.
	TracerProvider trace.TracerProvider
	// MeterProvider records metrics; nil records none.
	MeterProvider metric.MeterProvider
	// MachineLabels caps the distinct state_machine label values metrics carry: the first
	// MachineLabels machines seen get their own name, the rest share "_other". 0 means
	// DefaultMachineLabels; a negative value labels every machine "_other".
	MachineLabels int
}

// DefaultMachineLabels is the state_machine label cap when Options leave it 0.
const DefaultMachineLabels = 100

// otherMachine is the state_machine label of machines over the cap.
const otherMachine = "_other"

// Telemetry makes stepjet's spans and records its metrics. A nil *Telemetry is valid and does
// nothing. It is safe for concurrent use.
type Telemetry struct {
	tracer  trace.Tracer
	tracing bool
	meter   metric.Meter
	ins     instruments

	machineCap int
	mu         sync.RWMutex
	machines   map[string]*machineOpts
	other      *machineOpts
}

// machineOpts are the duration histogram's options for one state_machine label, by status,
// made once so that recording a duration allocates nothing.
type machineOpts struct {
	succeeded, failed, timedOut []metric.RecordOption
}

func newMachineOpts(name string) *machineOpts {
	opts := func(status string) []metric.RecordOption {
		return []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(attrMachine.String(name), attrStatus.String(status)))}
	}
	return &machineOpts{succeeded: opts("SUCCEEDED"), failed: opts("FAILED"), timedOut: opts("TIMED_OUT")}
}

func (m *machineOpts) status(s string) []metric.RecordOption {
	switch s {
	case "SUCCEEDED":
		return m.succeeded
	case "TIMED_OUT":
		return m.timedOut
	}
	return m.failed
}

// New returns a Telemetry for o.
func New(o Options) *Telemetry {
	t := &Telemetry{machineCap: o.MachineLabels, machines: map[string]*machineOpts{}, other: newMachineOpts(otherMachine)}
	if t.machineCap == 0 {
		t.machineCap = DefaultMachineLabels
	}
	tp := o.TracerProvider
	if tp == nil {
		tp = tracenoop.NewTracerProvider()
	} else {
		t.tracing = true
	}
	t.tracer = tp.Tracer(ScopeName)
	mp := o.MeterProvider
	if mp == nil {
		mp = metricnoop.NewMeterProvider()
	}
	t.meter = mp.Meter(ScopeName)
	newInstruments(t.meter, &t.ins)
	t.observeTransitions()
	return t
}

// Tracing says whether spans are made.
func (t *Telemetry) Tracing() bool { return t != nil && t.tracing }

// Tracer is the tracer stepjet's spans come from (a no-op one when tracing is off).
func (t *Telemetry) Tracer() trace.Tracer {
	if t == nil {
		return tracenoop.NewTracerProvider().Tracer(ScopeName)
	}
	return t.tracer
}

// machine is the state_machine label's options for a machine name, within the cap.
func (t *Telemetry) machine(name string) *machineOpts {
	t.mu.RLock()
	m, ok := t.machines[name]
	t.mu.RUnlock()
	if ok {
		return m
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if m, ok = t.machines[name]; ok {
		return m
	}
	if t.machineCap < 0 || len(t.machines) >= t.machineCap {
		return t.other
	}
	m = newMachineOpts(name)
	t.machines[name] = m
	return m
}
