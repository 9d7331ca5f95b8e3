package engine

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/limits"
	"github.com/tidwall/gjson"
)

// maxSelectedBytes bounds the iteration inputs a Map state's ItemSelector makes, all of which
// are held until the iterations have run: 64 payloads, as many as 4 evaluations may build.
const maxSelectedBytes = 4 * limits.EvalBytes

// mapState runs an inline Map state: one iteration of the item processor per item (or batch),
// with at most MaxConcurrency running at once; the result is the array of the iterations'
// outputs in item order.
func (r *stateRun) mapState() ([]byte, int, *stateError) {
	st := r.st
	ms := st.mapSpec
	if ms.unsupported != "" {
		return nil, end, r.runtime(failure.New(failure.Runtime,
			"stepjet does not support the field '%s': it runs Map states over their input, and a Distributed Map's reading from or writing to Amazon S3 is not available", ms.unsupported))
	}
	f := r.f
	ex := f.ex
	var b *bindings
	var effInput, items []byte
	if st.jsonata {
		b = r.bindings()
		effInput = r.input
		switch {
		case ms.itemsExpr != nil:
			v, err := b.evalDefined(ms.itemsExpr, "Items")
			if err != nil {
				return nil, end, err
			}
			if len(v) == 0 || v[0] != '[' {
				return nil, end, r.runtime(failure.New(failure.QueryEvaluationError,
					"The JSONata expression '%s' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '%s' for value: %s",
					ms.itemsExpr.String(), jsonTypeName(v, true), string(v)))
			}
			items = v
		case ms.itemsLit != nil:
			v, err := ms.itemsLit.Eval(b.scope())
			if err != nil {
				return nil, end, r.runtime(err)
			}
			items = v
		default:
			items = r.input
		}
	} else {
		if st.inputPathNull {
			effInput = emptyObject
		} else {
			effInput = r.input
			if st.inputPath != nil {
				v, err := r.evalPath(st.inputPath, effInput)
				if err != nil {
					return nil, end, err
				}
				effInput = v
			}
		}
		items = effInput
		if ms.itemsPath != nil {
			v, err := r.evalPath(ms.itemsPath, effInput)
			if err != nil {
				return nil, end, err
			}
			items = v
		}
	}
	parsed := gjson.ParseBytes(items)
	if !parsed.IsArray() && st.jsonata {
		// Only the state input can be a non-array here: an Items expression was checked above.
		return nil, end, r.runtime(failure.New(failure.QueryEvaluationError,
			"Map state input must be an array but was: %s", compact(items)))
	}
	if !parsed.IsArray() {
		path := "$"
		if ms.itemsPath != nil {
			path = ms.itemsPath.String()
		}
		return nil, end, r.runtime(failure.New(failure.Runtime,
			"Item path %s in the state input did not resolve to a JSON array: %s", path, compact(items)))
	}
	elems := parsed.Array()

	maxConc, serr := r.intValue(&ms.maxConcurrency, b)
	if serr != nil {
		return nil, end, serr
	}
	tolCount, serr := r.intValue(&ms.toleratedCount, b)
	if serr != nil {
		return nil, end, serr
	}
	if tolCount < 0 {
		return nil, end, r.runtime(failure.New(failure.Runtime, "ToleratedFailureCount cannot be negative."))
	}
	tolPercent, serr := r.percentValue(&ms.toleratedPercent, b)
	if serr != nil {
		return nil, end, serr
	}
	if tolPercent < 0 || tolPercent > 100 {
		return nil, end, r.runtime(failure.New(failure.Runtime, "ToleratedFailurePercentage must be between 0 and 100."))
	}

	// Each iteration's input: ItemSelector (with $$.Map.Item) or the item itself.
	inputs := make([][]byte, len(elems))
	selected := 0
	for i, e := range elems {
		// The item's bytes, shared with the items document rather than copied.
		raw := []byte(e.Raw)
		if e.Index > 0 && e.Index+len(e.Raw) <= len(items) {
			raw = items[e.Index : e.Index+len(e.Raw) : e.Index+len(e.Raw)]
		}
		inputs[i] = raw
		if ms.itemSelector == nil && ms.itemSelectorJSONata == nil {
			continue
		}
		ir := *r
		ir.mapIndex, ir.mapValue, ir.ctxDoc = i, raw, nil
		var v []byte
		var err error
		if ms.itemSelectorJSONata != nil {
			ib := ir.bindings()
			ib.input = effInput
			v, err = ms.itemSelectorJSONata.Eval(ib.scope())
		} else {
			v, err = ms.itemSelector.Eval(ir.env(effInput))
		}
		if err != nil {
			return nil, end, r.runtime(err)
		}
		if selected += len(v); selected > maxSelectedBytes {
			return nil, end, r.runtime(&failure.Error{Name: failure.DataLimitExceeded, Cause: fmt.Sprintf(
				"The ItemSelector made more than %d bytes of iteration inputs (at item %d of %d)", maxSelectedBytes, i, len(elems))})
		}
		inputs[i] = v
	}
	if ms.batcher != nil {
		batches, err := r.batch(inputs, effInput, b)
		if err != nil {
			return nil, end, err
		}
		inputs = batches
	}

	if ex.traced() {
		n := len(inputs)
		f.prev = ex.hist.emit(f.prev, "MapStateStarted", "mapStateStartedEventDetails", func(b []byte) []byte {
			return append(intMember(append(b, '{'), "length", int64(n)), '}')
		})
	} else {
		f.prev = ex.hist.emit(f.prev, "MapStateStarted", "", nil)
	}
	r.started = true

	outs, ferr := r.iterate(inputs, int(maxConc), tolCount, tolPercent, ms.toleratedCount.set, ms.toleratedPercent.set)
	if ferr != nil {
		return nil, end, ferr
	}
	result := joinArray(outs)
	f.prev = ex.hist.emit(f.prev, "MapStateSucceeded", "", nil)
	if st.jsonata {
		out, err := r.finishJSONata(result, true)
		return out, r.next(), err
	}
	out, err := r.finishResult(result)
	return out, r.next(), err
}

// iterate runs the iterations with bounded concurrency. Without tolerated failures the first
// failure cancels the rest and fails the state with the iteration's own error.
func (r *stateRun) iterate(inputs [][]byte, maxConc int, tolCount int64, tolPercent float64, countSet, percentSet bool) ([][]byte, *stateError) {
	f := r.f
	ex := f.ex
	name := r.st.name
	proc := r.st.mapSpec.processor
	outs := make([][]byte, len(inputs))
	if len(inputs) == 0 {
		return outs, nil
	}
	// MaxConcurrency 0 (no limit) and values above the cap run at the cap: AWS runs inline
	// Map iterations up to 40 at a time, and a MaxConcurrency of a million must not start a
	// million goroutines. Results are in item order at any concurrency.
	workers := ex.opts.MapConcurrency
	if workers <= 0 {
		workers = DefaultMapConcurrency
	}
	if maxConc > 0 && maxConc < workers {
		workers = maxConc
	}
	if workers > len(inputs) {
		workers = len(inputs)
	}
	if s, ok := ex.opts.Tasks.(ScriptedInvoker); ok && s.Scripted() {
		workers = 1 // scripted answers go to the iterations in item order
	}
	tolerant := countSet || percentSet
	ctx, cancel := context.WithCancel(r.runCtx())
	defer cancel()
	obs := ex.opts.Observer
	var (
		next     atomic.Int64
		failed   atomic.Int64
		outBytes atomic.Int64 // the size of the results so far, against the payload limit
		once     sync.Once
		firstErr *stateError
		wg       sync.WaitGroup
	)
	iterDetails := func(i int) func([]byte) []byte {
		if !ex.traced() {
			return nil
		}
		return func(b []byte) []byte {
			b = append(b, '{')
			b = member(b, "name", name)
			b = intMember(b, "index", int64(i))
			return append(b, '}')
		}
	}
	worker := func() {
		defer wg.Done()
		// One frame per worker, and its scope reused until an iteration assigns to it.
		it := &frame{ex: ex, ctx: ctx, vars: &scope{parent: f.vars}}
		defer func() { it.vars.release() }()
		if err := it.enter(); err != nil {
			return // the execution or the Map state ended: nothing more to run
		}
		defer it.leave()
		for {
			i := int(next.Add(1)) - 1
			if i >= len(inputs) || ctx.Err() != nil {
				return
			}
			// A redrive keeps the output of an iteration that succeeded, and resumes one that
			// did not.
			part := r.resumed.part(i)
			if part != nil && part.done {
				outs[i] = part.output
				outBytes.Add(int64(len(part.output)) + 1)
				continue
			}
			start := ex.hist.emit(f.prev, "MapIterationStarted", "mapIterationStartedEventDetails", iterDetails(i))
			if it.vars.vars != nil {
				it.vars.release()
				it.vars = &scope{parent: f.vars}
			}
			it.prev = start
			var s Step
			if obs != nil {
				s = Step{Kind: StepMapIteration, Name: name, Type: "Map", Index: i}
				it.ctx = obs.Begin(ctx, s)
			}
			var out []byte
			var err *stateError
			if part != nil {
				out, err = it.resume(proc, part.at)
			} else {
				out, err = it.runProgram(proc, inputs[i])
			}
			if obs != nil {
				obs.End(it.ctx, s, stepEnd(err, 0))
			}
			if err != nil {
				if err.aborted && ctx.Err() != nil && f.ctx.Err() == nil {
					return // cancelled by a sibling's failure
				}
				ex.hist.emit(it.prev, "MapIterationFailed", "mapIterationFailedEventDetails", iterDetails(i))
				if tolerant && !err.timedOut && !err.aborted {
					failed.Add(1)
					outs[i] = errorOutput(err.Error)
					continue
				}
				once.Do(func() { firstErr = err; cancel() })
				return
			}
			ex.hist.emit(it.prev, "MapIterationSucceeded", "mapIterationSucceededEventDetails", iterDetails(i))
			if outBytes.Add(int64(len(out))+1) > limits.EvalBytes {
				// The results are held until the last iteration ends: past what an evaluation
				// may build (ResultSelector or Output may still cut a large result down to a
				// payload), stop now rather than hold every iteration's output first.
				once.Do(func() {
					firstErr = &stateError{Error: &failure.Error{Name: failure.DataLimitExceeded, Cause: fmt.Sprintf(
						"The iterations of the Map state '%s' returned more than %d bytes of results", name, limits.EvalBytes)}}
					cancel()
				})
				return
			}
			outs[i] = out
		}
	}
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go worker()
	}
	f.leave() // the iterations compute; this thread only waits for them
	wg.Wait()
	if err := f.enter(); err != nil {
		return nil, err
	}
	if firstErr != nil {
		if f.ctx.Err() != nil {
			return nil, f.ctxError()
		}
		e := *firstErr
		e.task = false
		return nil, &e
	}
	if f.ctx.Err() != nil {
		return nil, f.ctxError()
	}
	if n := failed.Load(); n > 0 {
		exceeded := true
		if countSet && n <= tolCount {
			exceeded = false
		}
		if percentSet && float64(n)*100/float64(len(inputs)) <= tolPercent {
			exceeded = false
		}
		if exceeded {
			return nil, &stateError{Error: &failure.Error{
				Name:  failure.ExceedToleratedFailureThreshold,
				Cause: "The specified tolerated failure threshold was exceeded",
			}}
		}
	}
	return outs, nil
}

// batch groups iteration inputs per ItemBatcher: {"Items": [...], "BatchInput": ...}.
func (r *stateRun) batch(inputs [][]byte, effInput []byte, b *bindings) ([][]byte, *stateError) {
	bt := r.st.mapSpec.batcher
	maxItems, err := r.intValue(&bt.maxItems, b)
	if err != nil {
		return nil, err
	}
	maxBytes, err := r.intValue(&bt.maxBytes, b)
	if err != nil {
		return nil, err
	}
	if maxItems <= 0 {
		maxItems = math.MaxInt64
	}
	if maxBytes <= 0 {
		maxBytes = MaxPayloadBytes
	}
	var batchInput []byte
	if bt.batchInput != nil {
		v, e := bt.batchInput.Eval(r.env(effInput))
		if e != nil {
			return nil, r.runtime(e)
		}
		batchInput = v
	} else if bt.batchInputJSONata != nil {
		if b == nil {
			b = r.bindings()
		}
		v, e := bt.batchInputJSONata.Eval(b.scope())
		if e != nil {
			return nil, r.runtime(e)
		}
		batchInput = v
	}
	var batches [][]byte
	var cur [][]byte
	size := int64(0)
	flush := func() {
		if len(cur) == 0 {
			return
		}
		o := append([]byte(`{"Items":`), joinArray(cur)...)
		if batchInput != nil {
			o = append(o, `,"BatchInput":`...)
			o = append(o, batchInput...)
		}
		batches = append(batches, append(o, '}'))
		cur, size = nil, 0
	}
	for _, in := range inputs {
		if len(cur) > 0 && (int64(len(cur)) >= maxItems || size+int64(len(in))+1 > maxBytes) {
			flush()
		}
		cur = append(cur, in)
		size += int64(len(in)) + 1
	}
	flush()
	return batches, nil
}

// percentValue is ToleratedFailurePercentage: unlike the other integer fields it is a number, so a
// value from ToleratedFailurePercentagePath may have a fraction (AWS runs 1.1 and refuses only
// what is not a number, "which is not a valid float").
func (r *stateRun) percentValue(fl *intField, b *bindings) (float64, *stateError) {
	if !fl.set || fl.path == nil {
		n, err := r.intValue(fl, b)
		return float64(n), err
	}
	v, err := r.evalPath(fl.path, r.input)
	if err != nil {
		return 0, err
	}
	txt := v
	if len(v) > 1 && v[0] == '"' {
		txt = v[1 : len(v)-1]
	}
	n, perr := strconv.ParseFloat(string(txt), 64)
	if perr != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, r.runtime(failure.New(failure.Runtime,
			"The %s field refers to value %s which is not a valid float: %s", fl.field, quoteValue(v), fl.path.String()))
	}
	return n, nil
}
