package engine

import (
	"context"
	"sync"
	"time"

	"github.com/stepjet/stepjet/engine/failure"
)

// Parked is an execution waiting at a Wait state, or for a task, without a goroutine
// (RunOptions.Park). A process holding many executions that wait then pays for their state (a
// few hundred bytes here, plus what the execution already held) but not for a goroutine's
// stack each, which the engine's call depth grows to 16 KiB.
type Parked struct {
	// Until is when a Wait state's wait ends, on the execution's clock (RunOptions.Clock); zero
	// when the execution waits for a task (OnDone).
	Until time.Time
	task  *parkedTask // the task waited for, when parked at a Task state

	ex       *execution
	f        *frame
	r        stateRun   // the state's entry, whose work goes on at Resume
	rs       retryState // its retries so far
	timedOut bool       // the wait runs to the execution's deadline, which ends it
	res      Result     // what Run knew of the Result before it parked
	// observed: the Wait's step began with the Observer, which Resume tells of its end.
	observed bool
	obsCtx   context.Context
	step     Step
}

// parkedTask is a task started by a TaskStarter, and its answer once done.
type parkedTask struct {
	ctx     context.Context // the task's, with its timeout
	cancel  context.CancelFunc
	timeout time.Duration

	mu       sync.Mutex
	answered bool
	result   []byte
	err      error
	ready    func()
}

// answer is the TaskStarter's done.
func (t *parkedTask) answer(result []byte, err error) {
	t.mu.Lock()
	if t.answered {
		t.mu.Unlock()
		return
	}
	t.answered, t.result, t.err = true, result, err
	ready := t.ready
	t.mu.Unlock()
	if ready != nil {
		ready()
	}
}

// OnDone arranges for ready to be called once the task the execution waits for has answered
// (at once when it has); Resume may then be called. For an execution parked at a Wait state
// it does nothing: the wait ends at Until.
func (p *Parked) OnDone(ready func()) {
	t := p.task
	if t == nil {
		return
	}
	t.mu.Lock()
	if !t.answered {
		t.ready = ready
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	ready()
}

// Resume goes on with the execution from its Wait or Task state. Call it once: for a Wait, at
// Until, or earlier when the context given to Run has ended (the execution then ends as that
// context says: aborted, or timed out at its deadline); for a task, once OnDone's function was
// called. It returns what Run returns: the final Result, or a Result parked again at a later
// state. Any goroutine may call it.
func (p *Parked) Resume() Result {
	ex, f, r := p.ex, p.f, &p.r
	var first outcome
	switch t := p.task; {
	case t != nil:
		// The rest of the Task state's work, as call, invoke and task do once Invoke returned.
		t.mu.Lock()
		result, err := t.result, t.err
		t.mu.Unlock()
		res, serr := r.called(t.ctx, t.timeout, result, err)
		t.cancel()
		res, serr = r.invoked(res, serr)
		first.out, first.next, first.err = r.taskResult(res, serr)
	case f.ctx.Err() != nil:
		first.err = f.ctxError()
	case p.timedOut:
		first.err = timeoutError()
	default:
		if first.err = f.enter(); first.err == nil {
			// The rest of the Wait state's work, as wait() does after sleeping.
			first.out, first.err = r.finishNoResult()
			first.next = r.next()
		}
	}
	rs := p.rs
	out, next, serr, e := f.attempts(r, &rs, &first)
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

// parkTask starts the task req with ts and parks the execution until it answers; nil when ts
// cannot start it so (call then invokes it).
func (r *stateRun) parkTask(ts TaskStarter, ctx context.Context, cancel context.CancelFunc, req TaskRequest) *stateError {
	t := &parkedTask{ctx: ctx, cancel: cancel, timeout: req.Timeout}
	if !ts.StartTask(ctx, req, t.answer) {
		return nil
	}
	// Made only now: most tasks a TaskStarter declines (in-process functions, HTTP) run often.
	r.f.ex.parked = &Parked{ex: r.f.ex, f: r.f, r: *r, task: t}
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
