package payload

import (
	"errors"
	"strings"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

// CompileError says a template cannot be compiled. Message is AWS's validation wording where it
// is known (e.g. "The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic
// function call"); the validator adds " at <location>".
type CompileError struct {
	// Field is the offending key as written ("x.$") in JSONPath mode, or the field path
	// ("Output/a/b[0]") in JSONata mode.
	Field string
	// Pointer is the JSON pointer of the offending value inside the template ("" for the
	// template itself), for diagnostics that want a precise location.
	Pointer string
	Message string
	// Err is the underlying parser error, if any.
	Err error
}

func (e *CompileError) Error() string { return e.Message }

func (e *CompileError) Unwrap() error { return e.Err }

// pathNotFound is AWS's cause for a ".$" field whose path selects nothing.
func pathNotFound(path, field string, doc []byte) *failure.Error {
	var b strings.Builder
	b.Grow(len(path) + len(field) + len(doc) + 80)
	b.WriteString("The JSONPath '")
	b.WriteString(path)
	b.WriteString("' specified for the field '")
	b.WriteString(field)
	b.WriteString("' could not be found in the input '")
	if len(doc) == 0 {
		b.WriteString("null")
	} else {
		b.Write(appendCompact(nil, doc))
	}
	b.WriteString("'")
	return &failure.Error{Name: failure.Runtime, Cause: b.String()}
}

// asFailure returns err as a *failure.Error, naming it name when it is not one already.
func asFailure(err error, name string) *failure.Error {
	var fe *failure.Error
	if errors.As(err, &fe) {
		return fe
	}
	return &failure.Error{Name: name, Cause: err.Error()}
}

// isNotFound reports whether err says a path selected nothing.
func isNotFound(err error) bool {
	var nf *jsonpath.NotFoundError
	return errors.As(err, &nf)
}

// ErrInvalidJSON is CheckCompact's error for a document that is not one JSON value.
var ErrInvalidJSON = errors.New("not valid JSON")
