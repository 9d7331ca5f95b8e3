package jsonpath

import (
	"encoding/json"
	"strings"
	"testing"
)

func FuzzCompile(f *testing.F) {
	for _, s := range []string{"$", "$.a.b", "$['a b']", "$[\"a\"]", "$.a[0]", "$.a[-1]", "$..x", "$.a[*]", "$.*",
		"$.a[?(@.x > 1 && @.y == 'z')]", "$[?(@.x)]", "$[?(!@.x || @.y =~ /a.*/i)]", "$.a[1:3]", "$[:2]", "$[-2:]",
		"$[0,2]", "$['a','b']", "$$.Execution.Id", "$var.x[0]", "$[?(@.a in [1,'x'])]", "$.a.", "$[", "$[?(@.x ==)]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Compile(s)
		if err != nil {
			return
		}
		if p.String() != s {
			t.Fatalf("String() = %q", p.String())
		}
		// The normalized form of a definite path compiles to the same path. Jayway does not
		// escape quotes or backslashes in names when it renders them, and neither do we.
		for _, sg := range p.segs {
			for _, k := range append([]string{sg.key}, sg.keys...) {
				if strings.ContainsAny(k, `'\`) {
					return
				}
			}
		}
		n := p.Normalized()
		q, err := Compile(n)
		if err != nil {
			if p.Definite() {
				t.Fatalf("normalized %q of %q does not compile: %v", n, s, err)
			}
			return
		}
		if q.Normalized() != n {
			t.Fatalf("normalized %q renders again as %q", n, q.Normalized())
		}
	})
}

func FuzzEval(f *testing.F) {
	docs := []string{`{"a":{"b":[1,2,{"c":null}]},"x":1.10,"y":"z","a b":true}`, `[1,[2,[3]],{"x":{"x":4}}]`, `"s"`, `null`, `{}`}
	paths := []string{"$.a.b[2].c", "$..x", "$.a.b[-1]", "$[?(@.x > 1)]", "$.*", "$['a b']", "$[1:]", "$.a.b[0,1]", "$['a','x']"}
	for i, p := range paths {
		f.Add(p, docs[i%len(docs)])
	}
	f.Fuzz(func(t *testing.T, path, doc string) {
		if !json.Valid([]byte(doc)) {
			return
		}
		p, err := Compile(path)
		if err != nil {
			return
		}
		out, err := p.Eval([]byte(doc))
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("Eval(%q, %s) = invalid JSON %q", path, doc, out)
		}
		if !p.Definite() && (len(out) == 0 || out[0] != '[') {
			t.Fatalf("indefinite Eval(%q) = %q, not an array", path, out)
		}
		if r, err := CompileReference(path); err == nil {
			set, err := Set([]byte(doc), r, []byte(`{"v":1}`))
			if err == nil && !json.Valid(set) {
				t.Fatalf("Set(%s, %q) = invalid JSON %q", doc, path, set)
			}
		}
	})
}
