package jsonata

import "fmt"

// Every result the package's tests see marked canonical (Scope.markCanon) must be: the next
// phase indexes it without checking.
func init() {
	checkCanonMarks = func(text []byte) {
		p := rawScanner{s: string(text)}
		var keys []string
		if !p.canonSkip(&keys) || !p.atEnd() {
			// canonSkip refuses escapes; what stringifyRaw writes is the definition.
			q := rawScanner{s: string(text)}
			out, ok := q.stringifyRaw(nil, &keys)
			if !ok || string(out) != string(text) || !q.atEnd() {
				panic(fmt.Sprintf("markCanon of %s, which is not canonical", text))
			}
		}
	}
}
