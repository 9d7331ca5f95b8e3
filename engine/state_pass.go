package engine

// pass runs a Pass state: its result is Result, or else the effective input.
func (r *stateRun) pass() ([]byte, int, *stateError) {
	if r.st.jsonata {
		out, err := r.finishJSONata(nil, false)
		return out, r.next(), err
	}
	doc, err := r.effectiveInput()
	if err != nil {
		return nil, end, err
	}
	if r.st.result != nil {
		doc = r.st.result
	}
	out, err := r.finishResult(doc)
	return out, r.next(), err
}
