package choice

import (
	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

// Rule is a compiled boolean Choice rule (a top-level rule object without its Next/Assign, or a
// nested one inside And/Or/Not). It is immutable and safe for concurrent use.
type Rule struct {
	kind ruleKind
	subs []*Rule // And, Or (one or more), Not (exactly one)

	// Data tests only.
	variable *jsonpath.Path
	op       *operator
	operand  *jsonpath.Path // the ...Path forms: the comparand is read from here
	lit      literal        // the literal forms: the comparand, decoded once
}

type ruleKind uint8

const (
	kindTest ruleKind = iota
	kindAnd
	kindOr
	kindNot
)

// Eval evaluates the rule. A Variable path that selects nothing is a *failure.Error named
// States.Runtime with AWS's cause text; so is a ...Path operand that selects nothing. Values of
// the wrong type make a comparison false.
func (r *Rule) Eval(env *jsonpath.Env) (bool, error) {
	switch r.kind {
	case kindAnd:
		for _, s := range r.subs {
			if ok, err := s.Eval(env); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case kindOr:
		for _, s := range r.subs {
			if ok, err := s.Eval(env); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case kindNot:
		ok, err := r.subs[0].Eval(env)
		return !ok && err == nil, err
	}
	return r.evalTest(env)
}

func (r *Rule) evalTest(env *jsonpath.Env) (bool, error) {
	v, err := env.Eval(r.variable)
	if r.op.family == famPresent {
		// Any failure to select a value (missing field, undefined variable, a step through a
		// scalar) means "not present"; it is never an error for IsPresent.
		return (err == nil) == r.lit.b, nil
	}
	if err != nil {
		return false, invalidPath(r.variable)
	}
	if r.operand == nil {
		return r.op.test(value(v), &r.lit), nil
	}
	o, err := env.Eval(r.operand)
	if err != nil {
		return false, invalidPath(r.operand)
	}
	var lit literal
	if !lit.load(r.op.family, value(o)) {
		return false, nil // a comparand of the wrong type matches nothing
	}
	return r.op.test(value(v), &lit), nil
}

// invalidPath is AWS's error for a Choice path that selects nothing. The interpreter adds the
// "An error occurred while executing the state ..." prefix.
func invalidPath(p *jsonpath.Path) error {
	return &failure.Error{
		Name:  failure.Runtime,
		Cause: "Invalid path '" + p.String() + "': The choice state's condition path references an invalid value.",
	}
}
