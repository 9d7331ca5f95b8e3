package telemetry

import (
	"context"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// ExecutorStats are the executor's running totals, observed at each collection.
type ExecutorStats struct {
	Started, SyncStarted        int64
	Succeeded, Failed, TimedOut int64
	InFlight                    int64
	Redelivered, MaxDelivered   int64
	StoreErrors, Triggered      int64
	Refused, TooLarge           int64
	Deduplicated                int64
	SyncBusy, SyncDropped       int64
	// Pending and AckPending are the executions consumer's backlog and unacknowledged starts;
	// negative when unknown (the consumer could not be asked).
	Pending, AckPending int64
}

// Names of the executor's metrics; the first ones are stepjet's original /metrics names, kept.
const (
	MetricExecutionsStarted     = "stepjet_executions_started_total"
	MetricSyncExecutionsStarted = "stepjet_sync_executions_started_total"
	MetricExecutionsCompleted   = "stepjet_executions_completed_total"
	MetricExecutionsInFlight    = "stepjet_executions_inflight"
	MetricStartsRedelivered     = "stepjet_starts_redelivered_total"
	MetricStartsMaxDelivered    = "stepjet_starts_max_delivered_total"
	MetricResultStoreErrors     = "stepjet_result_store_errors_total"
	MetricTriggered             = "stepjet_triggered_total"
	MetricStartsRefused         = "stepjet_starts_refused_total"
	MetricSyncBusy              = "stepjet_sync_busy_total"
	MetricSyncDropped           = "stepjet_sync_dropped_total"
	MetricResultsTooLarge       = "stepjet_results_too_large_total"
	MetricResultsDeduplicated   = "stepjet_results_deduplicated_total"
	MetricConsumerPending       = "stepjet_consumer_pending_messages"
	MetricConsumerAckPending    = "stepjet_consumer_ack_pending_messages"
	MetricNATSConnected         = "stepjet_nats_connected"
	MetricNATSReconnects        = "stepjet_nats_reconnects_total"
	MetricRecordsWritten        = "stepjet_records_written_total"
	MetricRecordsDropped        = "stepjet_records_dropped_total"
	MetricLimitWaiting          = "stepjet_limit_waiting_executions"
	MetricLimitRunning          = "stepjet_limit_running_executions"
	MetricLimitThrottled        = "stepjet_limit_sync_throttled_total"
)

// ObserveExecutor reports the executor's totals, read by stats at each collection. It returns
// a function that stops reporting them.
func (t *Telemetry) ObserveExecutor(stats func(ctx context.Context) ExecutorStats) (stop func(), err error) {
	if t == nil {
		return func() {}, nil
	}
	m := t.meter
	counter := func(name, desc string) metric.Int64ObservableCounter {
		c, e := m.Int64ObservableCounter(name, metric.WithDescription(desc))
		if err == nil {
			err = e
		}
		return c
	}
	gauge := func(name, desc string) metric.Int64ObservableGauge {
		g, e := m.Int64ObservableGauge(name, metric.WithDescription(desc))
		if err == nil {
			err = e
		}
		return g
	}
	started := counter(MetricExecutionsStarted, "Async executions started.")
	syncStarted := counter(MetricSyncExecutionsStarted, "Sync executions started.")
	completed := counter(MetricExecutionsCompleted, "Executions completed, by status.")
	redelivered := counter(MetricStartsRedelivered, "Starts delivered more than once.")
	maxDelivered := counter(MetricStartsMaxDelivered, "Starts failed after MaxDeliver deliveries.")
	storeErrors := counter(MetricResultStoreErrors, "Results that could not be stored (their starts are redelivered).")
	triggered := counter(MetricTriggered, "Trigger messages turned into starts.")
	refused := counter(MetricStartsRefused, "Starts whose subject names no valid machine (terminated, or answered with an error).")
	syncBusy := counter(MetricSyncBusy, "Sync requests answered ThrottlingException because the sync queue was full.")
	syncDropped := counter(MetricSyncDropped, "Queued sync requests dropped because their caller had stopped waiting.")
	tooLarge := counter(MetricResultsTooLarge, "Results over NATS's max payload, stored as States.DataLimitExceeded.")
	deduped := counter(MetricResultsDeduplicated, "Results of redelivered executions the results stream de-duplicated (stored once), among results stored one by one; fast-ingest batches report no duplicates.")
	inflight := gauge(MetricExecutionsInFlight, "Executions running now.")
	pending := gauge(MetricConsumerPending, "Starts waiting on the executions consumer (its backlog).")
	ackPending := gauge(MetricConsumerAckPending, "Starts delivered to executors and not yet acknowledged.")
	if err != nil {
		return nil, err
	}
	status := func(s string) metric.ObserveOption {
		return metric.WithAttributeSet(attribute.NewSet(attrStatus.String(s)))
	}
	succeeded, failed, timedOut := status("SUCCEEDED"), status("FAILED"), status("TIMED_OUT")
	reg, err := m.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		s := stats(ctx)
		o.ObserveInt64(started, s.Started)
		o.ObserveInt64(syncStarted, s.SyncStarted)
		o.ObserveInt64(completed, s.Succeeded, succeeded)
		o.ObserveInt64(completed, s.Failed, failed)
		o.ObserveInt64(completed, s.TimedOut, timedOut)
		o.ObserveInt64(inflight, s.InFlight)
		o.ObserveInt64(redelivered, s.Redelivered)
		o.ObserveInt64(maxDelivered, s.MaxDelivered)
		o.ObserveInt64(storeErrors, s.StoreErrors)
		o.ObserveInt64(triggered, s.Triggered)
		o.ObserveInt64(refused, s.Refused)
		o.ObserveInt64(syncBusy, s.SyncBusy)
		o.ObserveInt64(syncDropped, s.SyncDropped)
		o.ObserveInt64(tooLarge, s.TooLarge)
		o.ObserveInt64(deduped, s.Deduplicated)
		if s.Pending >= 0 {
			o.ObserveInt64(pending, s.Pending)
		}
		if s.AckPending >= 0 {
			o.ObserveInt64(ackPending, s.AckPending)
		}
		return nil
	}, started, syncStarted, completed, inflight, redelivered, maxDelivered, storeErrors, triggered, pending, ackPending,
		refused, syncBusy, syncDropped, tooLarge, deduped)
	if err != nil {
		return nil, err
	}
	return func() { _ = reg.Unregister() }, nil
}

// ObserveNATS reports nc's state: connected (1 or 0) and reconnections.
func (t *Telemetry) ObserveNATS(nc *nats.Conn) (stop func(), err error) {
	if t == nil {
		return func() {}, nil
	}
	connected, err := t.meter.Int64ObservableGauge(MetricNATSConnected, metric.WithDescription("Whether the NATS connection is up."))
	if err != nil {
		return nil, err
	}
	reconnects, err := t.meter.Int64ObservableCounter(MetricNATSReconnects, metric.WithDescription("NATS reconnections."))
	if err != nil {
		return nil, err
	}
	reg, err := t.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		up := int64(0)
		if nc.IsConnected() {
			up = 1
		}
		o.ObserveInt64(connected, up)
		o.ObserveInt64(reconnects, int64(nc.Stats().Reconnects))
		return nil
	}, connected, reconnects)
	if err != nil {
		return nil, err
	}
	return func() { _ = reg.Unregister() }, nil
}

// ObserveRecords reports the execution records kept and dropped (package transport/records)
// from stats, read at each collection. stop unregisters it.
func (t *Telemetry) ObserveRecords(stats func() (written, dropped int64)) (stop func(), err error) {
	if t == nil {
		return func() {}, nil
	}
	written, err := t.meter.Int64ObservableCounter(MetricRecordsWritten, metric.WithDescription("Execution record and history messages published."))
	if err != nil {
		return nil, err
	}
	dropped, err := t.meter.Int64ObservableCounter(MetricRecordsDropped, metric.WithDescription("Execution records and history events not kept (queue full, store refused or slow)."))
	if err != nil {
		return nil, err
	}
	reg, err := t.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		w, d := stats()
		o.ObserveInt64(written, w)
		o.ObserveInt64(dropped, d)
		return nil
	}, written, dropped)
	if err != nil {
		return nil, err
	}
	return func() { _ = reg.Unregister() }, nil
}

// LimitStats are one limited machine's figures (see package transport/limits).
type LimitStats struct {
	Machine string
	// Waiting are its starts waiting for their turn, Running its executions running (started
	// and not yet acknowledged), across every executor; negative when unknown.
	Waiting, Running int64
	// Throttled are the sync starts this process refused with ThrottlingException.
	Throttled int64
}

// ObserveLimits reports the limited machines' figures, read by stats at each collection,
// labelled by state_machine (the machines with limits: a set the operator chose). stop
// unregisters it.
func (t *Telemetry) ObserveLimits(stats func(ctx context.Context) []LimitStats) (stop func(), err error) {
	if t == nil {
		return func() {}, nil
	}
	m := t.meter
	waiting, err := m.Int64ObservableGauge(MetricLimitWaiting, metric.WithDescription("Executions waiting on their state machine's limits (max-concurrency, max-start-rate), by state machine."))
	if err != nil {
		return nil, err
	}
	running, err := m.Int64ObservableGauge(MetricLimitRunning, metric.WithDescription("Executions of a limited state machine running now across every executor, by state machine."))
	if err != nil {
		return nil, err
	}
	throttled, err := m.Int64ObservableCounter(MetricLimitThrottled, metric.WithDescription("Sync starts refused with ThrottlingException by their state machine's limits, by state machine."))
	if err != nil {
		return nil, err
	}
	reg, err := m.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		for _, s := range stats(ctx) {
			opt := metric.WithAttributeSet(attribute.NewSet(attrMachine.String(s.Machine)))
			if s.Waiting >= 0 {
				o.ObserveInt64(waiting, s.Waiting, opt)
			}
			if s.Running >= 0 {
				o.ObserveInt64(running, s.Running, opt)
			}
			o.ObserveInt64(throttled, s.Throttled, opt)
		}
		return nil
	}, waiting, running, throttled)
	if err != nil {
		return nil, err
	}
	return func() { _ = reg.Unregister() }, nil
}
