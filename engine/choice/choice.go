// Package choice compiles JSONPath-mode Choice rules (comparisons, And/Or/Not, Is* tests,
// StringMatches) once and evaluates them on raw JSON. SKELETON: signatures fixed.
package choice

import "github.com/stepjet/stepjet/engine/jsonpath"

// Rule is a compiled boolean Choice rule (a top-level rule object without its Next/Assign, or a
// nested one inside And/Or/Not).
type Rule struct{}

// Compile compiles one rule object given as raw JSON.
func Compile(rule []byte) (*Rule, error) { panic("skeleton") }

// Eval evaluates the rule. A Variable path that selects nothing is a *failure.Error named
// States.Runtime with AWS's cause text.
func (r *Rule) Eval(env *jsonpath.Env) (bool, error) { panic("skeleton") }
