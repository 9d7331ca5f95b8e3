package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/tidwall/gjson"
)

// Redrive is where a FAILED, TIMED_OUT or ABORTED execution resumes, planned from its history
// (AWS's RedriveExecution): every state that was entered and did not exit runs again with the
// input it was entered with, in the thread of control it ran in; a Parallel branch or Map
// iteration that succeeded keeps its output and does not run again; workflow variables are what
// the history says they were when the state was entered (its threads' StateExited
// assignedVariables). Build one with Machine.PlanRedrive and pass it in RunOptions.Redrive: the
// run then continues the history (its event ids follow the kept ones) with an ExecutionRedriven
// event instead of ExecutionStarted. A Redrive is immutable and may be used by one run at a time.
type Redrive struct {
	count int
	at    time.Time
	// last is the id of the last kept event: the redriven run's events follow it.
	last int64
	top  *resumePoint
}

// Count is the execution's redrive count in this run ($$.Execution.RedriveCount).
func (r *Redrive) Count() int { return r.count }

// resumePoint is where one thread of control (the top level, a branch, an iteration) resumes:
// at state (its index in the thread's program) with input, and with the variables its own
// scope held. parts says, for a Parallel or Map state resumed, how each branch or iteration
// resumes; a branch or iteration it does not name runs from its start.
type resumePoint struct {
	state int
	input []byte
	vars  map[string][]byte
	parts map[int]*resumePart
}

// part is how branch or iteration i resumes; nil (also for a nil point) runs it from its start.
func (at *resumePoint) part(i int) *resumePart {
	if at == nil {
		return nil
	}
	return at.parts[i]
}

// resumePart is a branch or iteration: done with its output, or resumed at a point.
type resumePart struct {
	done   bool
	output []byte
	at     *resumePoint
}

// ErrNotRedrivable is what PlanRedrive and CheckRedrive return (wrapped, with the reason) for a
// history that cannot be redriven.
var ErrNotRedrivable = errors.New("the execution cannot be redriven")

func notRedrivable(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNotRedrivable}, args...)...)
}

// hev is a parsed history event.
type hev struct {
	id, prev int64
	typ      string
	d        gjson.Result // the details object
	thread   int64        // the key of its thread of control (see planner.threads)
}

func (e *hev) name() string { return e.d.Get("name").String() }

// terminal says whether typ ends a run of the execution.
func terminal(typ string) bool {
	switch typ {
	case "ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted":
		return true
	}
	return false
}

// CheckRedrive reports whether a kept history (every event of every earlier run, in order) can
// be redriven, without the definition: it must be whole (ids 1..n), begin with
// ExecutionStarted, end with ExecutionFailed, ExecutionTimedOut or ExecutionAborted, and carry
// the execution data (inputs, outputs, assigned variables) a redrive resumes from.
func CheckRedrive(events []HistoryEvent) error {
	_, err := parseHistory(events)
	return err
}

func parseHistory(events []HistoryEvent) ([]hev, error) {
	if len(events) == 0 {
		return nil, notRedrivable("no history of it is kept")
	}
	out := make([]hev, len(events))
	for i, ev := range events {
		if ev.ID != int64(i+1) || ev.PreviousEventID >= ev.ID || ev.PreviousEventID < 0 {
			return nil, notRedrivable("its kept history is incomplete (event %d of %d is missing or out of order)", i+1, len(events))
		}
		out[i] = hev{id: ev.ID, prev: ev.PreviousEventID, typ: ev.Type, d: gjson.ParseBytes(ev.Details)}
	}
	if out[0].typ != "ExecutionStarted" {
		return nil, notRedrivable("its kept history does not begin with ExecutionStarted")
	}
	if !out[0].d.Get("input").Exists() {
		return nil, notRedrivable("its history was kept without execution data (inputs, outputs and variables), which a redrive resumes from")
	}
	last := out[len(out)-1].typ
	switch last {
	case "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted":
	case "ExecutionSucceeded":
		return nil, notRedrivable("Execution is SUCCEEDED and cannot be redriven.")
	default:
		return nil, notRedrivable("its kept history ends with %s, not with the execution's end (it is running, or events were dropped)", last)
	}
	return out, nil
}

// PlanRedrive plans the redrive of an execution of m from its kept history (every event of
// every earlier run, in order; see CheckRedrive). count is the redrive count the run will have
// (the earlier one plus one) and at when it was redriven: the execution's deadline counts from
// it. The history must be one of m's executions (the definition revision it ran).
func (m *Machine) PlanRedrive(events []HistoryEvent, count int, at time.Time) (*Redrive, error) {
	evs, err := parseHistory(events)
	if err != nil {
		return nil, err
	}
	p := &planner{evs: evs}
	p.threads()
	// Each run of the execution (the first, then each redrive) is planned in turn: a redrive
	// resumes from what the runs before it left.
	var plan *resumePoint
	from := 0
	for i := range evs {
		if !terminal(evs[i].typ) {
			continue
		}
		if evs[i].typ == "ExecutionSucceeded" {
			return nil, notRedrivable("Execution is SUCCEEDED and cannot be redriven.")
		}
		part, err := p.thread(evs[from].id, m.top, plan)
		if err != nil {
			return nil, err
		}
		if part == nil || part.at == nil {
			return nil, notRedrivable("its history shows no state left to run")
		}
		plan = part.at
		from = i + 1
		if from < len(evs) && evs[from].typ != "ExecutionRedriven" {
			return nil, notRedrivable("its kept history continues after the execution ended with %s", evs[from].typ)
		}
	}
	return &Redrive{count: count, at: at, last: int64(len(evs)), top: plan}, nil
}

// planner reads a history into threads of control. A thread is keyed by the id of the event it
// starts at: ExecutionStarted or ExecutionRedriven (the top level of a run), MapIterationStarted
// (an iteration), or a branch's first state entered (its previous event is ParallelStateStarted).
type planner struct {
	evs []hev
	// byThread lists each thread's events, in order.
	byThread map[int64][]*hev
	// children lists the threads started under a ParallelStateStarted or MapStateStarted event.
	children map[int64][]int64
}

func (p *planner) ev(id int64) *hev { return &p.evs[id-1] }

func (p *planner) threads() {
	p.byThread = map[int64][]*hev{}
	p.children = map[int64][]int64{}
	for i := range p.evs {
		e := &p.evs[i]
		var parent *hev
		if e.prev > 0 {
			parent = p.ev(e.prev)
		}
		switch {
		case e.typ == "ExecutionStarted" || e.typ == "ExecutionRedriven" || parent == nil:
			e.thread = e.id
		case e.typ == "MapIterationStarted":
			e.thread = e.id
			p.children[e.prev] = append(p.children[e.prev], e.id)
		case parent.typ == "ParallelStateStarted" && isEntered(e.typ):
			e.thread = e.id
			p.children[e.prev] = append(p.children[e.prev], e.id)
		default:
			e.thread = parent.thread
		}
		p.byThread[e.thread] = append(p.byThread[e.thread], e)
	}
}

func isEntered(typ string) bool { return len(typ) > 12 && typ[len(typ)-12:] == "StateEntered" }
func isExited(typ string) bool  { return len(typ) > 11 && typ[len(typ)-11:] == "StateExited" }

// index is the index of the state named name in prog.
func (prog *program) index(name string) int {
	for i, st := range prog.states {
		if st.name == name {
			return i
		}
	}
	return -1
}

// thread plans the thread keyed key, which runs prog. prev is where the same thread resumed in
// the run before (nil when it did not resume there): the variables restored then, and the
// branches or iterations it did not run again, still hold.
func (p *planner) thread(key int64, prog *program, prev *resumePoint) (*resumePart, error) {
	var entered, exited *hev
	open := false
	vars := map[string][]byte{}
	succeeded := false
	for _, e := range p.byThread[key] {
		switch {
		case isEntered(e.typ):
			entered, open = e, true
		case isExited(e.typ):
			exited, open = e, false
			e.d.Get("assignedVariables").ForEach(func(k, v gjson.Result) bool {
				vars[k.String()] = []byte(v.String()) // each value is its JSON text
				return true
			})
		case e.typ == "MapIterationSucceeded":
			succeeded = true
		}
	}
	if prev != nil {
		for k, v := range prev.vars {
			if _, ok := vars[k]; !ok {
				vars[k] = v
			}
		}
	}
	switch {
	case succeeded:
		out, err := payloadOf(exited, "output")
		if err != nil {
			return nil, err
		}
		return &resumePart{done: true, output: out}, nil
	case open:
		i := prog.index(entered.name())
		if i < 0 {
			return nil, notRedrivable("its history names a state '%s' the definition does not have", entered.name())
		}
		in, err := payloadOf(entered, "input")
		if err != nil {
			return nil, err
		}
		at := &resumePoint{state: i, input: in, vars: vars}
		// The state resumed in the run before, entered again first in this one.
		var carried map[int]*resumePart
		if prev != nil && prev.state == i && p.byThread[key][firstEntered(p.byThread[key])] == entered {
			carried = prev.parts
		}
		if err := p.parts(at, prog.states[i], key, entered, carried); err != nil {
			return nil, err
		}
		return &resumePart{at: at}, nil
	case exited != nil:
		i := prog.index(exited.name())
		if i < 0 {
			return nil, notRedrivable("its history names a state '%s' the definition does not have", exited.name())
		}
		st := prog.states[i]
		out, err := payloadOf(exited, "output")
		if err != nil {
			return nil, err
		}
		next, known := p.after(st, exited)
		if !known {
			// Where it went next is not in the history: the thread runs again from its start.
			return nil, nil
		}
		if next == end {
			return &resumePart{done: true, output: out}, nil
		}
		return &resumePart{at: &resumePoint{state: next, input: out, vars: vars}}, nil
	}
	if prev != nil {
		return &resumePart{at: prev}, nil // it resumed, and was stopped before its state began
	}
	return nil, nil // nothing of it ran: it runs from its start
}

// after says where a thread went after state st exited at event exited: its Next (end for a
// terminal state), or the Next of the Catch that caught a task's error; known is false when the
// history does not say (a Choice's choice, an error caught without its name in the history).
func (p *planner) after(st *state, exited *hev) (next int, known bool) {
	if st.typ == typeChoice {
		return end, false
	}
	if st.typ == typeSucceed {
		return end, true
	}
	before := p.ev(exited.prev).typ
	if len(st.catch) == 0 || strings.HasSuffix(before, "Succeeded") {
		return st.next, true
	}
	if before == "TaskFailed" || before == "TaskTimedOut" {
		name := p.ev(exited.prev).d.Get("error").String()
		if c := findCatcher(st.catch, stateError{Error: &failure.Error{Name: name}, task: true}); c != nil {
			return c.next, true
		}
	}
	return end, false
}

func firstEntered(evs []*hev) int {
	for i, e := range evs {
		if isEntered(e.typ) {
			return i
		}
	}
	return -1
}

// parts plans the branches or iterations of a Parallel or Map state entered at entered in thread
// key: those of its last attempt (its latest Started event), and those carried from the run
// before that this one did not run.
func (p *planner) parts(at *resumePoint, st *state, key int64, entered *hev, carried map[int]*resumePart) error {
	if st.typ != typeParallel && st.typ != typeMap {
		return nil
	}
	var started *hev
	for _, e := range p.byThread[key] {
		if e.id > entered.id && (e.typ == "ParallelStateStarted" || e.typ == "MapStateStarted") {
			started = e
		}
	}
	at.parts = map[int]*resumePart{}
	for i, c := range carried {
		at.parts[i] = c
	}
	if started == nil {
		return nil
	}
	for _, ck := range p.children[started.id] {
		first := p.ev(ck)
		var idx int
		var prog *program
		if st.typ == typeMap {
			idx, prog = int(first.d.Get("index").Int()), st.mapSpec.processor
		} else {
			idx = -1
			for b, bp := range st.parallel.branches {
				if bp.states[bp.startAt].name == first.name() {
					idx, prog = b, bp
				}
			}
			if idx < 0 {
				return notRedrivable("its history names a branch starting at '%s' that the Parallel state '%s' does not have", first.name(), st.name)
			}
		}
		var prev *resumePoint
		if c := carried[idx]; c != nil {
			prev = c.at
		}
		part, err := p.thread(ck, prog, prev)
		if err != nil {
			return err
		}
		if part == nil {
			delete(at.parts, idx)
		} else {
			at.parts[idx] = part
		}
	}
	return nil
}

// payloadOf reads an event's input or output: a JSON document as a string. An event kept
// without it (its data was too large to store with it) cannot be resumed from.
func payloadOf(e *hev, key string) ([]byte, error) {
	if e == nil {
		return []byte("null"), nil
	}
	v := e.d.Get(key)
	if !v.Exists() {
		return nil, notRedrivable("its history event %d (%s) was kept without its %s, which a redrive resumes from", e.id, e.typ, key)
	}
	return []byte(v.String()), nil
}

// redrivenDetails is executionRedrivenEventDetails.
func redrivenDetails(n int) func([]byte) []byte {
	return func(b []byte) []byte {
		return append(rawMember(append(b, '{'), "redriveCount", strconv.AppendInt(nil, int64(n), 10)), '}')
	}
}
