// Package jsonata compiles and evaluates JSONata expressions as AWS Step Functions runs them.
//
// An expression is compiled once per definition (Compile) and evaluated per state entry
// against Bindings that give $states and the workflow variables (Eval). Results are raw JSON;
// plain paths, object constructors, $merge of those, =/!= conditions and "&" on them are answered
// from the raw input without decoding it, exactly as the evaluator would answer (SetFastPaths
// turns this off, for tests that prove it).
// Errors are *failure.Error values named States.QueryEvaluationError whose cause is JSONata
// 2.0.6's "<code>: <message>" text; the interpreter wraps them in AWS's field sentences
// (ErrorSentence, UndefinedSentence, UnsupportedSentence).
//
//	e, err := jsonata.Compile("$states.input.total * 2")
//	v, defined, err := e.Eval(bindings) // v = []byte("84")
//
// The language is JSONata 2.x as github.com/stepjet/stepjet/engine/jsonata/internal/gnata implements it, plus what AWS adds:
// $partition, $range, $hash, $random([seed]), $uuid and $parse; $eval is hidden (naming it is
// undefined, calling it is T1006), and the ?: and ?? operators are refused, as on AWS.
//
// # Differences from AWS
//
// Each is pinned by TestKnownGaps (gaps_test.go); TestClosedGaps covers gnata's differences
// this package corrects.
//
//   - Regular expressions are Go's RE2, not JavaScript's: lookarounds ((?=x), (?!x), (?<=x),
//     (?<!x)) and backreferences (\1) are refused with "D3137: invalid regex: ..." where AWS
//     evaluates them. Everything RE2 and JavaScript share behaves the same.
//   - T2009 (comparing a string with a number) keeps gnata's text, "the operands of the "<"
//     operator must be both numbers or both strings"; jsonata-js says "The values "a" and 1
//     either side of operator "<" must be of the same data type". gnata does not report the
//     values, so the JSONata text cannot be written. Error codes and the other messages are
//     JSONata's (errors.go), except where gnata gives too little to fill them in, when its
//     own message follows the code.
//   - Resource bounds are ours, not AWS's: an evaluation may build 16 MiB of strings and 1 Mi
//     array elements and object members (limits.EvalBytes, limits.EvalItems; Scope.SetBudget
//     sets them with the execution's deadline), one built-in may make a string of 16 MiB, and
//     more fails with States.DataLimitExceeded; AWS bounds evaluation memory differently.
//     The evaluator is a vendored copy of gnata with these bounds added
//     (internal/gnata/README.md).
//   - $pad is ours (pad.go): gnata refuses a width over 10,000.
//
// gnata differences corrected in the vendored copy (internal/gnata/README.md): $string and "&"
// write numbers as JSONata does (15 significant digits, input numbers not verbatim, inside
// arrays and objects too, -0 as 0), $decodeUrl keeps the escapes of reserved characters as
// decodeURI does, and URL decoding fails with D3140. The ?: and ?? refusal
// (scan.go) skips function signatures, where "?:" is no operator.
//   - $now, $random and $uuid read the real clock and randomness; $now writes milliseconds as
//     JavaScript does.
package jsonata
