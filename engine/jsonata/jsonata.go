// Package jsonata compiles and evaluates JSONata expressions as AWS Step Functions runs them.
// SKELETON: signatures fixed; bodies being written.
package jsonata

// Expr is a compiled JSONata expression: immutable and safe for concurrent use.
type Expr struct{ src string }

// Compile compiles the text between "{%" and "%}".
func Compile(expr string) (*Expr, error) { panic("skeleton") }

func (e *Expr) String() string { return e.src }

// Bindings gives an expression its variables: "states" for $states and each workflow variable by
// name (without "$"), as raw JSON.
type Bindings interface {
	Lookup(name string) ([]byte, bool)
}

// Eval evaluates the expression. defined is false when it produced no value (JSONata's
// undefined). A failure is a *failure.Error named States.QueryEvaluationError whose cause ends
// with the evaluator's message (e.g. "T1006: Attempted to invoke a non-function").
func (e *Expr) Eval(b Bindings) (value []byte, defined bool, err error) { panic("skeleton") }
