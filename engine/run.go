package engine

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonata"
	"github.com/stepjet/stepjet/engine/limits"
	"github.com/stepjet/stepjet/engine/payload"
)

// systemClock is the Clock of the real world.
type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// execution is the mutable state of one run; the Machine it runs stays untouched.
type execution struct {
	m      *Machine
	ctx    context.Context
	cancel context.CancelFunc
	opts   RunOptions
	clock  Clock
	hist   history
	// input is the execution input, compact (see compact).
	input    []byte
	start    time.Time
	deadline time.Time
	// attempts counts the invocations of each Task state (by its machine-wide index).
	attempts []atomic.Int32
	// ids holds the execution's names and the context object's "Execution" and "StateMachine"
	// members, made once when first needed.
	ids     atomic.Pointer[identity]
	ctxHead atomic.Pointer[[]byte]
	// budget is what each evaluation of this execution may use (its context and limits);
	// pool is what the evaluations running at once hold together.
	budget limits.Budget
	pool   limits.Pool
	// compact says every document of this execution is compact JSON: the input is compacted
	// once at the boundary and task results as they arrive, and everything else the engine
	// builds from them (payloads, ResultPath splices, JSONata and intrinsic values) is written
	// compact. Paths then read compact values that need no re-scan, and the output is compact
	// as AWS prints it.
	compact bool
	// parked is the root frame's Wait, parked (RunOptions.Park), on its way up to Run.
	parked *Parked
	// inputKnown is what checkInput found of the execution input beyond CheckCompact's
	// answer: the first JSONata state reads it without checking it again.
	inputKnown jsonata.Known
	// inputIndex, when checkInput made one, is where the members of the execution input are:
	// the first JSONata state that reads it need not index it (bindings.scope).
	inputIndex *jsonata.Index
}

// checkInput is payload.CheckCompact of the execution input. A machine with JSONata states
// first asks whether the input is canonical but for its whitespace
// (jsonata.CompactCanonicalIndex), the common case: about as long as CheckCompact, it answers
// all CheckCompact would, and spares the first state's expressions reading the input again:
// it is canonical, and where its members are is known. Else, an input CheckCompact accepts that
// is also valid UTF-8 is valid as the strict reading finds it (KnownStrict): the state's
// expressions then only find where its members are.
func (m *Machine) checkInput(input []byte) (doc []byte, known jsonata.Known, index *jsonata.Index, err error) {
	if m.jsonata {
		if ix, ok := jsonata.CompactCanonicalIndex(input); ok {
			return ix.Doc(), jsonata.KnownCanonical, ix, nil
		}
	}
	if doc, err = payload.CheckCompact(input, "The execution input"); err != nil {
		return nil, jsonata.Unchecked, nil, err
	}
	if m.jsonata && utf8.Valid(doc) {
		return doc, jsonata.KnownStrict, nil, nil
	}
	return doc, jsonata.Unchecked, nil, nil
}

func (ex *execution) traced() bool { return ex.hist.sink != nil }

// Run executes the machine on input to completion (or to its deadline, or until ctx ends).
func (m *Machine) Run(ctx context.Context, input []byte, opts RunOptions) Result {
	clock := opts.Clock
	if clock == nil {
		clock = systemClock{}
	}
	start := opts.StartTime
	if start.IsZero() {
		start = clock.Now()
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// The definition's own TimeoutSeconds bounds the execution too (the lower limit wins).
	if m.timeout > 0 && m.timeout < timeout {
		timeout = m.timeout
	}
	if len(input) == 0 {
		input = []byte("{}")
	}
	ex := &execution{
		m:        m,
		opts:     opts,
		clock:    clock,
		input:    input,
		start:    start,
		deadline: start.Add(timeout),
	}
	rd := opts.Redrive
	if rd != nil && !rd.at.IsZero() {
		// A redriven execution gets its time again, counted from the redrive.
		ex.deadline = rd.at.Add(timeout)
	}
	ex.hist.sink = opts.Events
	ex.hist.data = !opts.EventsWithoutData
	if d, ok := opts.Events.(DatalessSink); ok && !d.KeepsData() {
		ex.hist.data = false
	}
	if d, ok := opts.Events.(DeferringSink); ok && d.DefersDetails() {
		ex.hist.deferred = true
	}
	ex.hist.now = clock.Now
	if m.tasks > 0 {
		ex.attempts = make([]atomic.Int32, m.tasks)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	// The deadline counts from StartTime, which may lie in the past (a redelivered start).
	ctx, cancel := context.WithTimeoutCause(ctx, ex.deadline.Sub(clock.Now()), errExecutionTimeout)
	ex.ctx, ex.cancel = ctx, cancel // called by end: a parked execution keeps its context
	ex.budget = limits.Budget{Ctx: ctx, Bytes: opts.EvalBytes, Items: opts.EvalItems, Pool: &ex.pool}

	res := Result{Status: StatusSucceeded, Input: input, StartDate: start}
	var startDetails func([]byte) []byte
	if ex.traced() {
		startDetails = func(b []byte) []byte {
			b = append(b, '{')
			if ex.hist.data {
				b = payloadMember(b, "input", input)
			}
			b = member(b, "roleArn", opts.RoleArn)
			return append(b, '}')
		}
	}
	var first int64
	if rd != nil {
		// The history goes on from the kept events of the runs before.
		ex.hist.last = rd.last
		first = ex.hist.emit(rd.last, "ExecutionRedriven", "executionRedrivenEventDetails", detailsIf(ex, redrivenDetails(rd.count)))
	} else {
		first = ex.hist.emit(0, "ExecutionStarted", "executionStartedEventDetails", startDetails)
	}

	var out []byte
	var serr *stateError
	if len(input) > MaxPayloadBytes {
		serr = &stateError{Error: dataLimitError("input")}
	} else if doc, known, index, err := m.checkInput(input); err != nil {
		if fe, ok := err.(*failure.Error); ok {
			serr = &stateError{Error: fe}
		} else {
			serr = &stateError{Error: failure.New(failure.Runtime, "The execution input is not valid JSON")}
		}
	} else {
		// From here on every document is compact (Result.Input keeps the bytes as given).
		ex.input, ex.compact, ex.inputKnown, ex.inputIndex = doc, true, known, index
		f := &frame{ex: ex, ctx: ctx, vars: &scope{}, prev: first, parks: opts.Park}
		if serr = f.enter(); serr == nil {
			if rd != nil {
				out, serr = f.resume(m.top, rd.top)
			} else {
				out, serr = f.runProgram(m.top, ex.input)
			}
			f.leave()
		}
		if serr != nil && serr.parked {
			return ex.park(res)
		}
		first = f.prev
		if serr == nil && context.Cause(ctx) == errExecutionTimeout {
			// The deadline passed while the last state was evaluating: it ran out of time,
			// whatever the evaluation made of that.
			serr = ex.ctxError()
		}
	}
	return ex.end(first, out, serr, res)
}

// end emits the execution's last event and completes res; it releases the execution's context.
func (ex *execution) end(first int64, out []byte, serr *stateError, res Result) Result {
	defer ex.cancel()
	res.StopDate = ex.clock.Now()
	switch {
	case serr == nil:
		res.Output = out // compact, as AWS prints outputs, since every document is (ex.compact)
		if ex.traced() {
			ex.hist.emit(first, "ExecutionSucceeded", "executionSucceededEventDetails", func(b []byte) []byte {
				b = append(b, '{')
				if ex.hist.data {
					b = payloadMember(b, "output", out)
				}
				return append(b, '}')
			})
		} else {
			ex.hist.emit(first, "ExecutionSucceeded", "", nil)
		}
	case serr.Name == failure.Timeout && serr.timedOut:
		res.Status = StatusTimedOut
		ex.hist.emit(first, "ExecutionTimedOut", "executionTimedOutEventDetails", detailsIf(ex, errorDetails(nil, serr.Name, serr.Cause)))
	case serr.stopped:
		res.Status, res.Error, res.Cause = StatusAborted, serr.Name, serr.Cause
		ex.hist.emit(first, "ExecutionAborted", "executionAbortedEventDetails", detailsIf(ex, abortDetails(serr.Name, serr.Cause)))
	default:
		res.Status, res.Error, res.Cause = StatusFailed, capError(serr.Name), capCause(serr.Cause)
		ex.hist.emit(first, "ExecutionFailed", "executionFailedEventDetails", detailsIf(ex, errorDetails(nil, serr.Name, serr.Cause)))
	}
	return res
}

// detailsIf drops a details builder when no one listens.
func detailsIf(ex *execution, d func([]byte) []byte) func([]byte) []byte {
	if !ex.traced() {
		return nil
	}
	return d
}

var errExecutionTimeout = errors.New("execution timed out")

// ctxError turns the end of the execution's context into the failure that ends it.
func (ex *execution) ctxError() *stateError {
	if context.Cause(ex.ctx) == errExecutionTimeout {
		return &stateError{Error: &failure.Error{Name: failure.Timeout, Cause: "The execution timed out"}, timedOut: true}
	}
	var ab *Abort
	if errors.As(context.Cause(ex.ctx), &ab) {
		return &stateError{Error: &failure.Error{Name: ab.Name, Cause: ab.Cause}, aborted: true, stopped: true}
	}
	return &stateError{Error: &failure.Error{Name: "States.Aborted", Cause: "The execution was cancelled: " + context.Cause(ex.ctx).Error()}, aborted: true}
}

// ctxError is the failure of a thread whose context ended: the execution's end, or a sibling's
// failure (then the error is discarded by the Parallel or Map state that cancelled it).
func (f *frame) ctxError() *stateError {
	if f.ex.ctx.Err() != nil {
		return f.ex.ctxError()
	}
	return &stateError{Error: &failure.Error{Name: "States.Aborted", Cause: "cancelled"}, aborted: true}
}

// dataLimitError is AWS's failure for a payload over 256 KiB.
func dataLimitError(what string) *failure.Error {
	return &failure.Error{
		Name:  failure.DataLimitExceeded,
		Cause: "The state/task '" + what + "' returned a result with a size exceeding the maximum number of bytes service limit.",
	}
}

// frame is one thread of control: the top level, a Parallel branch or a Map iteration. It owns
// its variable scope.
type frame struct {
	ex *execution
	// ctx ends with the execution, or when a sibling branch or iteration failed.
	ctx  context.Context
	vars *scope
	// prev is the id of this thread's latest event, for PreviousEventID.
	prev int64
	// gated says the thread holds a slot of RunOptions.Gate, taken at since.
	gated bool
	since time.Time
	// resumed is the resume point of a redrive for the next state this thread enters (see
	// resume); nil otherwise.
	resumed *resumePoint
	// parks: a Wait state of this thread parks the execution instead of sleeping (the top
	// level's thread under RunOptions.Park; see park.go).
	parks bool
}

// runProgram runs a set of states from StartAt to an end, returning the last output.
func (f *frame) runProgram(p *program, input []byte) ([]byte, *stateError) {
	return f.runFrom(p, p.startAt, input)
}

// resume runs a set of states from a redrive's resume point: its variables restored, its state
// entered again with its recorded input (and, for a Parallel or Map state, its branches or
// iterations resumed as the point says).
func (f *frame) resume(p *program, at *resumePoint) ([]byte, *stateError) {
	f.vars.restore(at.vars)
	f.resumed = at
	return f.runFrom(p, at.state, at.input)
}

// runFrom runs a set of states from state i to an end, returning the last output.
func (f *frame) runFrom(p *program, i int, input []byte) ([]byte, *stateError) {
	for {
		if f.ctx.Err() != nil {
			return nil, f.ctxError()
		}
		st := p.states[i]
		out, next, err := f.runState(st, input)
		if err != nil {
			return nil, err
		}
		if next == end {
			return out, nil
		}
		if err := f.yield(); err != nil {
			return nil, err
		}
		input, i = out, next
	}
}

// runState runs one state: entered event, the state's work with Retry and Catch, exited event.
// It returns the state's output and the index of the next state (end after a terminal state).
func (f *frame) runState(st *state, input []byte) ([]byte, int, *stateError) {
	obs := f.ex.opts.Observer
	if obs == nil {
		out, next, err, _ := f.enterState(f.ctx, st, input)
		return out, next, err
	}
	s := Step{Kind: StepState, Name: st.name, Type: typeName[st.typ]}
	ctx := obs.Begin(f.ctx, s)
	out, next, err, e := f.enterState(ctx, st, input)
	if err != nil && err.parked {
		f.ex.parked.observed, f.ex.parked.obsCtx, f.ex.parked.step = true, ctx, s // ended by Resume
		return out, next, err
	}
	obs.End(ctx, s, e)
	return out, next, err
}

// stepEnd describes how a step ended for an Observer.
func stepEnd(err *stateError, retries int) StepEnd {
	e := StepEnd{Retries: retries}
	if err != nil {
		e.Error, e.Cause = err.Name, err.Cause
	}
	return e
}

// enterState is runState's work; ctx is the context the state runs in (the frame's, or the one
// an Observer gave). It also says how the state ended, for an Observer: its retries, and the
// error it failed with or caught.
func (f *frame) enterState(ctx context.Context, st *state, input []byte) ([]byte, int, *stateError, StepEnd) {
	ex := f.ex
	var d func([]byte) []byte
	if ex.traced() {
		d = stateEnteredDetails(st.name, input, ex.hist.data)
	}
	r := stateRun{f: f, ctx: ctx, st: st, input: input, resumed: f.resumed}
	f.resumed = nil
	r.id = ex.hist.emit(f.prev, enteredEvent[st.typ], "stateEnteredEventDetails", d)
	f.prev = r.id
	if st.needsContext {
		r.entered = ex.clock.Now()
	}
	var rs retryState
	return f.attempts(&r, &rs, nil)
}

// outcome is one attempt at a state's work.
type outcome struct {
	out  []byte
	next int
	err  *stateError
}

// attempts runs a state's work with its Retry and Catch until the state ends, and emits its
// exited event; rs counts its retries. first, when set, is an attempt already made: a parked
// Wait's or Task's, resumed.
func (f *frame) attempts(r *stateRun, rs *retryState, first *outcome) ([]byte, int, *stateError, StepEnd) {
	ex, st := f.ex, r.st
	var d func([]byte) []byte
	for {
		var out []byte
		var next int
		var err *stateError
		if first != nil {
			out, next, err, first = first.out, first.next, first.err, nil
		} else {
			r.assigned, r.started = nil, false
			out, next, err = r.execute()
		}
		if err != nil && err.parked {
			ex.parked.rs = *rs // the retries so far, for the attempts after Resume
			return nil, end, err, StepEnd{}
		}
		if err != nil && !err.timedOut && !err.aborted && f.ctx.Err() != nil {
			// An evaluation stopped by the end of the context fails with whatever error it
			// met (a cancelled JSONata, a cut-short path); the execution ended for the
			// context's reason: its deadline (TIMED_OUT) or its cancellation.
			err = f.ctxError()
		}
		if err == nil {
			if len(out) > MaxPayloadBytes {
				err = &stateError{Error: dataLimitError(st.name)}
			} else if verr := f.vars.assign(r.assigned, st.name); verr != nil {
				// Assign takes effect once the state is done (every field of the state saw
				// the variables as they were when it was entered), within AWS's size limits.
				err = &stateError{Error: verr}
			} else {
				if ex.traced() {
					d = stateExitedDetails(st.name, out, r.assigned, ex.hist.data)
				}
				f.prev = ex.hist.emit(f.prev, exitedEvent[st.typ], "stateExitedEventDetails", d)
				return out, next, nil, StepEnd{Retries: rs.total}
			}
		}
		if err.timedOut || err.aborted {
			return nil, end, err, stepEnd(err, rs.total)
		}
		delay, retry := rs.next(st.retry, *err)
		if !retry && r.started {
			// A Map or Parallel state that started and will not be retried records its failure.
			f.prev = ex.hist.emit(f.prev, failedEvent[st.typ], "", nil)
		}
		if retry {
			if werr := f.sleep(delay); werr != nil {
				return nil, end, werr, stepEnd(werr, rs.total)
			}
			r.retryCount = rs.total
			r.ctxDoc = nil
			r.resumed = nil // a retry runs every branch or iteration again
			continue
		}
		if c := findCatcher(st.catch, *err); c != nil {
			out, cerr := r.catch(c, err)
			if cerr != nil {
				return nil, end, cerr, stepEnd(cerr, rs.total)
			}
			// AWS closes a state whose error was caught with its exited event too.
			if ex.traced() {
				d = stateExitedDetails(st.name, out, r.assigned, ex.hist.data)
			}
			f.prev = ex.hist.emit(f.prev, exitedEvent[st.typ], "stateExitedEventDetails", d)
			return out, c.next, nil, stepEnd(err, rs.total)
		}
		return nil, end, err, stepEnd(err, rs.total)
	}
}

// sleep waits d on the execution's clock, bounded by the deadline and the context.
func (f *frame) sleep(d time.Duration) *stateError {
	if d <= 0 {
		return nil
	}
	ex := f.ex
	timedOut := false
	if left := ex.deadline.Sub(ex.clock.Now()); d > left {
		d, timedOut = left, true
	}
	if d > 0 {
		f.leave()
		select {
		case <-ex.clock.After(d):
		case <-f.ctx.Done():
			return f.ctxError()
		}
		if err := f.enter(); err != nil {
			return err
		}
	}
	if timedOut {
		return timeoutError()
	}
	return nil
}

// stateRun is one entry of a state: its input, the event id it was entered at and what the
// context object says about it.
type stateRun struct {
	f *frame
	// ctx is the context the state runs in: the frame's, or one an Observer derived from it.
	// Nil means the frame's.
	ctx        context.Context
	st         *state
	id         int64
	entered    time.Time
	input      []byte
	retryCount int
	ctxDoc     []byte
	// mapItem is set while a Map state evaluates its ItemSelector.
	mapIndex int
	mapValue []byte
	// assigned holds the variables the state assigned, for the exited event.
	assigned []byte
	// started says a Map or Parallel state emitted its Started event in this attempt.
	started bool
	// insp, when set, records the state's intermediate data (TestState's inspectionData).
	insp *Inspection
	// resumed, in a redrive, says how the branches or iterations of a Parallel or Map state
	// entered again resume (its first attempt only).
	resumed *resumePoint
}

// runCtx returns the context the state runs in.
func (r *stateRun) runCtx() context.Context {
	if r.ctx != nil {
		return r.ctx
	}
	return r.f.ctx
}

// execute does the state's work once (one attempt, under Retry).
func (r *stateRun) execute() ([]byte, int, *stateError) {
	switch r.st.typ {
	case typePass:
		return r.pass()
	case typeTask:
		return r.task()
	case typeChoice:
		return r.choice()
	case typeWait:
		return r.wait()
	case typeSucceed:
		out, err := r.finishNoResult()
		return out, end, err
	case typeFail:
		return nil, end, r.fail()
	case typeParallel:
		return r.parallel()
	case typeMap:
		return r.mapState()
	}
	return nil, end, r.runtime(failure.New(failure.Runtime, "unknown state type"))
}

// prefixCause is AWS's prefix to the causes of errors the interpreter raises in a state.
func (r *stateRun) prefixCause(cause string) string {
	b := make([]byte, 0, 96+len(r.st.name)+len(cause))
	b = append(b, "An error occurred while executing the state '"...)
	b = append(b, r.st.name...)
	b = append(b, "' (entered at the event id #"...)
	b = strconv.AppendInt(b, r.id, 10)
	b = append(b, "). "...)
	b = append(b, cause...)
	return string(b)
}

// runtime turns an error raised while processing the state's data into a state error with
// AWS's prefix: *failure.Error keeps its name; anything else is States.Runtime.
func (r *stateRun) runtime(err error) *stateError {
	var fe *failure.Error
	if !errors.As(err, &fe) {
		fe = &failure.Error{Name: failure.Runtime, Cause: err.Error()}
	}
	return &stateError{Error: &failure.Error{Name: fe.Name, Cause: r.prefixCause(fe.Cause)}}
}

// next is where the state goes after succeeding: its Next, or end.
func (r *stateRun) next() int { return r.st.next }
