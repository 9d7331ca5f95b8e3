package engine

import (
	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

var emptyObject = []byte("{}")

// env is the set of documents JSONPaths of this state read, with doc as "$".
func (r *stateRun) env(doc []byte) *jsonpath.Env {
	e := r.envOf(doc)
	return &e
}

// envOf is env as a value, for a caller that can keep it on its stack.
func (r *stateRun) envOf(doc []byte) jsonpath.Env {
	e := jsonpath.Env{Input: doc, Vars: r.f.vars, Compact: r.f.ex.compact, Budget: &r.f.ex.budget}
	if r.st.needsContext {
		e.Context = r.context()
	}
	return e
}

// evalPath evaluates a path on doc (or on $$ / a variable, as its root says).
func (r *stateRun) evalPath(p *jsonpath.Path, doc []byte) ([]byte, *stateError) {
	e := r.envOf(doc)
	v, err := e.Eval(p)
	if err != nil {
		return nil, r.runtime(err)
	}
	return v, nil
}

// effectiveInput applies InputPath then Parameters (JSONPath mode).
func (r *stateRun) effectiveInput() ([]byte, *stateError) {
	st := r.st
	if st.inputPathNull {
		return emptyObject, nil
	}
	doc := r.input
	if st.inputPath != nil {
		v, err := r.evalPath(st.inputPath, doc)
		if err != nil {
			return nil, err
		}
		doc = v
	}
	if r.insp != nil {
		r.insp.AfterInputPath = doc
	}
	if st.parameters != nil {
		v, err := st.parameters.Eval(r.env(doc))
		if err != nil {
			return nil, r.runtime(err)
		}
		doc = v
		if r.insp != nil {
			r.insp.AfterParameters = doc
		}
	}
	return doc, nil
}

// finishResult applies ResultSelector, ResultPath, Assign and OutputPath to a state's result
// (JSONPath mode).
func (r *stateRun) finishResult(result []byte) ([]byte, *stateError) {
	st := r.st
	if r.insp != nil {
		r.insp.Result = result
	}
	if st.resultSelector != nil {
		v, err := st.resultSelector.Eval(r.env(result))
		if err != nil {
			return nil, r.runtime(err)
		}
		result = v
		if r.insp != nil {
			r.insp.AfterResultSelector = result
		}
	}
	out, serr := r.applyResultPath(st.resultPath, st.resultPathNull, result)
	if serr != nil {
		return nil, serr
	}
	if r.insp != nil {
		r.insp.AfterResultPath = out
	}
	if err := r.assignJSONPath(st, result); err != nil {
		return nil, err
	}
	return r.outputPath(out)
}

// finishNoResult is the end of a state that has no result (Choice, Wait, Succeed): Assign then
// InputPath/OutputPath, or Output in JSONata.
func (r *stateRun) finishNoResult() ([]byte, *stateError) {
	st := r.st
	if st.jsonata {
		return r.finishJSONata(nil, false)
	}
	doc, err := r.inputPathOf(r.input)
	if err != nil {
		return nil, err
	}
	if err := r.assignJSONPath(st, doc); err != nil {
		return nil, err
	}
	return r.outputPath(doc)
}

// inputPathOf applies the state's InputPath to doc: null gives {}, absent or "$" gives doc.
func (r *stateRun) inputPathOf(doc []byte) ([]byte, *stateError) {
	if r.st.inputPathNull {
		return emptyObject, nil
	}
	if r.st.inputPath != nil {
		return r.evalPath(r.st.inputPath, doc)
	}
	return doc, nil
}

func (r *stateRun) outputPath(out []byte) ([]byte, *stateError) {
	st := r.st
	if st.outputPathNull {
		return emptyObject, nil
	}
	if st.outputPath != nil {
		return r.evalPath(st.outputPath, out)
	}
	return out, nil
}

// assignJSONPath evaluates the state's Assign with "$" = doc and the variables as they were
// before the state, then sets them.
func (r *stateRun) assignJSONPath(st *state, doc []byte) *stateError {
	if st.assign == nil {
		return nil
	}
	obj, err := st.assign.Eval(r.env(doc))
	if err != nil {
		return r.runtime(err)
	}
	r.assigned = obj
	return nil
}

// finishJSONata applies Output (default: the result when there is one, else the input) and
// Assign in JSONata mode. Both see the variables as they were before the state.
func (r *stateRun) finishJSONata(result []byte, hasResult bool) ([]byte, *stateError) {
	st := r.st
	if hasResult && r.insp != nil {
		r.insp.Result = result
	}
	out := r.input
	if hasResult {
		out = result
	}
	if st.output == nil && st.assignJSONata == nil {
		return out, nil // nothing to evaluate: no bindings to take
	}
	b := r.bindings()
	defer b.release()
	if hasResult {
		b.result, b.hasResult = result, true
	}
	if st.output != nil {
		v, err := st.output.Eval(b.scope())
		if err != nil {
			return nil, r.runtime(err)
		}
		out = v
	}
	if st.assignJSONata != nil {
		obj, err := st.assignJSONata.Eval(b.scope())
		if err != nil {
			return nil, r.runtime(err)
		}
		r.assigned = obj
	}
	return out, nil
}

// catch handles an error a catcher matched: the error output goes through the catcher's
// ResultPath (JSONPath) or Output (JSONata), and its Assign runs.
func (r *stateRun) catch(c *catcher, err *stateError) ([]byte, *stateError) {
	errOut := errorOutput(err.Error)
	if r.st.jsonata {
		b := r.bindings()
		b.errorOutput = errOut
		out := errOut
		if c.output != nil {
			v, e := c.output.Eval(b.scope())
			if e != nil {
				return nil, r.runtime(e)
			}
			out = v
		}
		if c.assignJSONata != nil {
			if serr := r.catchAssign(c.assignJSONata.Eval(b.scope())); serr != nil {
				return nil, serr
			}
		}
		return out, nil
	}
	out, serr := r.applyResultPath(c.resultPath, c.resultPathNull, errOut)
	if serr != nil {
		return nil, serr
	}
	if c.assign != nil {
		if serr := r.catchAssign(c.assign.Eval(r.env(errOut))); serr != nil {
			return nil, serr
		}
	}
	return out, nil
}

// applyResultPath places a result into the state input as a ResultPath says: null keeps the
// input, absent (nil) or "$" makes the result the whole output.
func (r *stateRun) applyResultPath(p *jsonpath.Path, null bool, result []byte) ([]byte, *stateError) {
	switch {
	case null:
		return r.input, nil
	case p == nil:
		return result, nil
	}
	v, err := jsonpath.Set(r.input, p, result)
	if err != nil {
		return nil, r.runtime(err)
	}
	return v, nil
}

// catchAssign sets the variables a catcher's Assign evaluated to (obj, or the evaluation's err).
func (r *stateRun) catchAssign(obj []byte, err error) *stateError {
	if err != nil {
		return r.runtime(err)
	}
	if verr := r.f.vars.assign(obj, r.st.name); verr != nil {
		return &stateError{Error: verr}
	}
	r.assigned = obj
	return nil
}

// errorOutput is the {"Error", "Cause"} object a Catch passes on.
func errorOutput(e *failure.Error) []byte {
	b := make([]byte, 0, 32+len(e.Name)+len(e.Cause))
	b = append(b, `{"Error":`...)
	b = jsonString(b, capError(e.Name))
	b = append(b, `,"Cause":`...)
	b = jsonString(b, capCause(e.Cause))
	return append(b, '}')
}
