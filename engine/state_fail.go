package engine

import (
	"errors"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/intrinsics"
	"github.com/stepjet/stepjet/engine/jsonata"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/stepjet/stepjet/engine/payload"
	"github.com/tidwall/gjson"
)

// fail runs a Fail state: it ends its thread of control with Error and Cause.
func (r *stateRun) fail() *stateError {
	fs := r.st.fail
	name, err := r.failField(fs.errorLit, fs.errorExpr, fs.errorPath, fs.errorCall, fs.errorPathSrc, "Error")
	if err != nil {
		return err
	}
	cause, err := r.failField(fs.causeLit, fs.causeExpr, fs.causePath, fs.causeCall, fs.causePathSrc, "Cause")
	if err != nil {
		return err
	}
	return &stateError{Error: &failure.Error{Name: name, Cause: cause}}
}

func (r *stateRun) failField(lit string, expr *jsonata.Expr, path *jsonpath.Path, call *intrinsics.Call, src, field string) (string, *stateError) {
	var v []byte
	switch {
	case expr != nil:
		b := r.bindings()
		x, err := b.evalDefined(expr, field)
		if err != nil {
			return "", err
		}
		res := gjson.ParseBytes(x)
		if res.Type != gjson.String {
			return "", r.runtime(failure.New(failure.QueryEvaluationError,
				"The JSONata expression '%s' specified for the field '%s' returned an unexpected result type. Expected 'string', but was '%s' for value: %s",
				expr.String(), field, jsonTypeName(x, true), string(x)))
		}
		return res.Str, nil
	case path != nil:
		x, err := r.env(r.input).Eval(path)
		if err != nil {
			var nf *jsonpath.NotFoundError
			if errors.As(err, &nf) {
				return "", r.runtime(failure.New(failure.Runtime,
					"The JSONPath '%s' specified for the field '%sPath' could not be found in the input '%s'", src, field, compact(r.input)))
			}
			return "", r.runtime(err)
		}
		v = x
	case call != nil:
		x, err := call.Eval(r.env(r.input))
		if err != nil {
			return "", r.runtime(err)
		}
		v = payload.Compact(x)
	default:
		return lit, nil
	}
	res := gjson.ParseBytes(v)
	if res.Type == gjson.String {
		return res.Str, nil
	}
	return string(v), nil
}
