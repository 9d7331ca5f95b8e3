package choice

import (
	"testing"

	"github.com/stepjet/stepjet/engine/jsonpath"
)

// FuzzCompile compiles arbitrary rule text; whatever compiles must evaluate without panicking
// on a few documents, and give either a result or a *failure.Error.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		benchRule,
		`{"Variable": "$.a", "StringMatches": "a\\*b*\\\\c*"}`,
		`{"Not": {"Variable": "$$.x", "IsPresent": false}}`,
		`{"Or": [{"Variable": "$v.a[0]", "TimestampEqualsPath": "$.t"}, {"Variable": "$", "IsNull": true}]}`,
		`{"Variable": "$.n", "NumericLessThanEqualsPath": "$.m"}`,
		`{"Variable": "$.b", "BooleanEqualsPath": "$.b"}`,
		`{"Variable": "$.a", "StringEquals": "x", "NumericEquals": 1}`,
		`{"And": []}`,
	} {
		f.Add(seed)
	}
	docs := [][]byte{
		[]byte(`{"a": "a*b\\cxyz", "n": 1, "m": 1.5, "b": true, "t": "2016-03-14T01:59:00Z", "x": null}`),
		[]byte(`[1, "x", {}]`),
		[]byte(`"2016-03-14T01:59:00+01:00"`),
		[]byte(`-1e400`),
	}
	f.Fuzz(func(t *testing.T, rule string) {
		r, err := CompileJSON([]byte(rule))
		if err != nil {
			if _, ok := err.(*CompileError); !ok {
				t.Fatalf("Compile error %T, want *CompileError", err)
			}
			return
		}
		for _, doc := range docs {
			env := &jsonpath.Env{Input: doc, Context: doc, Vars: vars{"v": string(doc)}}
			_, _ = r.Eval(env)
		}
	})
}
