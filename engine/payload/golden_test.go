package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/tidwall/gjson"
	"github.com/tidwall/pretty"
	"github.com/tidwall/sjson"
)

var update = flag.Bool("update", false, "rewrite the expected results in testdata/*/*.json")

// A golden case is one file: the template and what it reads, then what it must give — "want"
// (the exact compact output, key order included), "error" ({name, cause}) or "compile_error"
// (a substring of the compile error's message).
//
//	{"template": ..., "input": ..., "context": ..., "vars": {...}, "want": ...}
//	{"field": "Output", "template": ..., "bindings": {"states": {...}, "x": 1}, "want": ...}

// mapVars serves workflow variables and JSONata bindings from a JSON object.
type mapVars map[string][]byte

func (m mapVars) Get(name string) ([]byte, bool)    { v, ok := m[name]; return v, ok }
func (m mapVars) Lookup(name string) ([]byte, bool) { v, ok := m[name]; return v, ok }

func varsOf(obj gjson.Result) mapVars {
	m := mapVars{}
	obj.ForEach(func(k, v gjson.Result) bool {
		m[k.Str] = []byte(v.Raw)
		return true
	})
	return m
}

func rawOf(r gjson.Result) []byte {
	if !r.Exists() {
		return nil
	}
	return []byte(r.Raw)
}

func TestGoldenJSONPath(t *testing.T) {
	runGolden(t, "jsonpath", func(c gjson.Result) ([]byte, error, error) {
		tmpl, err := Compile(rawOf(c.Get("template")))
		if err != nil {
			return nil, nil, err
		}
		env := &jsonpath.Env{Input: rawOf(c.Get("input")), Context: rawOf(c.Get("context")), Vars: varsOf(c.Get("vars"))}
		out, err := tmpl.Eval(env)
		return out, err, nil
	})
}

func TestGoldenJSONata(t *testing.T) {
	runGolden(t, "jsonata", func(c gjson.Result) ([]byte, error, error) {
		tmpl, err := CompileJSONata(c.Get("field").Str, rawOf(c.Get("template")))
		if err != nil {
			return nil, nil, err
		}
		out, err := tmpl.Eval(varsOf(c.Get("bindings")))
		return out, err, nil
	})
}

// runGolden runs every case under testdata/dir through run, which returns the output, the
// evaluation error and the compile error.
func runGolden(t *testing.T, dir string, run func(gjson.Result) (out []byte, evalErr, compileErr error)) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in testdata/%s: %v", dir, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !gjson.ValidBytes(data) {
				t.Fatalf("%s is not valid JSON", file)
			}
			c := gjson.ParseBytes(data)
			out, evalErr, compileErr := run(c)
			if *update {
				writeGolden(t, file, data, out, evalErr, compileErr)
				return
			}
			switch want := c.Get("compile_error"); {
			case want.Exists():
				if compileErr == nil {
					t.Fatalf("compiled; want compile error containing %q", want.Str)
				}
				var ce *CompileError
				if !errors.As(compileErr, &ce) {
					t.Fatalf("compile error is %T, want *CompileError", compileErr)
				}
				if !strings.Contains(compileErr.Error(), want.Str) {
					t.Fatalf("compile error %q does not contain %q", compileErr, want.Str)
				}
				return
			case compileErr != nil:
				t.Fatalf("compile: %v", compileErr)
			}
			if want := c.Get("error"); want.Exists() {
				var fe *failure.Error
				if !errors.As(evalErr, &fe) {
					t.Fatalf("got output %s, error %v; want *failure.Error %s", out, evalErr, want.Raw)
				}
				if fe.Name != want.Get("name").Str || fe.Cause != want.Get("cause").Str {
					t.Fatalf("error\n got: %s: %s\nwant: %s: %s", fe.Name, fe.Cause, want.Get("name").Str, want.Get("cause").Str)
				}
				return
			}
			if evalErr != nil {
				t.Fatalf("eval: %v", evalErr)
			}
			want := pretty.Ugly(rawOf(c.Get("want")))
			if !bytes.Equal(out, want) {
				t.Fatalf("output\n got: %s\nwant: %s", out, want)
			}
		})
	}
}

func writeGolden(t *testing.T, file string, data, out []byte, evalErr, compileErr error) {
	var err error
	for _, k := range []string{"want", "error", "compile_error"} {
		data, _ = sjson.DeleteBytes(data, k)
	}
	switch {
	case compileErr != nil:
		data, err = sjson.SetBytes(data, "compile_error", compileErr.Error())
	case evalErr != nil:
		var fe *failure.Error
		if !errors.As(evalErr, &fe) {
			t.Fatalf("eval error %T is not a *failure.Error: %v", evalErr, evalErr)
		}
		e, _ := json.Marshal(map[string]string{"name": fe.Name, "cause": fe.Cause})
		data, err = sjson.SetRawBytes(data, "error", e)
	default:
		data, err = sjson.SetRawBytes(data, "want", out)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, pretty.Pretty(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
