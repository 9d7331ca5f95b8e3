// Package choice compiles the JSONPath-mode rules of a Choice state once and evaluates them on
// raw JSON, as AWS Step Functions does.
//
// A rule is either a boolean combinator (And, Or: non-empty arrays of rules; Not: one rule) or a
// data test: a Variable path plus exactly one operator (StringEquals, NumericLessThanPath,
// IsPresent, ...). Compile checks the rule's shape and operand types and pre-compiles every
// path; Eval then reads the values it needs straight from the payload bytes. Compile takes the
// rule's node in the definition's tree (engine/asl), so the rule the validator checked is the
// rule that runs; CompileJSON takes a rule alone as JSON text.
//
// The semantics follow AWS:
//   - a comparison whose Variable (or ...Path operand) has the wrong JSON type is false, never an
//     error: StringEquals on a number, NumericEquals on "1", TimestampEquals on a non-timestamp;
//   - a Variable or ...Path operand that selects nothing fails with States.Runtime and the cause
//     "Invalid path '$.x': The choice state's condition path references an invalid value.";
//     only IsPresent turns a missing Variable into false;
//   - And and Or evaluate left to right and stop at the first operand that decides the result,
//     so {"And": [{"IsPresent": true, ...}, {"NumericEquals": 3, ...}]} guards a missing value.
//
// Example:
//
//	r, err := choice.CompileJSON([]byte(`{"Variable": "$.n", "NumericGreaterThan": 2, "Next": "Big"}`))
//	if err != nil { ... }
//	ok, err := r.Eval(&jsonpath.Env{Input: []byte(`{"n": 3}`)}) // true, nil
package choice
