// Package jsonpath compiles the JSONPaths of the Amazon States Language once and evaluates them on
// raw JSON bytes, with the semantics of Jayway JsonPath, which AWS Step Functions uses.
//
// A path is compiled once (Compile, or CompileReference for ResultPath) into an immutable *Path.
// Definite paths ("$.a.b", "$['x y'][0]", "$.a[-1]") are looked up with gjson and return the
// selected bytes exactly as they are in the document (numbers are never re-encoded); a miss is a
// *NotFoundError carrying Jayway's text, which AWS quotes:
//
//	Invalid path '$.x' : No results for path: $['x']
//	Invalid path '$.no.such' : Missing property in path $['no']
//
// Indefinite paths (wildcards, "..", filters, slices, index unions) always return a JSON array of
// the selected values, also byte for byte. Filters support && || ! ( ), the comparisons
// == != < <= > >=, =~ /regex/flags (whole-string match, as Java's), in, nin, contains, subsetof,
// anyof, noneof, size and empty, with @ (current node) and $ (document root) paths and literals.
//
// Set applies a ResultPath: "$" replaces the document, missing objects on the way are created,
// and a path that runs through a scalar, null or array is States.ResultPathMatchFailure.
//
// Example:
//
//	p, err := jsonpath.Compile("$.orders[?(@.qty > 1 && @.status == 'open')].sku")
//	if err != nil { ... }                 // *SyntaxError: what is wrong, at which character
//	skus, err := p.Eval(input)            // `["SKU-1","SKU-7"]`
//	out, err := jsonpath.Set(input, jsonpath.MustCompile("$.result"), skus)
//
// Jayway's forms that AWS accepts are read as Jayway reads them: a slice with a step
// ("[0:3:1]", "[1:3:]") ignores the step, "$.'key'" is "$['key']", and an existence filter on
// an indefinite path ("[?(@.a.*)]", "[?(@..b)]") holds when the path can be followed with every
// member it names present, whatever it selects (Jayway's REQUIRE_PROPERTIES). A function call
// such as ".length()" is a member name ("length()"), as in AWS, whose JSONPath has no functions:
// the definition is accepted and the path fails when it runs.
//
// What still differs from Jayway, and why:
//   - Functions (length(), min(), keys(), ...) are not evaluated, in paths or filters: AWS does
//     not evaluate them either (see above); inside a filter they are a syntax error.
//   - A slice with neither start nor end ("[:]", "[::2]") is refused, as Jayway refuses it; a
//     step is never applied.
//   - Filter regular expressions run on Go's RE2, which has no backreferences or lookaround;
//     such a pattern is refused when the path compiles.
//
// Paths rooted at "$$" read the context object and paths rooted at "$name" read a workflow
// variable; Env.Eval picks the document by Path.Root.
package jsonpath
