package executor

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/stepjet/stepjet/transport/wire"
)

// execute resolves the machine and runs one decoded start to a wire.Result. It never fails: a
// start the decoder refused (bad), a missing machine or an invalid definition is a FAILED
// result, as AWS would refuse the start.
func (e *Executor) execute(ctx context.Context, st wire.Start, bad error, d delivery) wire.Result {
	x := e.begin(ctx, st, bad, d)
	if x.run {
		x.res = e.machineResult(x, x.c.machine.Run(x.ctx, x.st.Input, e.runOptions(x, false)))
	}
	return e.ended(x)
}

// executeParking is execute for an async start, whose execution may park at a Wait state or
// a NATS worker's Task (engine.RunOptions.Park): then is called with the result, at once or,
// when the execution parked, from a pool worker once its wait is over or its worker answered.
// A waiting execution thus holds no goroutine: a worker's stack is ~16 KiB, more than all else
// a waiting execution holds.
func (e *Executor) executeParking(ctx context.Context, st wire.Start, bad error, d delivery, then func(wire.Result)) {
	x := e.begin(ctx, st, bad, d)
	if !x.run {
		then(e.ended(x))
		return
	}
	e.resumed(x, x.c.machine.Run(x.ctx, x.st.Input, e.runOptions(x, true)), then)
}

// resumed goes on from what the engine returned for x: the result, or a parked execution to
// resume when its wait ends (or at once when its context ends: a stop, the deadline, Shutdown)
// or its task answered.
func (e *Executor) resumed(x *execution, r engine.Result, then func(wire.Result)) {
	p := r.Parked
	if p == nil {
		x.res = e.machineResult(x, r)
		then(e.ended(x))
		return
	}
	resume := func() { e.resume(func() { e.resumed(x, p.Resume(), then) }) }
	if p.Until.IsZero() {
		// Parked at a Task: the task's answer wakes it (its context's end makes one).
		p.OnDone(resume)
		return
	}
	// The wait ends at Until or when x.ctx ends, whichever comes first; either may fire before
	// the other is set up (a wait already over, a context already ended): the lock orders them.
	var mu sync.Mutex
	var woken bool
	var timer *time.Timer
	var stopCtx func() bool
	wake := func() {
		mu.Lock()
		if woken {
			mu.Unlock()
			return
		}
		woken = true
		mu.Unlock()
		timer.Stop()
		stopCtx()
		resume()
	}
	mu.Lock()
	timer = time.AfterFunc(time.Until(p.Until), wake)
	stopCtx = context.AfterFunc(x.ctx, wake)
	mu.Unlock()
}

// execution is one execution from begin to ended: what execute's parts share, and what a
// parked execution keeps while it waits.
type execution struct {
	ctx       context.Context // the engine's, bounded by the deadline (cancel)
	cancel    context.CancelFunc
	deadline  time.Time
	span      telemetry.ExecutionSpan
	c         *compiled
	st        wire.Start
	res       wire.Result
	sink      engine.EventSink
	redrive   *engine.Redrive
	startTime time.Time
	run       bool // the engine runs it: res is not final yet
}

// begin resolves the machine, fills the result's identity and begins the execution's span and
// record; x.run says whether the engine is to run it (else x.res is final).
func (e *Executor) begin(ctx context.Context, st wire.Start, bad error, d delivery) *execution {
	x := &execution{st: st, startTime: st.Date}
	var done bool
	x.c, x.res, done = e.prepare(ctx, st, bad)
	planned := true
	if !done && st.RedriveCount > 0 {
		// A redrive that cannot be planned still begins (its record keeps the redrive) and
		// ends FAILED without running.
		x.redrive, x.startTime, planned = e.planRedrive(ctx, x.c, st, &x.res)
	}
	ctx, x.span = e.traceExecution(ctx, st, x.c, d)
	if !done && e.cfg.Recorder != nil {
		var stopped *wire.Result
		ctx, x.sink, stopped = e.cfg.Recorder.Begin(ctx, Begin{Start: st, Machine: x.c.rec, Revision: x.c.rev, Result: &x.res, Rerun: d.attempt > 1})
		if stopped != nil {
			x.res, done = *stopped, true
		}
	}
	x.ctx = ctx
	x.run = !done && planned
	if x.run {
		// The deadline runs from when the start was accepted, so a redelivered execution does
		// not get a fresh five minutes: the engine counts its timeout from StartTime for waits,
		// and this context ends the execution on time whatever it is doing.
		x.deadline = st.Date.Add(e.cfg.Timeout)
		x.ctx, x.cancel = context.WithDeadlineCause(ctx, x.deadline, errDeadline)
	}
	return x
}

// ended ends the execution's span and counts it.
func (e *Executor) ended(x *execution) wire.Result {
	if x.cancel != nil {
		x.cancel()
	}
	res := x.res
	if e.cfg.Logger.Enabled(x.ctx, slog.LevelDebug) { // (building the arguments costs allocations)
		e.cfg.Logger.DebugContext(x.ctx, "execution ended", "executionArn", res.ExecutionArn, "status", res.Status, "error", res.Error)
	}
	x.span.EndWith(res.Status, res.Error, res.Cause, res.Output)
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

// identity is a result's identity, from the start alone (no lookup). Its Input shares the
// start's bytes rather than copying them: a start's input is a message's payload, which nothing
// writes to, and a copy held for the whole execution was 1.3 KiB of every waiting execution's
// ~12 KiB of heap (docs/bench.md, "100,000 in flight").
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
		Input:           unsafe.String(unsafe.SliceData(st.Input), len(st.Input)), // see below
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

// runOptions are the engine's options for x. A redrive (x.redrive non-nil) resumes from its
// plan; x.startTime is when the execution first started (st.Date, or for a redrive the original
// start), the deadline counts from st.Date either way.
func (e *Executor) runOptions(x *execution, park bool) engine.RunOptions {
	st, c := &x.st, x.c
	opts := engine.RunOptions{
		Tasks:            e.tasks,
		Timeout:          e.cfg.Timeout,
		Name:             st.Name,
		ExecutionArn:     x.res.ExecutionArn,
		StateMachineArn:  x.res.StateMachineArn,
		StateMachineName: st.Machine,
		RoleArn:          c.rec.RoleArn,
		StartTime:        x.startTime,
		Observer:         e.cfg.Telemetry.Observer(),
		Gate:             e.gate,
		Redrive:          x.redrive,
		Park:             park,
	}
	opts.Events = x.sink
	if c.logging.level > levelOff {
		ls := &logSink{nc: e.cfg.NC, subject: e.cfg.Layout.LogSubject(st.Machine), executionArn: x.res.ExecutionArn, cfg: c.logging}
		if x.sink != nil {
			opts.Events = teeSink{ls, x.sink}
		} else {
			opts.Events = ls
		}
	}
	return opts
}

// machineResult completes x.res with what the engine returned.
func (e *Executor) machineResult(x *execution, r engine.Result) wire.Result {
	res := x.res
	// A failure at the deadline (e.g. a worker that gave up on its own Stepjet-Deadline a moment
	// before our timer fired) is the deadline's doing: on AWS the timeout comes first.
	if r.Status != engine.StatusTimedOut && (context.Cause(x.ctx) == errDeadline ||
		r.Status == engine.StatusFailed && !r.StopDate.IsZero() && !r.StopDate.Before(x.deadline)) {
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
	res.BillingDetails = billing(x.st.Date, stop)
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
