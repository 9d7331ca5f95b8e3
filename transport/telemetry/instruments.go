package telemetry

import (
	"context"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metric label keys. Metrics never carry an execution ARN or name: only bounded sets.
const (
	attrStatus      = attribute.Key("status")
	attrMachine     = attribute.Key("state_machine")
	attrStateType   = attribute.Key("state_type")
	attrIntegration = attribute.Key("integration")
	attrOperation   = attribute.Key("operation")
	attrCode        = attribute.Key("code")
)

// durationBuckets (seconds) reach the 5-minute Express deadline.
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// Metric names as Prometheus shows them (the exporter adds no suffix to names that already end
// in their unit or _total). Dashboards and alerts use these.
const (
	MetricExecutionDuration = "stepjet_execution_duration_seconds"
	MetricStateTransitions  = "stepjet_state_transitions_total"
	MetricTaskDuration      = "stepjet_task_duration_seconds"
	MetricTaskErrors        = "stepjet_task_errors_total"
	MetricAPIDuration       = "stepjet_api_request_duration_seconds"
	MetricSyncDuration      = "stepjet_sync_request_duration_seconds"
)

// instruments are the synchronous instruments; the executor's counters are observed (see
// ObserveExecutor).
type instruments struct {
	execDuration metric.Float64Histogram
	// transitions counts states entered by type (stateTypes' order) with atomics, read by an
	// observable counter at collection: a state transition is the engine's hottest event.
	transitions  [len(stateTypes)]atomic.Int64
	taskDuration metric.Float64Histogram
	taskErrors   metric.Int64Counter
	apiDuration  metric.Float64Histogram
	syncDuration metric.Float64Histogram
}

func newInstruments(m metric.Meter, ins *instruments) {
	// The noop and SDK meters only fail on invalid names, which these are not.
	ins.execDuration, _ = m.Float64Histogram(MetricExecutionDuration, metric.WithUnit("s"),
		metric.WithDescription("Execution duration from start to result, by status and state machine."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	ins.taskDuration, _ = m.Float64Histogram(MetricTaskDuration, metric.WithUnit("s"),
		metric.WithDescription("Task invocation duration, by integration."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	ins.taskErrors, _ = m.Int64Counter(MetricTaskErrors,
		metric.WithDescription("Task invocations that failed, by integration."))
	ins.apiDuration, _ = m.Float64Histogram(MetricAPIDuration, metric.WithUnit("s"),
		metric.WithDescription("Step Functions API request duration, by operation and HTTP status code."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	ins.syncDuration, _ = m.Float64Histogram(MetricSyncDuration, metric.WithUnit("s"),
		metric.WithDescription("Sync execution requests, from receipt to reply, by status."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
}

// stateTypes are ASL's state types, the state_type label's values.
var stateTypes = [...]string{"Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}

func stateTypeIndex(typ string) int {
	for i, t := range stateTypes {
		if t == typ {
			return i
		}
	}
	return -1
}

// observeTransitions reports the transition counts at each collection.
func (t *Telemetry) observeTransitions() {
	c, err := t.meter.Int64ObservableCounter(MetricStateTransitions, metric.WithDescription("States entered, by state type."))
	if err != nil {
		return
	}
	var opts [len(stateTypes)]metric.ObserveOption
	for i, typ := range stateTypes {
		opts[i] = metric.WithAttributeSet(attribute.NewSet(attrStateType.String(typ)))
	}
	_, _ = t.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for i := range stateTypes {
			if n := t.ins.transitions[i].Load(); n > 0 {
				o.ObserveInt64(c, n, opts[i])
			}
		}
		return nil
	}, c)
}
