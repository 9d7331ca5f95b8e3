package engine

import (
	"context"
	"sync/atomic"
	"time"
)

// StateOptions configure RunState.
type StateOptions struct {
	// Tasks answers a Task state (a mocked result is a TaskFunc returning it).
	Tasks TaskInvoker
	// Variables are the workflow variables the state sees: name → raw JSON.
	Variables map[string][]byte
	Clock     Clock
	// RetryCount is the state's $$.State.RetryCount (attempts made before this one).
	RetryCount int
	// Context, when set, is the whole context object ($$) the state sees, as TestState's
	// context parameter gives it.
	Context []byte
	// Context fields, as in RunOptions.
	Name, ExecutionArn, StateMachineArn, StateMachineName, RoleArn string
}

// State outcomes of RunState, as AWS's TestState names them.
const (
	StateSucceeded   = "SUCCEEDED"
	StateFailed      = "FAILED"
	StateCaughtError = "CAUGHT_ERROR"
	StateRetriable   = "RETRIABLE"
)

// StateResult is the outcome of running one state alone.
type StateResult struct {
	Status    string
	Output    []byte
	Error     string
	Cause     string
	NextState string // empty at an end
	// Variables are the variables after the state (the given ones plus its assignments).
	Variables map[string][]byte
	// Inspection is the state's intermediate data.
	Inspection Inspection
}

// Inspection records what a state did on the way, as TestState's inspectionData reports it. A
// field is nil when the state had no such step.
type Inspection struct {
	Input, AfterInputPath, AfterParameters, AfterArguments []byte
	Result, AfterResultSelector, AfterResultPath           []byte
	// CatchIndex and RetryIndex name the catcher or retrier that matched the error, or -1.
	CatchIndex, RetryIndex int
	// RetryBackoff is the wait the matching retrier would impose before the next attempt.
	RetryBackoff time.Duration
}

// RunState runs one state of the machine (found by name at any depth) once on input, as AWS's
// TestState API does: no Retry wait (a retriable error answers RETRIABLE), Catch applied
// (CAUGHT_ERROR with the catcher's output and Next).
func (m *Machine) RunState(ctx context.Context, name string, input []byte, opts StateOptions) (StateResult, bool) {
	st, p := m.findState(m.top, name)
	if st == nil {
		return StateResult{}, false
	}
	clock := opts.Clock
	if clock == nil {
		clock = systemClock{}
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	ro := RunOptions{Tasks: opts.Tasks, Clock: clock, Name: opts.Name, ExecutionArn: opts.ExecutionArn,
		StateMachineArn: opts.StateMachineArn, StateMachineName: opts.StateMachineName, RoleArn: opts.RoleArn}
	ex := &execution{m: m, ctx: ctx, opts: ro, clock: clock, input: input, start: clock.Now()}
	ex.deadline = ex.start.Add(DefaultTimeout)
	ex.hist.now = clock.Now
	ex.hist.last = 1 // ExecutionStarted
	if m.tasks > 0 {
		ex.attempts = make([]atomic.Int32, m.tasks)
	}
	f := &frame{ex: ex, ctx: ctx, vars: varMap(opts.Variables).scope(), prev: 1}
	res := StateResult{Inspection: Inspection{Input: input, CatchIndex: -1, RetryIndex: -1}}
	r := stateRun{f: f, st: st, input: input, retryCount: opts.RetryCount, entered: clock.Now(), insp: &res.Inspection}
	if opts.Context != nil {
		r.ctxDoc = opts.Context
	}
	r.id = ex.hist.emit(1, enteredEvent[st.typ], "", nil)
	out, next, err := r.execute()
	switch {
	case err == nil:
		if r.assigned != nil {
			f.vars.assignAll(r.assigned)
		}
		res.Status, res.Output = StateSucceeded, out
		if next != end {
			res.NextState = p.states[next].name
		}
	default:
		res.Error, res.Cause = err.Name, err.Cause
		// The retry counts so far are unknown to a lone run: RetryCount stands for them all on
		// the matching retrier.
		rs := retryState{total: opts.RetryCount}
		if len(st.retry) > 0 {
			rs.counts = make([]int, len(st.retry))
			for i := range st.retry {
				if matches(st.retry[i].errorEquals, *err, true) {
					rs.counts[i] = opts.RetryCount
					break
				}
			}
		}
		if d, ok := rs.next(st.retry, *err); ok && !err.timedOut && !err.aborted {
			res.Status = StateRetriable
			res.Inspection.RetryIndex, res.Inspection.RetryBackoff = rs.last, d
			break
		}
		if c := findCatcher(st.catch, *err); c != nil && !err.timedOut && !err.aborted {
			res.Inspection.CatchIndex = catcherIndex(st.catch, *err)
			o, cerr := r.catch(c, err)
			if cerr != nil {
				res.Status, res.Error, res.Cause = StateFailed, cerr.Name, cerr.Cause
				break
			}
			res.Status, res.Output, res.NextState = StateCaughtError, o, p.states[c.next].name
			break
		}
		res.Status = StateFailed
	}
	res.Variables = f.vars.vars
	return res, true
}

// findState finds a state by name in p or any branch or processor inside it.
func (m *Machine) findState(p *program, name string) (*state, *program) {
	for _, st := range p.states {
		if st.name == name {
			return st, p
		}
	}
	for _, st := range p.states {
		var inner []*program
		if st.parallel != nil {
			inner = st.parallel.branches
		}
		if st.mapSpec != nil {
			inner = []*program{st.mapSpec.processor}
		}
		for _, q := range inner {
			if s, qp := m.findState(q, name); s != nil {
				return s, qp
			}
		}
	}
	return nil, nil
}
