package engine

import (
	"context"
	"time"

	"github.com/stepjet/stepjet/engine/failure"
)

// Parked is an execution waiting at a Wait state without a goroutine (RunOptions.Park). A
// process holding many executions that wait then pays for their state (a few hundred bytes
// here, plus what the execution already held) but not for a goroutine's stack each, which
// the engine's call depth grows to 16 KiB.
type Parked struct {
	// Until is when the wait ends, on the execution's clock (RunOptions.Clock).
	Until time.Time

	ex       *execution
	f        *frame
	r        stateRun // the Wait state's entry, whose work goes on at Resume
	timedOut bool     // the wait runs to the execution's deadline, which ends it
	res      Result   // what Run knew of the Result before it parked
	// observed: the Wait's step began with the Observer, which Resume tells of its end.
	observed bool
	obsCtx   context.Context
	step     Step
}

// Resume goes on with the execution from its Wait state. Call it once, at Until, or earlier
// when the context given to Run has ended (the execution then ends as that context says: aborted,
// or timed out at its deadline). It returns what Run returns: the final Result, or a Result
// parked again at a later Wait. Any goroutine may call it.
func (p *Parked) Resume() Result {
	ex, f, r := p.ex, p.f, &p.r
	var first outcome
	switch {
	case f.ctx.Err() != nil:
		first.err = f.ctxError()
	case p.timedOut:
		first.err = timeoutError()
	default:
		first.err = f.enter()
	}
	if first.err == nil {
		// The rest of the Wait state's work, as wait() does after sleeping.
		first.out, first.err = r.finishNoResult()
		first.next = r.next()
	}
	out, next, serr, e := f.attempts(r, &first)
	if p.observed {
		ex.opts.Observer.End(p.obsCtx, p.step, e)
	}
	if serr == nil && next != end {
		if serr = f.yield(); serr == nil {
			out, serr = f.runFrom(ex.m.top, next, out)
		}
	}
	f.leave()
	if serr != nil && serr.parked {
		return ex.park(p.res)
	}
	if serr == nil && context.Cause(ex.ctx) == errExecutionTimeout {
		serr = ex.ctxError() // as Run: the deadline passed while the last state evaluated
	}
	return ex.end(f.prev, out, serr, p.res)
}

// errParked unwinds a parked execution's thread from its Wait state up to Run (or Resume).
var errParked = &stateError{parked: true}

// park parks the execution at the Wait state r for d (cut to the execution's deadline, which
// then ends it, as sleep does): the thread gives back its Gate slot and unwinds with
// errParked; Run returns the Parked that resumes it.
func (r *stateRun) park(d time.Duration) *stateError {
	f := r.f
	ex := f.ex
	now := ex.clock.Now()
	timedOut := false
	if left := ex.deadline.Sub(now); d > left {
		d, timedOut = left, true
	}
	if d <= 0 {
		if timedOut {
			return timeoutError()
		}
		return nil
	}
	f.leave()
	ex.parked = &Parked{Until: now.Add(d), ex: ex, f: f, r: *r, timedOut: timedOut}
	return errParked
}

// park is Run's (or Resume's) return for an execution that parked: its context stays live.
func (ex *execution) park(res Result) Result {
	p := ex.parked
	ex.parked = nil
	p.res = res
	return Result{Parked: p}
}

func timeoutError() *stateError {
	return &stateError{Error: &failure.Error{Name: failure.Timeout, Cause: "The execution timed out"}, timedOut: true}
}
