package evaluator

import (
	"context"
	"fmt"
	"maps"

	"github.com/stepjet/stepjet/engine/jsonata/internal/gnata/internal/parser"
)

// defaultMaxCallDepth is the maximum recursive call depth before U1001 is returned.
// Matches the JSONata reference implementation's default.
const defaultMaxCallDepth = 100

// callCounter tracks the current recursive call depth across all child environments.
// A pointer is shared so all nested envs increment/decrement the same counter.
type callCounter struct {
	depth     int
	evalDepth int
	max       int
	// budget, when set, bounds what the evaluation builds (stepjet addition).
	budget Budget
}

// Budget bounds what one evaluation may build: bytes of strings and items of arrays,
// sequences and objects, charged as they are created (an allocation volume, not a live-memory
// figure: counting is cheap and errs on the safe side). An error from a charge ends the
// evaluation with that error. It is a stepjet addition to gnata: the JSONata reference
// implementation has no such bound, and the AWS service bounds evaluation memory its own way.
type Budget interface {
	ChargeBytes(n int) error
	ChargeItems(n int) error
}

// ObjectItems is what an object costs in items beyond its members: a map and its key list
// take many times the memory of an array element.
const ObjectItems = 8

// MaxStringBytes bounds one string a built-in function makes in a single step, whatever the
// budget (stepjet addition): $replace multiplies its input, and must not be able to make
// gigabytes before its result is counted.
const MaxStringBytes = 16 << 20

// MaxBuiltinItems bounds the items a built-in function makes in a single step, whatever the
// budget (stepjet addition): $split of a 16 MiB string must not make 16 million strings before
// its result is counted.
const MaxBuiltinItems = 1 << 20

// BudgetError says an evaluation built more than its Budget allows.
type BudgetError struct {
	What  string // "bytes" or "items"
	Limit int64
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("the evaluation built more than %d %s of values", e.Limit, e.What)
}

// SetBudget installs a budget on the environment's call counter (see ResetCallCounter).
func (e *Environment) SetBudget(b Budget) {
	e.callCounter().budget = b
}

// ChargeBytes counts n bytes of a string the evaluation built against its budget.
func (e *Environment) ChargeBytes(n int) error {
	if b := e.callCounter().budget; b != nil {
		return b.ChargeBytes(n)
	}
	return nil
}

// ChargeItems counts n array elements, sequence entries or object members the evaluation
// built against its budget.
func (e *Environment) ChargeItems(n int) error {
	if b := e.callCounter().budget; b != nil {
		return b.ChargeItems(n)
	}
	return nil
}

// ChargeValue counts a value a function returned: a string's bytes, an array's or object's
// items. Values passed through unchanged are counted again, which errs on the safe side.
func (e *Environment) ChargeValue(v any) error {
	switch x := v.(type) {
	case string:
		return e.ChargeBytes(len(x))
	case []any:
		return e.ChargeItems(len(x) + 1)
	case *Sequence:
		return e.ChargeItems(len(x.Values) + 1)
	case *OrderedMap:
		return e.ChargeItems(x.Len() + ObjectItems)
	}
	return nil
}

// Environment holds variable bindings for an evaluation context.
// It forms a linked chain for lexical scoping.
type Environment struct {
	parent   *Environment
	bindings map[string]any
	calls    *callCounter // shared call-depth counter; nil inherits from parent
	ctx      context.Context
}

// NewEnvironment creates a root environment with no bindings.
func NewEnvironment() *Environment {
	return &Environment{
		bindings: make(map[string]any),
		calls:    &callCounter{max: defaultMaxCallDepth},
	}
}

// NewChildEnvironment creates a child scope inheriting from parent.
func NewChildEnvironment(parent *Environment) *Environment {
	env := &Environment{parent: parent, bindings: make(map[string]any)}
	if parent != nil {
		env.calls = parent.callCounter()
	}
	return env
}

// callCounter returns the shared call counter, walking up the chain if needed.
func (e *Environment) callCounter() *callCounter {
	if e == nil {
		return &callCounter{max: defaultMaxCallDepth}
	}
	if e.calls != nil {
		return e.calls
	}
	return e.parent.callCounter()
}

// Bind sets a variable in this environment.
func (e *Environment) Bind(name string, value any) {
	e.bindings[name] = value
}

// Parent returns the parent environment (nil for root environments).
func (e *Environment) Parent() *Environment {
	return e.parent
}

// Lookup looks up a variable, walking the parent chain.
// Returns (nil, false) if not found.
func (e *Environment) Lookup(name string) (any, bool) {
	if v, ok := e.bindings[name]; ok {
		return v, true
	}
	if e.parent != nil {
		return e.parent.Lookup(name)
	}
	return nil, false
}

// LookupWithEnv looks up a variable and returns both the value and the
// specific environment in which the binding was found. This is used by the
// parent operator (%) so that chained %.% navigations correctly use the
// parent of the binding's environment, not the parent of the starting env.
// Returns (nil, nil, false) if not found.
func (e *Environment) LookupWithEnv(name string) (any, *Environment, bool) {
	if v, ok := e.bindings[name]; ok {
		return v, e, true
	}
	if e.parent != nil {
		return e.parent.LookupWithEnv(name)
	}
	return nil, nil, false
}

// ResetCallCounter installs a fresh call-depth counter on this environment,
// decoupling it from any inherited parent counter. Use this when creating a
// per-eval child environment from a shared parent to avoid cross-eval interference.
func (e *Environment) ResetCallCounter() {
	e.calls = &callCounter{max: defaultMaxCallDepth}
}

// IncrEvalDepth increments the $eval nesting counter and returns an error if
// the maximum depth is exceeded. Must be paired with DecrEvalDepth via defer.
func (e *Environment) IncrEvalDepth(maxDepth int) error {
	c := e.callCounter()
	c.evalDepth++
	if c.evalDepth > maxDepth {
		c.evalDepth--
		return &JSONataError{Code: "D3121", Message: "$eval: maximum nesting depth exceeded"}
	}
	return nil
}

// DecrEvalDepth decrements the $eval nesting counter.
func (e *Environment) DecrEvalDepth() {
	c := e.callCounter()
	c.evalDepth--
}

// Clone creates a shallow copy of the environment, duplicating the bindings map
// but sharing the same parent and call counter references.
func (e *Environment) Clone() *Environment {
	child := &Environment{
		bindings: make(map[string]any, len(e.bindings)),
		parent:   e.parent,
		calls:    e.calls,
		ctx:      e.ctx,
	}
	maps.Copy(child.bindings, e.bindings)
	return child
}

// Context returns the context.Context associated with this environment.
// It walks the parent chain if the local ctx is nil, falling back to
// context.Background() for root environments without an explicit context.
func (e *Environment) Context() context.Context {
	if e.ctx != nil {
		return e.ctx
	}
	if e.parent != nil {
		return e.parent.Context()
	}
	return context.Background()
}

// SetContext sets a context.Context on this environment, making it
// available to Eval and all child environments via Context().
func (e *Environment) SetContext(ctx context.Context) {
	e.ctx = ctx
}

// Range iterates over the bindings in this environment (not parents).
func (e *Environment) Range(fn func(name string, val any)) {
	for k, v := range e.bindings {
		fn(k, v)
	}
}

// LookupDirect checks only the direct bindings (no parent chain walk).
func (e *Environment) LookupDirect(name string) (any, bool) {
	v, ok := e.bindings[name]
	return v, ok
}

// BuiltinFunction is a native Go function implementing a JSONata built-in.
// args are the evaluated arguments; focus is the current context value.
type BuiltinFunction func(args []any, focus any) (any, error)

// EnvAwareBuiltin is a built-in function that receives the current evaluation
// environment. This is required for functions that need to dispatch callbacks
// with the correct per-evaluation call counter (HOFs like $map, $filter) or
// that create child scopes ($eval).
type EnvAwareBuiltin func(args []any, focus any, env *Environment) (any, error)

// SignedBuiltin wraps a BuiltinFunction with a type signature for arity and
// type validation at the direct call site. HOF callbacks that invoke the
// function via ApplyFunction bypass signature validation, allowing extra
// arguments (key, index, array) to be passed silently.
type SignedBuiltin struct {
	Fn        BuiltinFunction
	Sig       string
	ParsedSig []parser.ParamSpec // pre-parsed signature; avoids re-parsing on every call
}

// Lambda represents a user-defined function (lambda expression).
type Lambda struct {
	Params        []string           // parameter names
	Body          *parser.Node       // function body AST node
	Closure       *Environment       // lexical scope at definition site
	Thunk         bool               // for tail-call optimization
	Sig           string             // type signature (Wave 5)
	ParsedSig     []parser.ParamSpec // pre-parsed signature; avoids re-parsing per call
	CapturedFocus any                // focus ($) captured at definition time for zero-param closures
}

// SizeExceeds reports whether v written as JSON would take more than limit bytes (stepjet
// addition). Counting stops as soon as the limit is passed, so a value whose parts are shared
// many times over (an array of a thousand references to one large string, or nested arrays of
// arrays) costs at most about limit steps to measure, never the size it stands for.
func SizeExceeds(v any, limit int) bool {
	left := limit
	return !sizeWithin(v, &left)
}

func sizeWithin(v any, left *int) bool {
	switch x := v.(type) {
	case string:
		*left -= len(x) + 2
	case []any:
		*left -= 2
		for _, e := range x {
			*left--
			if *left < 0 || !sizeWithin(e, left) {
				return false
			}
		}
	case *Sequence:
		return sizeWithin(x.Values, left)
	case *OrderedMap:
		*left -= 2
		for _, k := range x.keys {
			*left -= len(k) + 4
			if *left < 0 || !sizeWithin(x.data[k], left) {
				return false
			}
		}
	case map[string]any:
		*left -= 2
		for k, e := range x {
			*left -= len(k) + 4
			if *left < 0 || !sizeWithin(e, left) {
				return false
			}
		}
	default:
		*left -= 8
	}
	return *left >= 0
}
