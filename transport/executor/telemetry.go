package executor

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"github.com/stepjet/stepjet/transport/wire"
)

// delivery is how a start reached this executor, for its execution span.
type delivery struct {
	header  nats.Header // the start message's headers (trace context)
	sync    bool
	attempt int // JetStream's delivery count; 0 for sync requests
}

// traceExecution begins an execution's span (when tracing is on and the start's context is
// sampled or its machine asks for tracing) and its clock for the duration histogram.
func (e *Executor) traceExecution(ctx context.Context, st wire.Start, c *compiled, d delivery) (context.Context, telemetry.ExecutionSpan) {
	tel := e.cfg.Telemetry
	if tel == nil {
		return ctx, telemetry.ExecutionSpan{}
	}
	x := telemetry.Execution{Arn: st.Arn, Name: st.Name, MachineArn: st.MachineArn, MachineName: st.Machine, Sync: d.sync, Attempt: d.attempt}
	if x.MachineArn == "" {
		x.MachineArn = e.cfg.Layout.StateMachineArn(st.Machine)
	}
	if c != nil {
		x.Traced = tracingEnabled(c.rec.TracingConfiguration)
		if c.logging.includeData {
			x.IncludeData, x.Input = true, st.Input
		}
	}
	if tel.Tracing() {
		ctx = tracectx.Extract(ctx, d.header)
	}
	return tel.StartExecution(ctx, x)
}

// tracingEnabled reads a machine's tracingConfiguration.enabled.
func tracingEnabled(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var tc struct {
		Enabled bool `json:"enabled"`
	}
	return json.Unmarshal(raw, &tc) == nil && tc.Enabled
}

// observe reports the executor's counters, and its consumer's backlog, at each collection.
func (e *Executor) observe() error {
	stop, err := e.cfg.Telemetry.ObserveExecutor(e.stats)
	if err != nil {
		return err
	}
	stopLimits, err := e.cfg.Telemetry.ObserveLimits(e.limiter.stats)
	if err != nil {
		stop()
		return err
	}
	e.stopObserving = func() { stop(); stopLimits() }
	return nil
}

// stats reads the counters; the consumer's pending counts cost one request to the server.
func (e *Executor) stats(ctx context.Context) telemetry.ExecutorStats {
	m := &e.metrics
	s := telemetry.ExecutorStats{
		Started: m.started.Load(), SyncStarted: m.syncStarted.Load(),
		Succeeded: m.succeeded.Load(), Failed: m.failed.Load(), TimedOut: m.timedOut.Load(),
		InFlight: m.inflight.Load(), Redelivered: m.redelivered.Load(), MaxDelivered: m.maxDelivered.Load(),
		StoreErrors: m.storeErrors.Load(), Triggered: m.triggered.Load(), Refused: m.refused.Load(),
		TooLarge: m.tooLarge.Load(), Deduplicated: m.deduplicated.Load(),
		SyncBusy: m.syncBusy.Load(), SyncDropped: m.syncDropped.Load(),
		Pending: -1, AckPending: -1,
	}
	if cons := e.cons; cons != nil {
		ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if info, err := cons.Info(ictx); err == nil {
			s.Pending, s.AckPending = int64(info.NumPending), int64(info.NumAckPending)
		}
	}
	return s
}
