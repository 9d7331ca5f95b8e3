package engine

import "github.com/stepjet/stepjet/engine/failure"

// choice runs a Choice state: the first rule that matches names the next state (and may
// assign variables); otherwise Default, otherwise States.NoChoiceMatched.
func (r *stateRun) choice() ([]byte, int, *stateError) {
	st := r.st
	cs := st.choice
	if st.jsonata {
		b := r.bindings()
		defer b.release()
		for i := range cs.rules {
			rule := &cs.rules[i]
			if rule.constant < 0 {
				continue
			}
			v := []byte("true")
			if rule.constant == 0 {
				var err *stateError
				if v, err = b.evalDefined(rule.condition, "Condition"); err != nil {
					return nil, end, err
				}
			}
			if string(v) != "true" && string(v) != "false" {
				return nil, end, r.runtime(failure.New(failure.QueryEvaluationError,
					"The JSONata expression '%s' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was '%s' for value: %s",
					rule.condition.String(), jsonTypeName(v, true), string(v)))
			}
			if string(v) != "true" {
				continue
			}
			// The state's own Output and Assign apply only to the Default transition.
			out := r.input
			if rule.output != nil {
				o, err := rule.output.Eval(b.scope())
				if err != nil {
					return nil, end, r.runtime(err)
				}
				out = o
			}
			if rule.assignJSONata != nil {
				obj, err := rule.assignJSONata.Eval(b.scope())
				if err != nil {
					return nil, end, r.runtime(err)
				}
				r.assigned = obj
			}
			return out, rule.next, nil
		}
		if cs.hasDflt {
			out, err := r.finishJSONata(nil, false)
			return out, cs.deflt, err
		}
		return nil, end, r.noChoice()
	}
	doc, serr := r.inputPathOf(r.input)
	if serr != nil {
		return nil, end, serr
	}
	env := r.env(doc)
	for i := range cs.rules {
		rule := &cs.rules[i]
		ok, err := rule.rule.Eval(env)
		if err != nil {
			return nil, end, r.runtime(err)
		}
		if !ok {
			continue
		}
		if rule.assign != nil {
			obj, err := rule.assign.Eval(env)
			if err != nil {
				return nil, end, r.runtime(err)
			}
			r.assigned = obj
		}
		out, serr := r.outputPath(doc)
		return out, rule.next, serr
	}
	if cs.hasDflt {
		// The state's own Assign applies only to the Default transition.
		if err := r.assignJSONPath(st, doc); err != nil {
			return nil, end, err
		}
		out, serr := r.outputPath(doc)
		return out, cs.deflt, serr
	}
	return nil, end, r.noChoice()
}

func (r *stateRun) noChoice() *stateError {
	// AWS's exact cause text for this error is not in the recorded cases; this one says what
	// happened in the same prefixed form.
	return r.runtime(failure.New(failure.NoChoiceMatched, "No choice rule matched and the state has no Default."))
}

// jsonTypeName names a JSON value's type as AWS's messages do.
func jsonTypeName(v []byte, defined bool) string {
	if !defined || len(v) == 0 {
		return "null"
	}
	switch v[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
