package engine

import (
	"context"
	"sync"
)

// parallel runs a Parallel state: every branch on the same input, concurrently; the result is
// the array of the branches' outputs in branch order. A failing branch cancels the others and
// fails the state with the branch's own error.
func (r *stateRun) parallel() ([]byte, int, *stateError) {
	st := r.st
	var input []byte
	if st.jsonata {
		input = r.input
		if st.arguments != nil {
			v, err := st.arguments.Eval(r.bindings().scope())
			if err != nil {
				return nil, end, r.runtime(err)
			}
			input = v
		}
	} else {
		v, err := r.effectiveInput()
		if err != nil {
			return nil, end, err
		}
		input = v
	}
	f := r.f
	ex := f.ex
	f.prev = ex.hist.emit(f.prev, "ParallelStateStarted", "", nil)
	r.started = true

	branches := st.parallel.branches
	outs := make([][]byte, len(branches))
	ctx, cancel := context.WithCancel(r.runCtx())
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr *stateError
	)
	obs := ex.opts.Observer
	for i, p := range branches {
		// A redrive keeps the output of a branch that succeeded, and resumes one that did not.
		part := r.resumed.part(i)
		if part != nil && part.done {
			outs[i] = part.output
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			bf := &frame{ex: ex, ctx: ctx, vars: &scope{parent: f.vars}, prev: f.prev}
			var s Step
			if obs != nil {
				s = Step{Kind: StepParallelBranch, Name: st.name, Type: "Parallel", Index: i}
				bf.ctx = obs.Begin(ctx, s)
			}
			err := bf.enter()
			var out []byte
			if err == nil {
				if part != nil {
					out, err = bf.resume(p, part.at)
				} else {
					out, err = bf.runProgram(p, input)
				}
				bf.leave()
			}
			if obs != nil {
				obs.End(bf.ctx, s, stepEnd(err, 0))
			}
			bf.vars.release()
			if err != nil {
				once.Do(func() { firstErr = err; cancel() })
				return
			}
			outs[i] = out
		}()
	}
	f.leave() // the branches compute; this thread only waits for them
	wg.Wait()
	if err := f.enter(); err != nil {
		return nil, end, err
	}
	if firstErr != nil {
		if f.ctx.Err() != nil {
			return nil, end, f.ctxError()
		}
		e := *firstErr
		e.task = false
		return nil, end, &e
	}
	result := joinArray(outs)
	f.prev = ex.hist.emit(f.prev, "ParallelStateSucceeded", "", nil)
	if st.jsonata {
		out, err := r.finishJSONata(result, true)
		return out, r.next(), err
	}
	out, err := r.finishResult(result)
	return out, r.next(), err
}

// joinArray writes raw JSON values as one JSON array.
func joinArray(vals [][]byte) []byte {
	n := 2
	for _, v := range vals {
		n += len(v) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		if v == nil {
			v = []byte("null")
		}
		b = append(b, v...)
	}
	return append(b, ']')
}
