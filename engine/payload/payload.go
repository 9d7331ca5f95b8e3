// Package payload compiles payload templates (Parameters, ResultSelector, ItemSelector in JSONPath
// mode; Arguments, Output and Assign values in JSONata mode) once, and fills them per execution.
// SKELETON: signatures fixed; bodies being written.
package payload

import (
	"github.com/stepjet/stepjet/engine/jsonata"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

// Template is a compiled JSONPath-mode payload template.
type Template struct{}

// Compile compiles a JSONPath-mode template: any JSON value; inside objects, keys ending in ".$"
// take a path ($, $$, $var) or an intrinsic call, and the ".$" is dropped from the output key.
func Compile(tmpl []byte) (*Template, error) { panic("skeleton") }

// Eval fills the template. A path that selects nothing is a *failure.Error named States.Runtime
// with AWS's cause: "The JSONPath '$.x' specified for the field 'x.$' could not be found in the
// input '<input JSON>'".
func (t *Template) Eval(env *jsonpath.Env) ([]byte, error) { panic("skeleton") }

// JSONataTemplate is a compiled JSONata-mode template: any JSON value in which strings of the
// form "{% expr %}" are JSONata expressions.
type JSONataTemplate struct{}

// CompileJSONata compiles a JSONata-mode template; field names the field (e.g. "Output",
// "Arguments") for AWS's cause texts ("... specified for the field 'Output/FunctionResult' ...").
func CompileJSONata(field string, tmpl []byte) (*JSONataTemplate, error) { panic("skeleton") }

// Eval fills the template.
func (t *JSONataTemplate) Eval(b jsonata.Bindings) ([]byte, error) { panic("skeleton") }
