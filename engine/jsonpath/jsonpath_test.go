package jsonpath

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
)

type evalCase struct {
	Path string          `json:"path"`
	Doc  json.RawMessage `json:"doc"`
	Want json.RawMessage `json:"want"`
	Err  string          `json:"err"`
}

func loadJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestEval(t *testing.T) {
	var cases []evalCase
	loadJSON(t, "eval.json", &cases)
	for _, c := range cases {
		t.Run(c.Path, func(t *testing.T) {
			p, err := Compile(c.Path)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			got, err := p.Eval(c.Doc)
			if c.Err != "" {
				var nf *NotFoundError
				if !errors.As(err, &nf) {
					t.Fatalf("got %s, %v; want NotFoundError %q", got, err, c.Err)
				}
				if err.Error() != c.Err {
					t.Fatalf("error\n got %q\nwant %q", err.Error(), c.Err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if !json.Valid(got) {
				t.Fatalf("invalid JSON result %q", got)
			}
			if g, w := string(compact(nil, string(got))), string(compact(nil, string(c.Want))); g != w {
				t.Fatalf("got  %s\nwant %s", g, w)
			}
			if !p.Definite() && got[0] != '[' {
				t.Fatalf("indefinite path returned a non-array %s", got)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	var cases []struct {
		Path string `json:"path"`
		Err  string `json:"err"`
	}
	loadJSON(t, "compile_errors.json", &cases)
	for _, c := range cases {
		t.Run(c.Path, func(t *testing.T) {
			p, err := Compile(c.Path)
			if err == nil {
				t.Fatalf("Compile(%q) = %v, want error %q", c.Path, p.segs, c.Err)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SyntaxError", err)
			}
			if !strings.Contains(err.Error(), c.Err) {
				t.Fatalf("error\n got %q\nwant it to contain %q", err.Error(), c.Err)
			}
		})
	}
}

func TestCompileForms(t *testing.T) {
	cases := []struct {
		path     string
		root     Root
		variable string
		definite bool
		norm     string
	}{
		{"$", RootInput, "", true, "$"},
		{"$.a.b", RootInput, "", true, "$['a']['b']"},
		{"$['a b'][0]", RootInput, "", true, "$['a b'][0]"},
		{"$.a[-1]", RootInput, "", true, "$['a'][-1]"},
		{"$$", RootContext, "", true, "$"},
		{"$$.Execution.Id", RootContext, "", true, "$['Execution']['Id']"},
		{"$$.Map.Item.Value[*]", RootContext, "", false, "$['Map']['Item']['Value'][*]"},
		{"$var", RootVariable, "var", true, "$"},
		{"$var.x[0]", RootVariable, "var", true, "$['var']"[:1] + "['x'][0]"},
		{"$_v2['k']", RootVariable, "_v2", true, "$['k']"},
		{"$ключ.a", RootVariable, "ключ", true, "$['a']"},
		{"$..x", RootInput, "", false, "$..['x']"},
		{"$.a[*]", RootInput, "", false, "$['a'][*]"},
		{"$.*", RootInput, "", false, "$[*]"},
		{"$.a[1:3]", RootInput, "", false, "$['a'][1:3]"},
		{"$.a[:2]", RootInput, "", false, "$['a'][:2]"},
		{"$.a[-2:]", RootInput, "", false, "$['a'][-2:]"},
		{"$.a[0,2]", RootInput, "", false, "$['a'][0,2]"},
		{"$['a','b']", RootInput, "", true, "$['a','b']"},
		{"$['a','b'].c", RootInput, "", false, "$['a','b']['c']"},
		{"$.a[?(@.x > 1)]", RootInput, "", false, "$['a'][?]"},
		{"$[ 'a' ][ 0 ]", RootInput, "", true, "$['a'][0]"},
	}
	for _, c := range cases {
		p, err := Compile(c.path)
		if err != nil {
			t.Errorf("Compile(%q): %v", c.path, err)
			continue
		}
		if p.Root() != c.root || p.Variable() != c.variable || p.Definite() != c.definite || p.Normalized() != c.norm || p.String() != c.path {
			t.Errorf("Compile(%q) = root %v var %q definite %v norm %q; want %v %q %v %q",
				c.path, p.Root(), p.Variable(), p.Definite(), p.Normalized(), c.root, c.variable, c.definite, c.norm)
		}
	}
}

func TestCompileReference(t *testing.T) {
	for _, ok := range []string{"$", "$.a", "$.a.b[0]", "$['x y']", "$.a[-1]"} {
		if _, err := CompileReference(ok); err != nil {
			t.Errorf("CompileReference(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"$..a", "$.a[*]", "$.*", "$[1:2]", "$[0,1]", "$['a','b']", "$[?(@.a)]", "$.a."} {
		if _, err := CompileReference(bad); err == nil {
			t.Errorf("CompileReference(%q) succeeded, want an error", bad)
		}
	}
}

func TestNormalizedPath(t *testing.T) {
	got, err := NormalizedPath("$.a.b[0]['c d']")
	if err != nil || got != "$['a']['b'][0]['c d']" {
		t.Fatalf("NormalizedPath = %q, %v", got, err)
	}
}

type mapVars map[string]string

func (m mapVars) Get(name string) ([]byte, bool) {
	v, ok := m[name]
	return []byte(v), ok
}

func TestEnvEval(t *testing.T) {
	env := &Env{
		Input:   []byte(`{"a":1}`),
		Context: []byte(`{"Execution":{"Id":"arn:x","Input":{"k":[1,2]}}}`),
		Vars:    mapVars{"v": `{"x":[10,20]}`, "n": `null`},
	}
	cases := []struct{ path, want, err string }{
		{"$.a", `1`, ""},
		{"$", `{"a":1}`, ""},
		{"$$.Execution.Id", `"arn:x"`, ""},
		{"$$.Execution.Input.k[-1]", `2`, ""},
		{"$$.Execution.Input.k[*]", `[1,2]`, ""},
		{"$v", `{"x":[10,20]}`, ""},
		{"$v.x[1]", `20`, ""},
		{"$v.x[*]", `[10,20]`, ""},
		{"$n", `null`, ""},
		{"$v.y", "", "Invalid path '$v.y' : No results for path: $['y']"},
		{"$nope.x", "", "States.Runtime: Invalid path '$nope.x': The variable '$nope' was not found"},
	}
	for _, c := range cases {
		got, err := env.Eval(MustCompile(c.path))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: got %s, %v; want error %q", c.path, got, err, c.err)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%s: got %s, %v; want %s", c.path, got, err, c.want)
		}
	}
	var fe *failure.Error
	_, err := (&Env{}).Eval(MustCompile("$x"))
	if !errors.As(err, &fe) || fe.Name != failure.Runtime {
		t.Errorf("undefined variable without Vars: %v", err)
	}
}

// A compiled path is shared by every execution: evaluate it from many goroutines (run with -race).
func TestConcurrentEval(t *testing.T) {
	paths := []*Path{MustCompile("$.a.b"), MustCompile("$..b"), MustCompile("$.l[?(@ > 1)]"), MustCompile("$.l[-1]")}
	doc := []byte(`{"a":{"b":1},"l":[1,2,3]}`)
	want := []string{`1`, `[1]`, `[2,3]`, `3`}
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 200; i++ {
				for j, p := range paths {
					if got, err := p.Eval(doc); err != nil || string(got) != want[j] {
						t.Errorf("%s: %s, %v", p, got, err)
						return
					}
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
