package engine

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"time"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/limits"
	"github.com/tidwall/gjson"
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
	// Context, when set, is laid over the context object ($$) the state would see: each of its
	// top-level objects replaces the members it names.
	Context []byte
	// ContextExact makes Context the whole context object as given, nothing of the state's own
	// added: AWS's TestState shows a given context as it is, empty objects included
	// (test_state_context_object.py::test_state_context_object_edge_cases).
	ContextExact bool
	// Context fields, as in RunOptions.
	Name, ExecutionArn, StateMachineArn, StateMachineName, RoleArn string

	// WholeResult, when set, stands for a Map or Parallel state's result (TestState's mock of
	// such a state): the branches or iterations do not run, and the result goes on through
	// ResultSelector/ResultPath/OutputPath (or Output) as theirs would.
	WholeResult []byte
	// WholeError, when set, is the error a Map or Parallel state raises instead of running.
	WholeError *failure.Error
	// MapIterationFailures is how many of a mocked Map's iterations failed: over its
	// ToleratedFailureCount/Percentage, the state fails with States.ExceedToleratedFailureThreshold.
	MapIterationFailures int

	// Timeout bounds the run (0 means DefaultTimeout); EvalBytes, EvalItems and
	// MapConcurrency are as in RunOptions. A state tested alone is held to the same limits as
	// in an execution, so a TestState request cannot take more time or memory than one.
	Timeout              time.Duration
	EvalBytes, EvalItems int64
	MapConcurrency       int
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
	// AfterItemsPath is a JSONPath Map state's items (its ItemsPath applied, or its input).
	AfterItemsPath                               []byte
	Result, AfterResultSelector, AfterResultPath []byte
	// CatchIndex and RetryIndex name the catcher or retrier that matched the error, or -1.
	CatchIndex, RetryIndex int
	// RetryBackoff is the wait the matching retrier would impose before the next attempt.
	RetryBackoff time.Duration
	// Map states: MaxConcurrency as evaluated (0 when unset), and the tolerated failures when the
	// state sets them (nil otherwise).
	MaxConcurrency, ToleratedFailureCount *int64
	// ToleratedFailurePercentage is a number from 0 to 100 that may have a fraction, as AWS
	// reads it (and as TestState's inspectionData shows it).
	ToleratedFailurePercentage *float64
}

// RunState runs one state of the machine (found by name at any depth) once on input, as AWS's
// TestState API does: no Retry wait (a retriable error answers RETRIABLE), Catch applied
// (CAUGHT_ERROR with the catcher's output and Next). A Map or Parallel state with
// opts.WholeResult or WholeError set does not run its iterations or branches. The result's
// Inspection holds the state's intermediate data as TestState's inspectionData shows it.
func (m *Machine) RunState(ctx context.Context, name string, input []byte, opts StateOptions) (StateResult, bool) {
	st, p := m.findState(m.top, name)
	if st == nil {
		return StateResult{}, false
	}
	clock := opts.Clock
	if clock == nil {
		clock = systemClock{}
	}
	timeout := opts.Timeout
	if timeout <= 0 || timeout > DefaultTimeout {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errExecutionTimeout)
	defer cancel()
	ro := RunOptions{Tasks: opts.Tasks, Clock: clock, Name: opts.Name, ExecutionArn: opts.ExecutionArn,
		StateMachineArn: opts.StateMachineArn, StateMachineName: opts.StateMachineName, RoleArn: opts.RoleArn,
		EvalBytes: opts.EvalBytes, EvalItems: opts.EvalItems, MapConcurrency: opts.MapConcurrency}
	ex := &execution{m: m, ctx: ctx, opts: ro, clock: clock, input: input, start: clock.Now()}
	ex.deadline = ex.start.Add(timeout)
	ex.budget = limits.Budget{Ctx: ctx, Bytes: opts.EvalBytes, Items: opts.EvalItems, Pool: &ex.pool}
	ex.hist.now = clock.Now
	ex.hist.last = 1 // ExecutionStarted
	if m.tasks > 0 {
		ex.attempts = make([]atomic.Int32, m.tasks)
	}
	f := &frame{ex: ex, ctx: ctx, vars: varMap(opts.Variables).scope(), prev: 1}
	res := StateResult{Inspection: Inspection{Input: input, CatchIndex: -1, RetryIndex: -1}}
	r := stateRun{f: f, st: st, input: input, retryCount: opts.RetryCount, entered: clock.Now(), insp: &res.Inspection}
	r.id = ex.hist.emit(1, enteredEvent[st.typ], "", nil)
	switch {
	case opts.Context != nil && opts.ContextExact:
		r.ctxDoc = opts.Context
	case opts.Context != nil:
		r.ctxDoc = mergeContext(r.context(), opts.Context)
	}
	var (
		out  []byte
		next int
		err  *stateError
	)
	switch {
	case len(input) > MaxPayloadBytes:
		err = &stateError{Error: dataLimitError("input")}
	case limits.DepthExceeds(input, limits.MaxDepth):
		err = &stateError{Error: limits.TooDeep("The state input")}
	case (st.typ == typeMap || st.typ == typeParallel) && (opts.WholeResult != nil || opts.WholeError != nil):
		out, next, err = r.mocked(opts)
	default:
		out, next, err = r.execute()
	}
	if err != nil && !err.timedOut && !err.aborted && ctx.Err() != nil {
		err = ex.ctxError() // stopped by the deadline, whatever error the evaluation met
	}
	if err == nil && len(out) > MaxPayloadBytes {
		err = &stateError{Error: dataLimitError(st.name)}
	}
	shapeInspection(&r, &res.Inspection)
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
		res.Error, res.Cause = capError(err.Name), capCause(err.Cause)
		// The retry counts so far are unknown to a lone run: RetryCount stands for them all on
		// the matching retrier.
		rs := retryState{total: opts.RetryCount}
		matched := -1
		if len(st.retry) > 0 {
			rs.counts = make([]int, len(st.retry))
			for i := range st.retry {
				if matches(st.retry[i].errorEquals, *err, true) {
					rs.counts[i], matched = opts.RetryCount, i
					break
				}
			}
		}
		if d, ok := rs.next(st.retry, *err); ok && !err.timedOut && !err.aborted {
			res.Status = StateRetriable
			res.Inspection.RetryIndex, res.Inspection.RetryBackoff = rs.last, d
			break
		}
		// An exhausted retrier still names itself, without a backoff
		// (test_state_configuration.py::test_state_configuration_retrier_retry_count).
		if !err.timedOut && !err.aborted {
			res.Inspection.RetryIndex = matched
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

// mocked runs a Map or Parallel state whose whole result (or error) a mock gives: the
// iterations or branches do not run.
func (r *stateRun) mocked(opts StateOptions) ([]byte, int, *stateError) {
	st := r.st
	var b *bindings
	if st.jsonata {
		b = r.bindings()
	}
	if ms := st.mapSpec; ms != nil {
		if !st.jsonata {
			if err := r.mockedItems(ms); err != nil {
				return nil, end, err
			}
		}
		maxConc, err := r.intValue(&ms.maxConcurrency, b)
		if err != nil {
			return nil, end, err
		}
		r.insp.MaxConcurrency = &maxConc
		tolCount, err := r.intValue(&ms.toleratedCount, b)
		if err != nil {
			return nil, end, err
		}
		tolPercent, err := r.percentValue(&ms.toleratedPercent, b)
		if err != nil {
			return nil, end, err
		}
		if tolCount < 0 {
			return nil, end, r.runtime(failure.New(failure.Runtime, "ToleratedFailureCount cannot be negative."))
		}
		if tolPercent < 0 || tolPercent > 100 {
			return nil, end, r.runtime(failure.New(failure.Runtime, "ToleratedFailurePercentage must be between 0 and 100."))
		}
		if ms.toleratedCount.set {
			r.insp.ToleratedFailureCount = &tolCount
		}
		if ms.toleratedPercent.set {
			r.insp.ToleratedFailurePercentage = &tolPercent
		}
		if opts.WholeError == nil && opts.MapIterationFailures > 0 && (ms.toleratedCount.set || ms.toleratedPercent.set) {
			n := int64(opts.MapIterationFailures)
			items := int64(len(gjsonArray(opts.WholeResult)))
			exceeded := true
			if ms.toleratedCount.set && n <= tolCount {
				exceeded = false
			}
			if ms.toleratedPercent.set && items > 0 && float64(n)*100/float64(items) <= tolPercent {
				exceeded = false
			}
			if exceeded {
				return nil, end, &stateError{Error: &failure.Error{
					Name:  failure.ExceedToleratedFailureThreshold,
					Cause: "The specified tolerated failure threshold was exceeded",
				}}
			}
		}
	}
	if opts.WholeError != nil {
		e := *opts.WholeError
		return nil, end, &stateError{Error: &e}
	}
	if st.jsonata {
		out, err := r.finishJSONata(opts.WholeResult, true)
		return out, r.next(), err
	}
	out, err := r.finishResult(opts.WholeResult)
	return out, r.next(), err
}

// mockedItems applies a mocked JSONPath Map's InputPath and ItemsPath, as AWS does before it
// takes the mock: the items must be an array. AWS names the path with the context object's
// "$$" read as "$" (test_state_context_object.py::test_state_map_context_object).
func (r *stateRun) mockedItems(ms *mapSpec) *stateError {
	st := r.st
	doc := r.input
	switch {
	case st.inputPathNull:
		doc = emptyObject
	case st.inputPath != nil:
		v, err := r.evalPath(st.inputPath, doc)
		if err != nil {
			return err
		}
		doc = v
	}
	r.insp.AfterInputPath = doc
	path := "$"
	if ms.itemsPath != nil {
		v, err := r.evalPath(ms.itemsPath, doc)
		if err != nil {
			return err
		}
		doc, path = v, strings.TrimPrefix(ms.itemsPath.String(), "$")
		if path == "" || path[0] != '$' {
			path = "$" + path
		}
	}
	if !gjson.ParseBytes(doc).IsArray() {
		return &stateError{Error: failure.New(failure.Runtime, "Reference path \"%s\" must point to array.", path)}
	}
	r.insp.AfterItemsPath = doc
	return nil
}

// gjsonArray lists the elements of a JSON array (none for anything else).
func gjsonArray(doc []byte) []json.RawMessage {
	var a []json.RawMessage
	_ = json.Unmarshal(doc, &a)
	return a
}

// shapeInspection makes the recorded steps read as AWS's inspectionData does: a JSONPath state
// shows each step of its data flow even where the step is a no-op (afterParameters without
// Parameters, afterResultSelector without ResultSelector), a Pass state with Result shows no input
// processing, Map and Parallel show no raw result, and a JSONata state shows only its
// Arguments and, for a Task, the result.
func shapeInspection(r *stateRun, in *Inspection) {
	st := r.st
	if st.jsonata {
		in.AfterInputPath, in.AfterParameters, in.AfterResultSelector, in.AfterResultPath = nil, nil, nil, nil
		if st.typ != typeTask {
			in.Result, in.AfterArguments = nil, nil
		}
		return
	}
	switch st.typ {
	case typePass, typeTask:
		if in.AfterInputPath != nil && in.AfterParameters == nil {
			in.AfterParameters = in.AfterInputPath
		}
	case typeChoice, typeSucceed, typeFail, typeWait:
		if in.AfterInputPath == nil {
			in.AfterInputPath = in.Input
			if st.inputPathNull {
				in.AfterInputPath = emptyObject
			} else if st.inputPath != nil {
				if v, err := r.evalPath(st.inputPath, in.Input); err == nil {
					in.AfterInputPath = v
				} else {
					in.AfterInputPath = nil
				}
			}
		}
	}
	if in.AfterResultPath != nil && in.AfterResultSelector == nil {
		in.AfterResultSelector = in.Result
	}
	switch {
	case st.typ == typePass && st.result != nil:
		in.AfterInputPath, in.AfterParameters = nil, nil
	case st.typ == typePass, st.typ == typeMap, st.typ == typeParallel:
		in.Result = nil
	}
}

// mergeContext lays a context object given to TestState over the one the state would see: each
// of its top-level objects (Execution, State, StateMachine, Task) replaces the members it names.
func mergeContext(base, given []byte) []byte {
	var b, g map[string]json.RawMessage
	if json.Unmarshal(base, &b) != nil || json.Unmarshal(given, &g) != nil {
		return given
	}
	for k, gv := range g {
		var bo, go_ map[string]json.RawMessage
		if json.Unmarshal(b[k], &bo) == nil && bo != nil && json.Unmarshal(gv, &go_) == nil && go_ != nil {
			for mk, mv := range go_ {
				bo[mk] = mv
			}
			merged, _ := json.Marshal(bo)
			b[k] = merged
			continue
		}
		b[k] = gv
	}
	out, err := json.Marshal(b)
	if err != nil {
		return given
	}
	return out
}
