package replay

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tidwall/gjson"
)

// Errors of Read, tested with errors.Is: each says why a history cannot be replayed.
var (
	// ErrNoHistory: no events are kept for the execution (its machine's history level is OFF,
	// or ERROR and the execution succeeded, or retention dropped them).
	ErrNoHistory = errors.New("no history events are kept for this execution")
	// ErrNoData: the events are kept without inputs and outputs (history-data off, or read
	// without includeExecutionData), so there are no answers to replay.
	ErrNoData = errors.New("the history is kept without execution data (inputs and outputs)")
	// ErrIncomplete: the history does not end the execution (it is still running) or misses
	// events (retention dropped some).
	ErrIncomplete = errors.New("the history is incomplete")
)

// Outcome is how an execution ended, as DescribeExecution reports it.
type Outcome struct {
	Status string `json:"status"`
	// Output is the execution's output (raw JSON) when it SUCCEEDED.
	Output json.RawMessage `json:"output,omitempty"`
	Error  string          `json:"error,omitempty"`
	Cause  string          `json:"cause,omitempty"`
}

// Answer is what one Task invocation answered: a result (Return, raw JSON) or a failure
// (Throw), as a mock configuration's response says it.
type Answer struct {
	Return []byte
	Throw  *Throw
}

// Throw is a task failure: the error name and cause.
type Throw struct {
	Error string `json:"Error"`
	Cause string `json:"Cause"`
}

func (a *Answer) equal(b *Answer) bool {
	switch {
	case a == nil || b == nil:
		return a == b
	case a.Throw != nil || b.Throw != nil:
		return a.Throw != nil && b.Throw != nil && *a.Throw == *b.Throw
	}
	return string(a.Return) == string(b.Return)
}

// Recording is what a history says about an execution: its input, how it ended, the path of
// states it entered and the answer of every Task invocation.
type Recording struct {
	Input   []byte
	Outcome Outcome
	Path    Thread
	// calls are each Task state's invocations in the order a replay makes them.
	calls  map[string][]*invocation
	states []string // the states of calls in the order first seen
}

// invocation is one call of a Task state: where it ran (key) and its answer (nil when the
// history has none: the execution ended while it ran).
type invocation struct {
	key    []int64
	answer *Answer
}

// Invocations returns how many invocations of state the history holds (answered or not).
func (r *Recording) Invocations(state string) int { return len(r.calls[state]) }

// answered reports whether invocation n of state has a recorded answer.
func (r *Recording) answered(state string, n int) bool {
	c := r.calls[state]
	return n >= 0 && n < len(c) && c[n].answer != nil
}

// thread of control while reading: which thread events belong to, the state last entered in
// it, the Task state running in it, its place among Map iterations, the invocation in flight.
type cursor struct {
	thread *threadNode
	step   *stepNode
	task   string
	key    []int64
	call   *invocation
}

// Read turns a history into a Recording. definition, the definition the execution ran (may be
// nil), numbers Parallel branches as the definition orders them; without it branches are
// numbered in the order they started.
func Read(events []Event, definition []byte) (*Recording, error) {
	if len(events) == 0 {
		return nil, ErrNoHistory
	}
	events = slices.Clone(events)
	sort.Slice(events, func(i, j int) bool { return events[i].ID < events[j].ID })
	branches := branchStarts(definition)
	rec := &Recording{calls: map[string][]*invocation{}}
	root := &threadNode{}
	cursors := make(map[int64]*cursor, len(events))
	types := make(map[int64]string, len(events))
	ended := false
	for _, ev := range events {
		types[ev.ID] = ev.Type
		var c cursor
		if ev.Prev == 0 {
			c = cursor{thread: root}
		} else if p, ok := cursors[ev.Prev]; ok {
			c = *p
		} else {
			return nil, fmt.Errorf("%w: event %d follows event %d, which is not kept", ErrIncomplete, ev.ID, ev.Prev)
		}
		switch typ := ev.Type; {
		case typ == "ExecutionStarted":
			in := ev.get("input")
			if !in.Exists() {
				return nil, fmt.Errorf("%w: ExecutionStarted has no input", ErrNoData)
			}
			rec.Input = []byte(in.String())
		case typ == "MapIterationStarted":
			if c.step == nil {
				return nil, fmt.Errorf("%w: Map iteration at event %d outside a Map state", ErrIncomplete, ev.ID)
			}
			idx := int(ev.get("index").Int())
			if idx < 0 || idx >= maxIterations {
				return nil, fmt.Errorf("%w: Map iteration index %d at event %d is out of range", ErrIncomplete, idx, ev.ID)
			}
			c = cursor{thread: c.step.child(idx), key: append(slices.Clone(c.key), ev.Prev, int64(idx))}
		case strings.HasSuffix(typ, "StateEntered"):
			name := ev.get("name").String()
			if types[ev.Prev] == "ParallelStateStarted" && c.step != nil {
				c = cursor{thread: c.step.child(branchIndex(branches, c.step, name)), key: c.key}
			}
			st := &stepNode{State: name, Type: strings.TrimSuffix(typ, "StateEntered")}
			c.thread.steps = append(c.thread.steps, st)
			c.step, c.task, c.call = st, "", nil
			if st.Type == "Task" {
				c.task = name
			}
		case typ == "TaskScheduled" || typ == "LambdaFunctionScheduled":
			if c.task == "" {
				return nil, fmt.Errorf("%w: %s at event %d outside a Task state", ErrIncomplete, typ, ev.ID)
			}
			c.call = &invocation{key: append(slices.Clone(c.key), ev.ID)}
			if _, seen := rec.calls[c.task]; !seen {
				rec.states = append(rec.states, c.task)
			}
			rec.calls[c.task] = append(rec.calls[c.task], c.call)
		case (typ == "MapStateSucceeded" || typ == "ParallelStateSucceeded") && c.step != nil:
			c.step.succeeded = true
		case answerTypes[typ] && c.call != nil:
			a, err := answerOf(ev)
			if err != nil {
				return nil, err
			}
			c.call.answer = a
			c.call = nil
		case terminalTypes[typ] != "":
			rec.Outcome = Outcome{Status: terminalTypes[typ]}
			if typ == "ExecutionFailed" || typ == "ExecutionAborted" {
				// As DescribeExecution reports them: a TIMED_OUT execution has neither
				// (States.Timeout is only in its event).
				rec.Outcome.Error, rec.Outcome.Cause = ev.get("error").String(), ev.get("cause").String()
			}
			if typ == "ExecutionSucceeded" {
				out := ev.get("output")
				if !out.Exists() {
					return nil, fmt.Errorf("%w: ExecutionSucceeded has no output", ErrNoData)
				}
				rec.Outcome.Output = []byte(out.String())
			}
			ended = true
		}
		cursors[ev.ID] = &c
	}
	if !ended {
		return nil, fmt.Errorf("%w: it has no ExecutionSucceeded, ExecutionFailed, ExecutionTimedOut or ExecutionAborted event: the execution is still running, or its history was cut short", ErrIncomplete)
	}
	if rec.Input == nil {
		return nil, fmt.Errorf("%w: it has no ExecutionStarted event", ErrIncomplete)
	}
	for _, calls := range rec.calls {
		sort.SliceStable(calls, func(i, j int) bool { return slices.Compare(calls[i].key, calls[j].key) < 0 })
	}
	rec.Path = root.thread()
	return rec, nil
}

// maxIterations bounds a Map iteration's index: an inline Map's items come from a payload of
// at most 256 KiB, which holds fewer. A history claiming more is not one the engine wrote.
const maxIterations = 1 << 18

// answerTypes end a task invocation; terminalTypes end an execution, with the status they give.
var (
	answerTypes = map[string]bool{
		"TaskSucceeded": true, "TaskFailed": true, "TaskTimedOut": true, "TaskStartFailed": true, "TaskSubmitFailed": true,
		"LambdaFunctionSucceeded": true, "LambdaFunctionFailed": true, "LambdaFunctionTimedOut": true,
		"LambdaFunctionStartFailed": true, "LambdaFunctionScheduleFailed": true,
	}
	terminalTypes = map[string]string{
		"ExecutionSucceeded": "SUCCEEDED", "ExecutionFailed": "FAILED", "ExecutionTimedOut": "TIMED_OUT", "ExecutionAborted": "ABORTED",
	}
)

func answerOf(ev Event) (*Answer, error) {
	if strings.HasSuffix(ev.Type, "Succeeded") {
		out := ev.get("output")
		if !out.Exists() {
			return nil, fmt.Errorf("%w: %s at event %d has no output", ErrNoData, ev.Type, ev.ID)
		}
		if ev.get("outputDetails.truncated").Bool() {
			return nil, fmt.Errorf("%w: the output of %s at event %d is truncated", ErrNoData, ev.Type, ev.ID)
		}
		s := out.String()
		if !gjson.Valid(s) {
			return nil, fmt.Errorf("the output of %s at event %d is not JSON", ev.Type, ev.ID)
		}
		return &Answer{Return: []byte(s)}, nil
	}
	return &Answer{Throw: &Throw{Error: ev.get("error").String(), Cause: ev.get("cause").String()}}, nil
}

// branchStarts maps each Parallel state of a definition to the StartAt of its branches, in
// order. State names are unique in a whole definition, so one map serves every level.
func branchStarts(def []byte) map[string][]string {
	out := map[string][]string{}
	var walk func(states gjson.Result)
	walk = func(states gjson.Result) {
		states.ForEach(func(name, st gjson.Result) bool {
			for _, b := range st.Get("Branches").Array() {
				out[name.String()] = append(out[name.String()], b.Get("StartAt").String())
				walk(b.Get("States"))
			}
			for _, p := range []string{"ItemProcessor.States", "Iterator.States"} {
				walk(st.Get(p))
			}
			return true
		})
	}
	if gjson.ValidBytes(def) {
		walk(gjson.GetBytes(def, "States"))
	}
	return out
}

// branchIndex is the index of the branch of Parallel state p that starts at first; a branch
// the definition does not know is numbered after the known ones, in the order it started.
func branchIndex(branches map[string][]string, p *stepNode, first string) int {
	starts := branches[p.State]
	if i := slices.Index(starts, first); i >= 0 {
		return i
	}
	return len(starts) + len(p.kids)
}
