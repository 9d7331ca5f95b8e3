package jsonata

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/jsonata/internal/gnata"
	"github.com/stepjet/stepjet/engine/limits"
)

// Expr is a compiled JSONata expression: immutable and safe for concurrent use.
type Expr struct {
	src  string
	prog *gnata.Expression
	// vars are the $names the expression mentions; Eval looks up and decodes only these.
	vars []string
	// statesFields lists the $states fields read as "$states.<field>"; nil when the whole of
	// $states is needed.
	statesFields []string
	// path is set when the expression is a plain path such as "$states.input.order.total",
	// which Eval can often answer from the raw JSON without gnata.
	path *plainPath
	// comp is set when the expression is built of plain paths, object constructors and
	// $merge, which Eval can often write from the raw JSON too.
	comp *composite
	// sub is the expression with its stand-alone $states paths made variables (subst.go).
	sub *substituted
	// cond is set when the expression is comparisons of plain paths and literals joined by
	// "and" and "or", such as a Choice rule's Condition (cond.go).
	cond *condition
	// concat is set when the expression joins plain paths and string literals with "&"
	// (concat.go).
	concat *concatenation
	// hint sizes the buffer of Eval's result (fastpath.go).
	hint sizeHint
}

// Compile compiles the text between "{%" and "%}". A syntax error is a *failure.Error named
// States.QueryEvaluationError whose cause is JSONata's code and message, e.g.
// `S0211: The symbol "?" cannot be used as a unary operator`. Like JSONata 2.0.6, the version
// AWS runs, it refuses the "?:" and "??" operators of later versions.
func Compile(expr string) (*Expr, error) {
	sc := scan(expr)
	prog, perr := gnata.Compile(expr)
	if perr != nil {
		return nil, translate(perr)
	}
	if sc.syntaxErr != nil {
		return nil, translate(&syntaxFailure{sc.syntaxErr})
	}
	e := &Expr{src: expr, prog: prog, vars: sc.vars, path: parsePlainPath(expr)}
	if e.path == nil {
		e.comp = parseComposite(expr)
	}
	if e.path == nil && e.comp == nil {
		e.cond = parseCondition(expr)
	}
	if e.path == nil && e.comp == nil && e.cond == nil {
		e.concat = parseConcatenation(expr)
	}
	if e.path == nil && e.comp == nil && len(sc.statesField) > 0 {
		e.sub = substitute(expr, tokenize(expr))
	}
	if !sc.statesAll {
		for f := range sc.statesField {
			e.statesFields = append(e.statesFields, f)
		}
		if e.statesFields == nil {
			e.statesFields = []string{}
		}
	}
	return e, nil
}

// syntaxFailure carries a syntax error our scanner found to translate.
type syntaxFailure struct{ s *syntaxError }

func (f *syntaxFailure) Error() string {
	return fmt.Sprintf("JSONata error %s at token %q: syntax error", f.s.code, f.s.token)
}

func (e *Expr) String() string { return e.src }

// Variables returns the names of the variables the expression mentions, without "$" (including
// "states" and function names such as "sum"; a name may be bound inside the expression).
func (e *Expr) Variables() []string { return append([]string(nil), e.vars...) }

// Bindings gives an expression its variables: "states" for $states and each workflow variable by
// name (without "$"), as raw JSON.
type Bindings interface {
	Lookup(name string) ([]byte, bool)
}

// Eval evaluates the expression. defined is false when it produced no value (JSONata's
// undefined). A failure is a *failure.Error named States.QueryEvaluationError whose cause ends
// with the evaluator's message (e.g. "T1006: Attempted to invoke a non-function"), or
// States.DataLimitExceeded when the evaluation built more than its budget allows; an
// evaluation stopped by its context returns the context's error.
//
// When b is a *Scope with a budget (Scope.SetBudget), the budget's context stops the
// evaluation and its limits bound what it builds; otherwise there is no deadline and the
// default limits (limits.EvalBytes, limits.EvalItems) apply.
func (e *Expr) Eval(b Bindings) (value []byte, defined bool, err error) {
	return e.eval(BudgetContext(b), b)
}

// BudgetContext is the context of b's budget (Scope.SetBudget): what stops an evaluation made
// without a context of its own. It is context.Background when b has none.
func BudgetContext(b Bindings) context.Context {
	if sc, ok := b.(*Scope); ok {
		return sc.budget.Context()
	}
	return context.Background()
}

// EvalContext is Eval with a context whose cancellation stops long evaluations.
// gnata turns panics inside its evaluator into errors itself.
//
// When b is a *Scope, the bindings it has already decoded for other expressions are reused;
// otherwise each call looks up and decodes afresh what the expression names.
func (e *Expr) EvalContext(ctx context.Context, b Bindings) (value []byte, defined bool, err error) {
	return e.eval(ctx, b)
}

// AppendEvalContext is EvalContext appending the value's JSON to buf, which it returns
// unchanged in length when the expression fails or is undefined. A template fills its holes
// so, without a slice per hole.
func (e *Expr) AppendEvalContext(ctx context.Context, buf []byte, b Bindings) (out []byte, defined bool, err error) {
	return e.appendEval(ctx, buf, b)
}

// eval is Eval under ctx, into a buffer sized by the last result.
func (e *Expr) eval(ctx context.Context, b Bindings) (value []byte, defined bool, err error) {
	if e.cond != nil && !fastPathsOff.Load() {
		// A condition's value is a constant: no buffer at all.
		sc, ok := b.(*Scope)
		if !ok {
			sc = NewScope(b)
		}
		if v, handled := e.cond.eval(sc); handled {
			if v {
				return trueJSON[:4:4], true, nil
			}
			return falseJSON[:5:5], true, nil
		}
		b = sc
	}
	out, defined, err := e.appendEval(ctx, e.hint.buffer(), b)
	if defined {
		e.hint.remember(cap(out))
		return out, true, nil
	}
	return nil, false, err
}

var (
	trueJSON  = []byte("true")
	falseJSON = []byte("false")
)

// appendEval is AppendEvalContext.
func (e *Expr) appendEval(ctx context.Context, buf []byte, b Bindings) (value []byte, defined bool, err error) {
	sc, ok := b.(*Scope)
	if !ok {
		sc = NewScope(b)
	}
	fast := !fastPathsOff.Load()
	switch {
	case !fast:
	case e.path != nil:
		if out, defined, handled := e.path.appendEval(sc, buf); handled {
			return out, defined, nil
		}
	case e.comp != nil && e.comp.kind == compMerge:
		// What $merge writes is canonical, and indexed as it is written: the next state,
		// reading it, need not check or scan it.
		if out, defined, handled := e.comp.appendMerge(sc, buf, true); handled {
			return out, defined, nil
		}
	case e.comp != nil:
		if out, defined, handled := e.comp.appendEval(sc, buf); handled {
			return out, defined, nil
		}
	case e.cond != nil:
		if v, handled := e.cond.eval(sc); handled {
			return strconv.AppendBool(buf, v), true, nil
		}
	case e.concat != nil:
		if out, handled := e.concat.appendEval(sc, buf); handled {
			return out, true, nil
		}
	}
	prog := e.prog
	var vars map[string]any
	if e.sub != nil && fast {
		vars = make(map[string]any, len(e.sub.vars))
		if e.sub.bind(sc, vars) {
			prog = e.sub.prog
			err = bindVars(sc, vars, e.sub.vars, e.sub.statesFields)
		} else {
			clear(vars)
			err = bindVars(sc, vars, e.vars, e.statesFields)
		}
	} else if len(e.vars) > 0 {
		vars = make(map[string]any, len(e.vars))
		err = bindVars(sc, vars, e.vars, e.statesFields)
	}
	if err != nil {
		return buf, false, err
	}
	lim := sc.budget
	maxBytes := lim.MaxBytes()
	sc.meter = lim.Meter()
	defer sc.meter.Release()
	// AWS evaluates with no context value: only $states and variables hold data.
	res, gerr := prog.EvalWithVarsBudget(ctx, nil, vars, &sc.meter)
	if gerr != nil {
		var be *gnata.BudgetError
		switch {
		case errors.As(gerr, &be):
			return buf, false, limits.Exceeded(be.Limit, be.What)
		case ctx.Err() != nil && (errors.Is(gerr, context.Canceled) || errors.Is(gerr, context.DeadlineExceeded)):
			return buf, false, gerr // the caller's deadline or cancellation, not the expression's fault
		}
		return buf, false, translate(gerr)
	}
	if isContainer(res) && gnata.SizeExceeds(res, int(maxBytes)) {
		// Items may share parts (an array of a thousand references to one large string):
		// the text they stand for is measured before it is written.
		return buf, false, limits.Exceeded(maxBytes, "bytes")
	}
	mark := len(buf)
	out, ok := appendJSON(buf, res)
	if !ok {
		if unsupportedResult(res) {
			return out[:mark], false, ErrUnsupportedResult
		}
		return out[:mark], false, nil
	}
	return out, true, nil
}

// decode parses JSON into gnata's values (objects keep their key order).
func decode(raw []byte) (any, error) {
	return decodeString(string(raw))
}

// decodeString is decode of a string.
func decodeString(raw string) (any, error) {
	v, err := decodeText(raw)
	if err != nil {
		return nil, queryError("", "Invalid JSON in variable binding: "+err.Error())
	}
	return v, nil
}

// bindVars puts into vars the values of the variables names, as gnata needs them: the workflow
// variables and $states (statesFields as Expr.statesFields) decoded, Step Functions' own
// functions, and nothing for the functions it hides.
func bindVars(sc *Scope, vars map[string]any, names, statesFields []string) error {
	for _, name := range names {
		if name == "states" {
			if sc.hasStates() {
				v, derr := sc.statesValue(statesFields)
				if derr != nil {
					return derr
				}
				vars[name] = v
				continue
			}
		} else if strings.HasPrefix(name, substPrefix) {
			continue // bound by substituted.bind
		} else if sv := sc.lookupVar(name); sv.found {
			v, derr := sv.value()
			if derr != nil {
				return derr
			}
			vars[name] = v
			continue
		}
		if fn, ok := awsFunctions[name]; ok {
			vars[name] = fn
		} else if hidden[name] {
			vars[name] = nil
		}
	}
	return nil
}

// isContainer reports whether v is an array or object, whose JSON text may be much larger than
// what building it cost.
func isContainer(v any) bool {
	switch v.(type) {
	case nil, string, float64, bool:
		return false
	}
	return true
}
