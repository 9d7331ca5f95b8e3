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
// Paths rooted at "$$" read the context object and paths rooted at "$name" read a workflow
// variable; Env.Eval picks the document by Path.Root.
package jsonpath
