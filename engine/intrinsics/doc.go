// Package intrinsics parses and evaluates the 18 intrinsic functions of the Amazon States
// Language (States.Format, States.Array, States.MathAdd, ...) as AWS Step Functions runs them.
//
// A call is parsed once, when the state machine is compiled: nested calls, quoted literals with
// AWS's escapes (\' \{ \} \\; any other backslash is refused, as AWS refuses the definition),
// numbers, true/false/null and JSONPath arguments, which are compiled with package jsonpath.
// Evaluation then works on raw JSON and returns raw JSON:
//
//	call, err := intrinsics.Parse("States.Format('Hello, {}!', $.name)")
//	if err != nil {
//		return err // *ParseError: what is wrong and at which character
//	}
//	out, err := call.Eval(&jsonpath.Env{Input: []byte(`{"name":"Arnav"}`)})
//	// out is `"Hello, Arnav!"`; err, if any, holds a *failure.Error named States.Runtime,
//	// for bad arguments ("Invalid arguments in States.X", as AWS words it) as for a path
//	// that selects nothing.
//
// AWS evaluates intrinsics in Java, and that shows wherever a value becomes text: States.Format
// prints objects as {k=v, k2=v2} and arrays as [a, b], States.JsonToString writes Jackson's
// compact JSON, and a decimal number prints as Java's Double.toString does (1.0, 1000.0 for
// 1e3, 1.0E7). MathAdd rounds non-integer arguments as Java's Math.round does, while ArrayRange,
// ArrayPartition, ArrayGetItem and MathRandom truncate them as Java's (int) cast does; States.StringSplit splits on any of the delimiter characters and drops empty
// pieces, as StringTokenizer does.
package intrinsics
