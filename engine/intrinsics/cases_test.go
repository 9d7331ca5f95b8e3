package intrinsics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/jsonpath"
)

// The files under testdata/cases are executions recorded against AWS (copied from the shared
// conformance set). Each whose definition is a single Pass state with Parameters is replayed
// here: every intrinsic in the Parameters template is evaluated against the recorded input and
// compared with the value AWS put at the same place in the output.

type recordedCase struct {
	ID         string          `json:"id"`
	Definition json.RawMessage `json:"definition"`
	Input      json.RawMessage `json:"input"`
	Expected   struct {
		Status       string          `json:"status"`
		Output       json.RawMessage `json:"output"`
		Error        string          `json:"error"`
		Cause        string          `json:"cause"`
		Placeholders []struct {
			Path  []any   `json:"path"`
			Regex *string `json:"regex"`
		} `json:"output_placeholders"`
	} `json:"expected"`
}

type passDefinition struct {
	StartAt string `json:"StartAt"`
	States  map[string]struct {
		Type       string         `json:"Type"`
		Parameters map[string]any `json:"Parameters"`
		ResultPath *string        `json:"ResultPath"`
		OutputPath *string        `json:"OutputPath"`
	} `json:"States"`
}

// intrinsicField is one "key.$": "States.X(...)" of a Parameters template, with the output path
// its result lands at.
type intrinsicField struct {
	outPath []string
	expr    string
}

func collectIntrinsics(prefix []string, tmpl map[string]any, out *[]intrinsicField) {
	for k, v := range tmpl {
		switch v := v.(type) {
		case string:
			if name, ok := strings.CutSuffix(k, ".$"); ok && IsCall(v) {
				*out = append(*out, intrinsicField{outPath: append(append([]string{}, prefix...), name), expr: v})
			}
		case map[string]any:
			collectIntrinsics(append(append([]string{}, prefix...), k), v, out)
		}
	}
}

// testContext is a context object shaped like AWS's, enough for $$.Execution and $$.StateMachine.
func testContext(input json.RawMessage) []byte {
	ctx := map[string]any{
		"Execution": map[string]any{
			"Id":    "arn:aws:states:us-east-1:111111111111:execution:sm-name:exec-name",
			"Input": input,
			"Name":  "exec-name",
		},
		"StateMachine": map[string]any{
			"Id":   "arn:aws:states:us-east-1:111111111111:stateMachine:sm-name",
			"Name": "sm-name",
		},
		"State": map[string]any{"Name": "State_0", "EnteredTime": "2024-01-01T00:00:00Z", "RetryCount": 0},
	}
	b, _ := json.Marshal(ctx)
	return b
}

func TestRecordedCases(t *testing.T) {
	files, err := filepath.Glob("testdata/cases/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded cases: %v", err)
	}
	replayed := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var rc recordedCase
		if err := json.Unmarshal(raw, &rc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var def passDefinition
		if err := json.Unmarshal(rc.Definition, &def); err != nil || len(def.States) != 1 {
			continue
		}
		state := def.States[def.StartAt]
		if state.Type != "Pass" || state.Parameters == nil || rc.Expected.Status != "SUCCEEDED" {
			continue
		}
		var fields []intrinsicField
		collectIntrinsics(nil, state.Parameters, &fields)
		if len(fields) == 0 {
			continue
		}
		var output any
		if err := json.Unmarshal(rc.Expected.Output, &output); err != nil {
			t.Fatalf("%s: expected output: %v", rc.ID, err)
		}
		env := &jsonpath.Env{Input: rc.Input, Context: testContext(rc.Input)}
		for _, f := range fields {
			f.outPath = outputPath(f.outPath, state.ResultPath, state.OutputPath)
			if f.outPath == nil {
				continue
			}
			replayed++
			t.Run(rc.ID+"/"+strings.Join(f.outPath, "."), func(t *testing.T) {
				call, err := Parse(f.expr)
				if err != nil {
					t.Fatalf("Parse(%q): %v", f.expr, err)
				}
				got, err := call.Eval(env)
				if err != nil {
					t.Fatalf("Eval(%q) on %s: %v", f.expr, rc.Input, err)
				}
				want := lookup(output, f.outPath)
				if re := placeholderRegex(rc, f.outPath); re != nil {
					var v any
					if err := json.Unmarshal(got, &v); err != nil {
						t.Fatalf("%s: result %s is not JSON: %v", f.expr, got, err)
					}
					text, ok := v.(string)
					if !ok {
						text = string(got)
					}
					if !re.MatchString(text) {
						t.Errorf("%s\n got %s\nwant a match for %s", f.expr, got, re)
					}
					return
				}
				if !jsonEqual(t, got, want) {
					wantJSON, _ := json.Marshal(want)
					t.Errorf("%s on %s\n got %s\nwant %s", f.expr, rc.Input, got, wantJSON)
				}
			})
		}
	}
	if replayed < 70 {
		t.Errorf("replayed only %d intrinsic fields; the case files did not load as expected", replayed)
	}
}

// outputPath follows a Parameters field through simple dotted ResultPath and OutputPath fields
// to where it lands in the execution output; nil when OutputPath leaves it out.
func outputPath(field []string, resultPath, outPath *string) []string {
	segments := func(p *string) []string {
		if p == nil || *p == "$" {
			return nil
		}
		return strings.Split(strings.TrimPrefix(*p, "$."), ".")
	}
	doc := append(segments(resultPath), field...)
	prefix := segments(outPath)
	if len(prefix) > len(doc) {
		return nil
	}
	for i := range prefix {
		if prefix[i] != doc[i] {
			return nil
		}
	}
	return append([]string{}, doc[len(prefix):]...)
}

func lookup(v any, path []string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// placeholderRegex returns the anchored pattern a recorded value had to match where the
// recording replaced it (random numbers, ARNs), or nil.
func placeholderRegex(rc recordedCase, path []string) *regexp.Regexp {
	for _, p := range rc.Expected.Placeholders {
		if len(p.Path) != len(path) {
			continue
		}
		same := true
		for i := range path {
			if s, ok := p.Path[i].(string); !ok || s != path[i] {
				same = false
			}
		}
		if !same {
			continue
		}
		if p.Regex == nil {
			return regexp.MustCompile(`^[\s\S]*$`)
		}
		return regexp.MustCompile(`^(?:` + *p.Regex + `)$`)
	}
	return nil
}

// jsonEqual compares a raw result with a decoded expected value: key order and 1 vs 1.0 do not
// matter, every string must match exactly.
func jsonEqual(t *testing.T, got []byte, want any) bool {
	t.Helper()
	var g any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("result %s is not JSON: %v", got, err)
	}
	return reflect.DeepEqual(g, want)
}
