package engine

import (
	"sync"
	"unsafe"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonata"
)

// bindings gives JSONata expressions $states and the workflow variables. $states holds input,
// context, and result or errorOutput where AWS makes them available; it is built on first use.
type bindings struct {
	// r is a copy of the state entry: bindings go behind an interface to the evaluator, and a
	// pointer would move every stateRun to the heap, JSONPath states included.
	r           stateRun
	input       []byte
	result      []byte
	hasResult   bool
	errorOutput []byte
	states      []byte
	// sc shares what expressions decode among all the expressions of one phase of the state.
	sc *jsonata.Scope
	// spare is the Scope a released bindings keeps for its next use (release), and owner
	// the execution it last served: another execution's Scope forgets what it carries.
	spare *jsonata.Scope
	owner *execution
}

var _ jsonata.Bindings = (*bindings)(nil)

// bindingsPool keeps released bindings with their Scope, whose indexes of the JSON walked
// and scratch buffers are then reused by the next state instead of made anew.
var bindingsPool = sync.Pool{New: func() any { return new(bindings) }}

func (r *stateRun) bindings() *bindings {
	b := bindingsPool.Get().(*bindings)
	*b = bindings{r: *r, input: r.input, spare: b.spare, owner: b.owner}
	return b
}

// release hands b back for reuse once the phase is over: nothing may use b, its Scope, or
// anything but the values its evaluations returned (which are their own) afterwards. A
// bindings that is never released is simply collected. The Scope is Reset when next used:
// it keeps what this phase indexed for the next (jsonata.Scope.Reset).
func (b *bindings) release() {
	if b.sc != nil {
		b.spare, b.owner = b.sc, b.r.f.ex
	}
	// The rest is overwritten when b is next taken; clearing it here would cost as much.
	bindingsPool.Put(b)
}

// Lookup implements jsonata.Bindings.
func (b *bindings) Lookup(name string) ([]byte, bool) {
	if name != "states" {
		return b.r.f.vars.Get(name)
	}
	if b.states == nil {
		ctx := b.r.context()
		s := make([]byte, 0, 32+len(b.input)+len(ctx)+len(b.result)+len(b.errorOutput))
		s = append(s, `{"input":`...)
		s = append(s, b.input...)
		s = append(s, `,"context":`...)
		s = append(s, ctx...)
		if b.hasResult {
			s = append(s, `,"result":`...)
			s = append(s, b.result...)
		}
		if b.errorOutput != nil {
			s = append(s, `,"errorOutput":`...)
			s = append(s, b.errorOutput...)
		}
		b.states = append(s, '}')
	}
	return b.states, true
}

// The members of $states, in the order Lookup writes them.
const (
	memberInput = iota
	memberContext
	memberResult
	memberErrorOutput
)

var _ jsonata.StatesMembers = (*bindings)(nil)

// StatesMember implements jsonata.StatesMembers: expressions that read $states by field get
// each member on its own, and the context object is built only when one reads it.
func (b *bindings) StatesMember(i int) (name string, known jsonata.Known, ok bool) {
	switch i {
	case memberInput:
		// The state input may be a task's result passed on as it came: not vouched for,
		// unless it is the execution input, which Run has checked (checkInput).
		if ex := b.r.f.ex; sameBytes(b.input, ex.input) {
			return "input", ex.inputKnown, true
		}
		return "input", jsonata.Unchecked, true
	case memberContext:
		// Built here of strings and the execution input, which Run has checked (compact); a
		// Map item may come from anywhere.
		if b.r.f.ex.compact && b.r.mapValue == nil {
			return "context", jsonata.KnownValid, true
		}
		return "context", jsonata.Unchecked, true
	}
	if b.hasResult {
		if i == memberResult {
			return "result", jsonata.Unchecked, true
		}
		i--
	}
	if i == memberResult && b.errorOutput != nil {
		return "errorOutput", jsonata.KnownValid, true
	}
	return "", jsonata.Unchecked, false
}

// sameBytes reports whether a and b are the same memory, not merely equal bytes.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && unsafe.SliceData(a) == unsafe.SliceData(b)
}

// StatesValue implements jsonata.StatesMembers.
func (b *bindings) StatesValue(i int) []byte {
	switch i {
	case memberInput:
		return b.input
	case memberContext:
		return b.r.context()
	}
	if b.hasResult {
		if i == memberResult {
			return b.result
		}
		i--
	}
	if i == memberResult {
		return b.errorOutput
	}
	return nil
}

// scope returns the jsonata.Scope over these bindings, made on first use, so that every
// expression of one phase of a state (its pre-result fields; its Output and Assign; all of a
// Choice's conditions; a catcher's fields) looks up and decodes each binding at most once. The
// Scope is a snapshot: set result or errorOutput before the first use, and take a new bindings
// (r.bindings()) for the next phase.
func (b *bindings) scope() *jsonata.Scope {
	if b.sc == nil {
		if b.sc = b.spare; b.sc != nil {
			if b.owner != b.r.f.ex {
				// What another execution read may since have been written over: its
				// output, its input buffer, handed back to the caller.
				b.sc.Forget()
			}
			b.sc.Reset(b)
			b.adoptInput()
		} else {
			b.sc = jsonata.NewScope(b)
			// Within one execution no document changes once made: the engine writes none
			// over, an invoker's result is copied as it arrives (stateRun.task), and what
			// the engine lends out (the task input, the execution input the caller lent
			// it) is not written while the execution runs.
			b.sc.TrustCarried(true)
			b.adoptInput()
		}
		b.sc.SetBudget(&b.r.f.ex.budget)
	}
	return b.sc
}

// adoptInput gives the Scope the index of the execution input made as Run checked it, when
// the state's input is that very document.
func (b *bindings) adoptInput() {
	if ex := b.r.f.ex; ex.inputIndex != nil && sameBytes(b.input, ex.input) {
		b.sc.Adopt(ex.inputIndex)
	}
}

// eval evaluates the expression in the state's field named field (as AWS names it in causes)
// with these bindings. ok is false when it returned nothing (undefined); a value JSON cannot
// hold (a function) fails with AWS's "returned an unsupported result type" cause.
func (b *bindings) eval(e *jsonata.Expr, field string) ([]byte, bool, *stateError) {
	v, ok, err := e.Eval(b.scope())
	if err == jsonata.ErrUnsupportedResult {
		return nil, false, b.r.runtime(&failure.Error{Name: failure.QueryEvaluationError,
			Cause: jsonata.UnsupportedSentence(e.String(), field)})
	}
	if err != nil {
		return nil, false, b.r.runtime(err)
	}
	return v, ok, nil
}

// evalDefined evaluates an expression whose field needs a value (Items, Condition, Seconds,
// Timestamp, MaxConcurrency, the ToleratedFailure and timeout fields, Fail's Error and Cause):
// nothing (undefined) fails as it does in every other field, with AWS's "returned nothing
// (undefined)" cause, before the value's type is checked.
func (b *bindings) evalDefined(e *jsonata.Expr, field string) ([]byte, *stateError) {
	v, ok, err := b.eval(e, field)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, b.r.runtime(&failure.Error{Name: failure.QueryEvaluationError,
			Cause: jsonata.UndefinedSentence(e.String(), field)})
	}
	return v, nil
}
