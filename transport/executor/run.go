package executor

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/wire"
)

// execute resolves the machine and runs one decoded start to a wire.Result. It never fails: a
// start the decoder refused (bad), a missing machine or an invalid definition is a FAILED
// result, as AWS would refuse the start.
func (e *Executor) execute(ctx context.Context, st wire.Start, bad error, d delivery) wire.Result {
	c, res, done := e.prepare(ctx, st, bad)
	var redrive *engine.Redrive
	startTime, planned := st.Date, true
	if !done && st.RedriveCount > 0 {
		// A redrive that cannot be planned still begins (its record keeps the redrive) and
		// ends FAILED without running.
		redrive, startTime, planned = e.planRedrive(ctx, c, st, &res)
	}
	ctx, span := e.traceExecution(ctx, st, c, d)
	var sink engine.EventSink
	if !done && e.cfg.Recorder != nil {
		var stopped *wire.Result
		ctx, sink, stopped = e.cfg.Recorder.Begin(ctx, Begin{Start: st, Machine: c.rec, Revision: c.rev, Result: &res, Rerun: d.attempt > 1})
		if stopped != nil {
			res, done = *stopped, true
		}
	}
	if !done && planned {
		res = e.runMachine(ctx, c, st, res, sink, redrive, startTime)
	}
	if e.cfg.Logger.Enabled(ctx, slog.LevelDebug) { // (building the arguments costs allocations)
		e.cfg.Logger.DebugContext(ctx, "execution ended", "executionArn", res.ExecutionArn, "status", res.Status, "error", res.Error)
	}
	span.EndWith(res.Status, res.Error, res.Cause, res.Output)
	e.count(res)
	return res
}

func (e *Executor) count(res wire.Result) {
	switch engine.Status(res.Status) {
	case engine.StatusSucceeded:
		e.metrics.succeeded.Add(1)
	case engine.StatusTimedOut:
		e.metrics.timedOut.Add(1)
	default:
		e.metrics.failed.Add(1)
	}
}

// identity is a result's identity, from the start alone (no lookup).
func (e *Executor) identity(st wire.Start) wire.Result {
	machineArn := st.MachineArn
	if machineArn == "" {
		machineArn = e.cfg.Layout.StateMachineArn(st.Machine)
	}
	return wire.Result{
		ExecutionArn:    st.Arn,
		StateMachineArn: machineArn,
		Name:            st.Name,
		StartDate:       epoch(st.Date),
		Input:           string(st.Input),
		InputDetails:    &wire.PayloadDetails{Included: true},
		TraceHeader:     st.TraceParent,
	}
}

// prepare resolves the machine and fills the result's identity. done reports that res is
// already final (the start was refused, the machine is missing or invalid, or the deadline
// has passed).
func (e *Executor) prepare(ctx context.Context, st wire.Start, bad error) (c *compiled, res wire.Result, done bool) {
	res = e.identity(st)
	var se *wire.StartError
	if errors.As(bad, &se) {
		return nil, finish(res, st.Date, engine.StatusFailed, se.Type, se.Message), true
	}
	c, err := e.machines.resolve(ctx, st)
	if c != nil && c.rec.Version > 0 {
		res.StateMachineArn = e.cfg.Layout.StateMachineArn(st.Machine) + ":" + strconv.Itoa(c.rec.Version)
	}
	var nm errNoMachine
	var gone errRevisionGone
	switch {
	case errors.As(err, &nm):
		return nil, finish(res, st.Date, engine.StatusFailed, "StateMachineDoesNotExist", nm.Error()), true
	case errors.As(err, &gone):
		return nil, finish(res, st.Date, engine.StatusFailed, "States.Runtime", gone.Error()), true
	case err != nil:
		return nil, finish(res, st.Date, engine.StatusFailed, "States.Runtime", "stepjet could not load the state machine: "+err.Error()), true
	case c.err != nil:
		return nil, finish(res, st.Date, engine.StatusFailed, "InvalidDefinition", c.err.Error()), true
	case time.Since(st.Date) >= e.cfg.Timeout:
		return nil, finish(res, st.Date, engine.StatusTimedOut, "", ""), true
	}
	return c, res, false
}

// finish ends a result that did not run the engine.
func finish(res wire.Result, startDate time.Time, status engine.Status, name, cause string) wire.Result {
	now := time.Now()
	res.StopDate = epoch(now)
	res.Status = string(status)
	res.Error, res.Cause = name, cause
	res.BillingDetails = billing(startDate, now)
	return res
}

// errDeadline marks the end of an execution's end-to-end deadline.
var errDeadline = errors.New("execution deadline")

// record hands a final result to the Recorder, if any.
func (e *Executor) record(res *wire.Result) {
	if e.cfg.Recorder != nil {
		e.cfg.Recorder.End(res)
	}
}

// runMachine runs the engine. A redrive (redrive non-nil) resumes from its plan; startTime is
// when the execution first started (st.Date, or for a redrive the original start), the
// deadline counts from st.Date either way.
func (e *Executor) runMachine(ctx context.Context, c *compiled, st wire.Start, res wire.Result, sink engine.EventSink, redrive *engine.Redrive, startTime time.Time) wire.Result {
	// The deadline runs from when the start was accepted, so a redelivered execution does not
	// get a fresh five minutes: the engine counts its timeout from StartTime for waits, and
	// this context ends the execution on time whatever it is doing.
	deadline := st.Date.Add(e.cfg.Timeout)
	ctx, cancel := context.WithDeadlineCause(ctx, deadline, errDeadline)
	defer cancel()
	opts := engine.RunOptions{
		Tasks:            e.tasks,
		Timeout:          e.cfg.Timeout,
		Name:             st.Name,
		ExecutionArn:     res.ExecutionArn,
		StateMachineArn:  res.StateMachineArn,
		StateMachineName: st.Machine,
		RoleArn:          c.rec.RoleArn,
		StartTime:        startTime,
		Observer:         e.cfg.Telemetry.Observer(),
		Gate:             e.gate,
		Redrive:          redrive,
	}
	opts.Events = sink
	if c.logging.level > levelOff {
		ls := &logSink{nc: e.cfg.NC, subject: e.cfg.Layout.LogSubject(st.Machine), executionArn: res.ExecutionArn, cfg: c.logging}
		if sink != nil {
			opts.Events = teeSink{ls, sink}
		} else {
			opts.Events = ls
		}
	}
	r := c.machine.Run(ctx, st.Input, opts)
	// A failure at the deadline (e.g. a worker that gave up on its own Stepjet-Deadline a moment
	// before our timer fired) is the deadline's doing: on AWS the timeout comes first.
	if r.Status != engine.StatusTimedOut && (context.Cause(ctx) == errDeadline ||
		r.Status == engine.StatusFailed && !r.StopDate.IsZero() && !r.StopDate.Before(deadline)) {
		r.Status, r.Error, r.Cause = engine.StatusTimedOut, "", "" // no error or cause, as AWS reports a timeout
	}
	res.Status = string(r.Status)
	stop := r.StopDate
	if stop.IsZero() {
		stop = time.Now()
	}
	res.StopDate = epoch(stop)
	if r.Status == engine.StatusSucceeded {
		res.Output = string(r.Output)
		res.OutputDetails = &wire.PayloadDetails{Included: true}
	}
	res.Error, res.Cause = r.Error, r.Cause
	res.BillingDetails = billing(st.Date, stop)
	return res
}

// epoch is a time as AWS's JSON protocol sends it: seconds with millisecond precision.
func epoch(t time.Time) float64 { return math.Round(float64(t.UnixMilli())) / 1000 }

// billing mirrors AWS's Express billing: 64 MB, duration rounded up to 100 ms.
func billing(from, to time.Time) *wire.BillingDetails {
	ms := max(to.Sub(from).Milliseconds(), 0)
	ms = max((ms+99)/100*100, 100)
	return &wire.BillingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMs: ms}
}
