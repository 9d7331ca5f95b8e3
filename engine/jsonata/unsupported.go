package jsonata

import (
	"reflect"

	"github.com/stepjet/stepjet/engine/failure"
)

// ErrUnsupportedResult is the error Eval returns when an expression evaluates to something JSON
// cannot hold, such as a function ("{% $sum %}", "{% function($x){$x} %}"): AWS fails the state
// with States.QueryEvaluationError and UnsupportedSentence, not with the undefined sentence. It
// is a States.QueryEvaluationError itself, so a caller that does not rewrite it still fails the
// state with the right name.
var ErrUnsupportedResult error = &failure.Error{Name: failure.QueryEvaluationError, Cause: "The expression returned an unsupported result type."}

// UnsupportedSentence is the cause AWS gives when the expression in a field returned a value JSON
// cannot hold (recorded for Map's Items field: "The JSONata expression '$sum' specified for the
// field 'Items' returned an unsupported result type.").
func UnsupportedSentence(expr, field string) string {
	return "The JSONata expression '" + expr + "' specified for the field '" + field +
		"' returned an unsupported result type."
}

// unsupportedResult reports whether v, which appendJSON could not write, is a value rather than
// JSONata's undefined (nil, or an empty sequence): a function, a regular expression, or a
// sequence holding one.
func unsupportedResult(v any) bool {
	if v == nil {
		return false
	}
	if vals, _, ok := sequenceValues(v); ok {
		for _, x := range vals {
			if unsupportedResult(x) {
				return true
			}
		}
		return false
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() != reflect.Pointer || !rv.IsNil()
}
