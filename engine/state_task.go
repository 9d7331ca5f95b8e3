package engine

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/limits"
	"github.com/stepjet/stepjet/engine/payload"
)

// task runs one attempt of a Task state: effective input, invocation, result processing.
func (r *stateRun) task() ([]byte, int, *stateError) {
	st := r.st
	t := st.task
	var args []byte
	var b *bindings
	if st.jsonata {
		args = r.input
		if st.arguments != nil || t.timeout.expr != nil || t.heartbeat.expr != nil {
			b = r.bindings() // one Scope for every expression before the call
		}
		if st.arguments != nil {
			v, err := st.arguments.Eval(b.scope())
			if err != nil {
				return nil, end, r.runtime(err)
			}
			args = v
			if r.insp != nil {
				r.insp.AfterArguments = v
			}
		}
	} else {
		v, err := r.effectiveInput()
		if err != nil {
			return nil, end, err
		}
		args = v
	}
	timeout, serr := r.intValue(&t.timeout, b)
	if serr != nil {
		return nil, end, serr
	}
	if _, serr = r.intValue(&t.heartbeat, b); serr != nil {
		return nil, end, serr
	}
	if b != nil {
		b.release()
	}
	result, serr := r.invoke(args, time.Duration(timeout)*time.Second)
	return r.taskResult(result, serr)
}

// taskResult is the rest of a Task state's work once its task answered (result, or serr).
func (r *stateRun) taskResult(result []byte, serr *stateError) ([]byte, int, *stateError) {
	st := r.st
	if serr != nil {
		return nil, end, serr
	}
	if r.f.ex.compact {
		// The result enters the execution compact, as the input does (see execution.compact);
		// the history's event keeps it as the task gave it.
		given := result
		result = payload.Compact(result)
		if r.f.ex.m.jsonata && sameBytes(result, given) {
			// The execution's own copy: an invoker may write over the buffer it returned
			// once it is called again, and JSONata's Scope trusts a document it found
			// before to hold the same bytes (bindings.scope).
			result = bytes.Clone(result)
		}
	}
	if st.jsonata {
		out, err := r.finishJSONata(result, true)
		return out, r.next(), err
	}
	out, err := r.finishResult(result)
	return out, r.next(), err
}

// invoke calls the task invoker with history events around the call, and turns its failure into
// the state's error.
func (r *stateRun) invoke(args []byte, timeout time.Duration) ([]byte, *stateError) {
	f := r.f
	ex := f.ex
	t := r.st.task
	lambda := t.resourceType == "lambda" && !t.lambdaInvoke
	schedType, startType := "TaskScheduled", "TaskStarted"
	schedKey, startKey := "taskScheduledEventDetails", "taskStartedEventDetails"
	if lambda {
		schedType, startType = "LambdaFunctionScheduled", "LambdaFunctionStarted"
		schedKey, startKey = "lambdaFunctionScheduledEventDetails", ""
	}
	var resource func([]byte) []byte
	var d func([]byte) []byte
	if ex.traced() {
		resource = taskResource(t, lambda)
		d = func(b []byte) []byte {
			b = append(b, '{')
			if lambda {
				b = member(b, "resource", t.resource)
				if ex.hist.data {
					b = payloadMember(b, "input", args)
				}
			} else {
				b = resource(b)
				b = member(b, "region", regionOf(t.region))
				if ex.hist.data {
					b = member(b, "parameters", string(args))
				}
			}
			if timeout > 0 {
				b = intMember(b, "timeoutInSeconds", int64(timeout/time.Second))
			}
			return append(b, '}')
		}
	}
	f.prev = ex.hist.emit(f.prev, schedType, schedKey, d)
	if ex.traced() && !lambda {
		d = func(b []byte) []byte { return append(resource(append(b, '{')), '}') }
	} else {
		d = nil
	}
	f.prev = ex.hist.emit(f.prev, startType, startKey, d)

	attempt := 0
	if ex.attempts != nil {
		attempt = int(ex.attempts[t.index].Add(1)) - 1
	}
	result, err := r.call(args, timeout, attempt)
	if err != nil && err.parked {
		return nil, err
	}
	return r.invoked(result, err)
}

// invoked is the rest of invoke once the task answered: the task's last event.
func (r *stateRun) invoked(result []byte, err *stateError) ([]byte, *stateError) {
	f := r.f
	ex := f.ex
	t := r.st.task
	lambda := t.resourceType == "lambda" && !t.lambdaInvoke
	okType, failType, timeoutType := "TaskSucceeded", "TaskFailed", "TaskTimedOut"
	okKey, failKey, timeoutKey := "taskSucceededEventDetails", "taskFailedEventDetails", "taskTimedOutEventDetails"
	if lambda {
		okType, failType, timeoutType = "LambdaFunctionSucceeded", "LambdaFunctionFailed", "LambdaFunctionTimedOut"
		okKey, failKey, timeoutKey = "lambdaFunctionSucceededEventDetails", "lambdaFunctionFailedEventDetails", "lambdaFunctionTimedOutEventDetails"
	}
	var resource, d func([]byte) []byte
	if ex.traced() {
		resource = taskResource(t, lambda)
	}
	if err == nil && len(result) > MaxPayloadBytes {
		// AWS names the service here ('lambda' for lambda:invoke), not the state; for a bare
		// function ARN it names the function's ARN.
		who := t.resourceType
		if lambda {
			who = t.resource
		} else if who == "" {
			who = r.st.name
		}
		err = &stateError{Error: dataLimitError(who), task: true}
	} else if err == nil && limits.DepthExceeds(result, limits.MaxDepth) {
		// The same nesting limit as the execution input's: paths over such a document
		// cost time and memory quadratic in its depth.
		err = &stateError{Error: limits.TooDeep("The result of the task in state '" + r.st.name + "'"), task: true}
	}
	if err != nil {
		typ, key := failType, failKey
		if err.Name == failure.Timeout && !err.timedOut {
			typ, key = timeoutType, timeoutKey
		}
		if err.timedOut || err.aborted {
			return nil, err
		}
		f.prev = ex.hist.emit(f.prev, typ, key, detailsIf(ex, errorDetails(resource, err.Name, err.Cause)))
		return nil, err
	}
	if ex.traced() {
		d = func(b []byte) []byte {
			b = append(b, '{')
			b = resource(b)
			if ex.hist.data {
				b = payloadMember(b, "output", result)
			}
			return append(b, '}')
		}
	}
	f.prev = ex.hist.emit(f.prev, okType, okKey, d)
	return result, nil
}

// taskResource appends a task event's resource members (none for a bare Lambda function).
func taskResource(t *taskSpec, lambda bool) func([]byte) []byte {
	return func(b []byte) []byte {
		if lambda {
			return b
		}
		b = member(b, "resourceType", t.resourceType)
		return member(b, "resource", t.resourceName)
	}
}

func regionOf(r string) string {
	if r == "" {
		return defaultRegion
	}
	return r
}

// call runs the invoker under the task's timeout and classifies what it returns.
func (r *stateRun) call(args []byte, timeout time.Duration, attempt int) ([]byte, *stateError) {
	ex := r.f.ex
	t := r.st.task
	if ex.opts.Tasks == nil {
		return nil, &stateError{Error: &failure.Error{
			Name:  failure.TaskFailed,
			Cause: "No task invoker is configured to run resource '" + t.resource + "' of state '" + r.st.name + "'",
		}, task: true}
	}
	ctx := r.runCtx()
	cancel := context.CancelFunc(func() {})
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	req := TaskRequest{
		Resource:     t.resource,
		StateName:    r.st.name,
		Input:        args,
		ExecutionArn: ex.identity().arn,
		Attempt:      attempt,
		Timeout:      timeout,
	}
	r.f.leave() // the task may take long: let another thread compute meanwhile
	if r.f.parks {
		if ts, ok := ex.opts.Tasks.(TaskStarter); ok {
			if serr := r.parkTask(ts, ctx, cancel, req); serr != nil {
				return nil, serr // errParked: Resume goes on with called
			}
		}
	}
	result, err := ex.opts.Tasks.Invoke(ctx, req)
	defer cancel()
	return r.called(ctx, timeout, result, err)
}

// called is the rest of call once the invoker answered: the thread's turn back, and what the
// answer means for the state.
func (r *stateRun) called(ctx context.Context, timeout time.Duration, result []byte, err error) ([]byte, *stateError) {
	if r.f.ctx.Err() != nil {
		return nil, r.f.ctxError()
	}
	if gerr := r.f.enter(); gerr != nil {
		return nil, gerr
	}
	if err != nil {
		var fe *failure.Error
		if errors.As(err, &fe) {
			return nil, &stateError{Error: fe, task: true}
		}
		if timeout > 0 && errors.Is(err, context.DeadlineExceeded) {
			return nil, &stateError{Error: &failure.Error{Name: failure.Timeout}, task: true}
		}
		return nil, &stateError{Error: &failure.Error{Name: failure.TaskFailed, Cause: err.Error()}, task: true}
	}
	if timeout > 0 && ctx.Err() != nil {
		return nil, &stateError{Error: &failure.Error{Name: failure.Timeout}, task: true}
	}
	if len(result) == 0 {
		result = []byte("null")
	}
	return result, nil
}

// intValue resolves a numeric field (literal, *Path, or JSONata) to an integer; 0 when unset.
func (r *stateRun) intValue(fl *intField, b *bindings) (int64, *stateError) {
	switch {
	case !fl.set:
		return 0, nil
	case fl.path != nil:
		v, err := r.evalPath(fl.path, r.input)
		if err != nil {
			return 0, err
		}
		// AWS also takes an integer written as a JSON string ("1").
		txt := v
		if len(v) > 1 && v[0] == '"' {
			txt = v[1 : len(v)-1]
		}
		n, perr := strconv.ParseInt(string(txt), 10, 64)
		if perr != nil {
			return 0, r.runtime(failure.New(failure.Runtime,
				"The %s field refers to value %s which is not a valid integer: %s", fl.field, quoteValue(v), fl.path.String()))
		}
		if fl.outOfRange(n) {
			return 0, r.runtime(failure.New(failure.Runtime,
				"The %s field refers to value %d which is out of range: %s (it must be between %d and %d)", fl.field, n, fl.path.String(), fl.min, fl.max))
		}
		return n, nil
	case fl.expr != nil:
		if b == nil {
			b = r.bindings()
		}
		v, err := b.evalDefined(fl.expr, fl.field)
		if err != nil {
			return 0, err
		}
		n, perr := strconv.ParseFloat(string(v), 64)
		if perr != nil || n != float64(int64(n)) {
			return 0, r.runtime(failure.New(failure.QueryEvaluationError,
				"The JSONata expression '%s' specified for the field '%s' returned an unexpected result type. Expected 'integer', but was '%s' for value: %s",
				fl.expr.String(), fl.field, jsonTypeName(v, true), string(v)))
		}
		// AWS's JSONata page: an out-of-range value fails with States.QueryEvaluationError.
		if fl.outOfRange(int64(n)) {
			return 0, r.runtime(failure.New(failure.QueryEvaluationError,
				"The JSONata expression '%s' specified for the field '%s' returned %s, which is out of range: it must be between %d and %d",
				fl.expr.String(), fl.field, string(v), fl.min, fl.max))
		}
		return int64(n), nil
	}
	return fl.value, nil
}

func (fl *intField) outOfRange(n int64) bool {
	return fl.max > 0 && (n < fl.min || n > fl.max)
}

// quoteValue writes a JSON value as AWS quotes it in "not a valid integer" causes: strings
// and other values in double quotes.
func quoteValue(v []byte) string {
	if len(v) > 0 && v[0] == '"' {
		return string(v)
	}
	return `"` + string(v) + `"`
}
