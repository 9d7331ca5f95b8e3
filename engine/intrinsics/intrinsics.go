// Package intrinsics parses and evaluates the 18 intrinsic functions of the Amazon States
// Language (States.Format, States.Array, ...). SKELETON: signatures fixed; bodies being written.
package intrinsics

import "github.com/stepjet/stepjet/engine/jsonpath"

// IsCall reports whether s is written as an intrinsic call ("States.X(...)").
func IsCall(s string) bool { panic("skeleton") }

// Call is a parsed intrinsic call: immutable, JSONPath arguments pre-compiled.
type Call struct{ src string }

// Parse parses an intrinsic call with nested calls, string literals with escapes, numbers,
// booleans, null and JSONPath arguments ($, $$ and $variable paths).
func Parse(s string) (*Call, error) { panic("skeleton") }

func (c *Call) String() string { return c.src }

// Eval evaluates the call and returns its raw JSON result. Failures are *failure.Error
// (States.IntrinsicFailure, or States.Runtime for a path that selects nothing) with the cause's
// own text; the interpreter adds the state prefix.
func (c *Call) Eval(env *jsonpath.Env) ([]byte, error) { panic("skeleton") }
