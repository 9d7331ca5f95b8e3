package executor

import (
	"fmt"
	"io"
	"sync/atomic"
)

type metrics struct {
	started, syncStarted, succeeded, failed, timedOut atomic.Int64
	redelivered, maxDelivered, storeErrors            atomic.Int64
	triggered                                         atomic.Int64
	refused, syncBusy, syncDropped, tooLarge          atomic.Int64
	deduplicated                                      atomic.Int64
	inflight                                          atomic.Int64
}

// WriteMetrics writes the executor's counters in the Prometheus text format.
func (e *Executor) WriteMetrics(w io.Writer) {
	m := &e.metrics
	emit := func(name, typ, help string, v int64, labels string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s%s %d\n", name, help, name, typ, name, labels, v)
	}
	emit("stepjet_executions_started_total", "counter", "Async executions started.", m.started.Load(), "")
	emit("stepjet_sync_executions_started_total", "counter", "Sync executions started.", m.syncStarted.Load(), "")
	fmt.Fprintf(w, "# HELP stepjet_executions_completed_total Executions completed, by status.\n# TYPE stepjet_executions_completed_total counter\n")
	fmt.Fprintf(w, "stepjet_executions_completed_total{status=\"SUCCEEDED\"} %d\n", m.succeeded.Load())
	fmt.Fprintf(w, "stepjet_executions_completed_total{status=\"FAILED\"} %d\n", m.failed.Load())
	fmt.Fprintf(w, "stepjet_executions_completed_total{status=\"TIMED_OUT\"} %d\n", m.timedOut.Load())
	emit("stepjet_executions_inflight", "gauge", "Executions running now.", m.inflight.Load(), "")
	emit("stepjet_starts_redelivered_total", "counter", "Starts delivered more than once.", m.redelivered.Load(), "")
	emit("stepjet_starts_max_delivered_total", "counter", "Starts failed after MaxDeliver deliveries.", m.maxDelivered.Load(), "")
	emit("stepjet_result_store_errors_total", "counter", "Results that could not be stored (their starts are redelivered).", m.storeErrors.Load(), "")
	emit("stepjet_starts_refused_total", "counter", "Starts whose subject names no valid machine (terminated, or answered with an error).", m.refused.Load(), "")
	emit("stepjet_sync_busy_total", "counter", "Sync requests answered ThrottlingException because the sync queue was full.", m.syncBusy.Load(), "")
	emit("stepjet_sync_dropped_total", "counter", "Queued sync requests dropped because their caller had stopped waiting.", m.syncDropped.Load(), "")
	emit("stepjet_results_too_large_total", "counter", "Results over NATS's max payload, stored as States.DataLimitExceeded.", m.tooLarge.Load(), "")
	emit("stepjet_triggered_total", "counter", "Trigger messages turned into starts.", m.triggered.Load(), "")
}
