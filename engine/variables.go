package engine

import (
	"strconv"
	"sync/atomic"
	"unsafe"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/tidwall/gjson"
)

// AWS's limits on workflow variables ("Passing data between states with variables"), counted
// in bytes of each value's JSON text.
const (
	// MaxVariableBytes bounds one variable's value.
	MaxVariableBytes = 256 * 1024
	// MaxAssignBytes bounds the values one Assign field sets, together.
	MaxAssignBytes = 256 * 1024
	// MaxVariablesBytes bounds all the variables an execution holds at once.
	MaxVariablesBytes = 10 * 1024 * 1024
)

// scope holds the workflow variables one thread of control assigns (Assign). A Parallel branch or
// a Map iteration runs in a child scope: it reads the variables of the scopes around it, and
// what it assigns stays its own. Only the scope's own goroutine writes it; the outer scopes are
// read while their owner waits for the branches, so no lock is needed.
type scope struct {
	parent *scope
	vars   map[string][]byte
	// size is the bytes this scope's own variables hold (its goroutine alone touches it).
	size int64
	// stored, in the outermost scope, counts the bytes every scope of the execution holds:
	// branches and iterations add to it concurrently.
	stored atomic.Int64
}

// Get implements jsonpath.Variables: the innermost scope that holds name wins.
func (s *scope) Get(name string) ([]byte, bool) {
	for sc := s; sc != nil; sc = sc.parent {
		if v, ok := sc.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// root is the execution's outermost scope, which keeps the execution-wide count.
func (s *scope) root() *scope {
	for s.parent != nil {
		s = s.parent
	}
	return s
}

// assign checks the JSON object obj (a state's evaluated Assign, nil for none) against AWS's
// variable limits and, when it fits, sets its members as variables of this scope. A refusal
// sets nothing, and fails the state with States.DataLimitExceeded.
func (s *scope) assign(obj []byte, state string) *failure.Error {
	if obj == nil {
		return nil
	}
	res := parseObject(obj)
	if !res.IsObject() {
		return nil
	}
	var fail *failure.Error
	var total, delta int64
	res.ForEach(func(k, v gjson.Result) bool {
		n := int64(len(v.Raw))
		if n > MaxVariableBytes {
			fail = variableLimitError(state, "the variable '"+k.String()+"'", MaxVariableBytes)
			return false
		}
		total += n
		delta += n - int64(len(s.vars[k.String()]))
		return true
	})
	if fail != nil {
		return fail
	}
	if total > MaxAssignBytes {
		return variableLimitError(state, "the variables of its Assign field", MaxAssignBytes)
	}
	stored := &s.root().stored
	if stored.Add(delta) > MaxVariablesBytes {
		stored.Add(-delta)
		return variableLimitError(state, "the execution's variables", MaxVariablesBytes)
	}
	s.size += delta
	s.set(res)
	return nil
}

// variableLimitError is the failure of an Assign over one of AWS's limits. AWS's own cause text
// for it was not recorded; this one follows the shape of its payload-size cause.
func variableLimitError(state, what string, limit int) *failure.Error {
	return &failure.Error{
		Name: failure.DataLimitExceeded,
		Cause: "The state/task '" + state + "' assigned a value that makes " + what +
			" exceed the maximum size of " + strconv.Itoa(limit) + " bytes (service limit).",
	}
}

// release gives back what this scope holds to the execution's count, once its branch or
// iteration is over and its variables are out of scope.
func (s *scope) release() {
	if s.size != 0 && s.parent != nil {
		s.root().stored.Add(-s.size)
		s.size = 0
	}
}

// assignAll sets every member of the JSON object obj as a variable of this scope, unchecked
// (variables given from outside, as TestState's).
func (s *scope) assignAll(obj []byte) {
	res := parseObject(obj)
	if !res.IsObject() {
		return
	}
	s.set(res)
}

// restore sets the variables a redrive resumes a thread with (their values as the history
// recorded them, each within the limits when it was assigned), counting their size.
func (s *scope) restore(vars map[string][]byte) {
	if len(vars) == 0 {
		return
	}
	if s.vars == nil {
		s.vars = make(map[string][]byte, len(vars))
	}
	var n int64
	for k, v := range vars {
		s.vars[k] = v
		n += int64(len(v))
	}
	s.size += n
	s.root().stored.Add(n)
}

// parseObject reads obj, an Assign's evaluated object, in place: the engine never changes a
// document once made, so the variables set from it are its own bytes, not copies.
func parseObject(obj []byte) gjson.Result {
	return gjson.Parse(unsafe.String(unsafe.SliceData(obj), len(obj)))
}

// set sets the members of obj (read by parseObject) as variables; each value is its text in
// obj.
func (s *scope) set(obj gjson.Result) {
	obj.ForEach(func(k, v gjson.Result) bool {
		if s.vars == nil {
			s.vars = make(map[string][]byte, 4)
		}
		s.vars[k.String()] = unsafe.Slice(unsafe.StringData(v.Raw), len(v.Raw))
		return true
	})
}

// varMap is a set of workflow variables given from outside (for running one state alone, as
// AWS's TestState does): name → raw JSON value.
type varMap map[string][]byte

func (v varMap) scope() *scope {
	s := &scope{}
	if len(v) > 0 {
		s.vars = make(map[string][]byte, len(v))
		for k, x := range v {
			s.vars[k] = x
		}
	}
	return s
}
