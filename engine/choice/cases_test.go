package choice

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

// recordedCase is the part of a conformance case (recorded against AWS) that this test reads.
type recordedCase struct {
	ID         string `json:"id"`
	Definition struct {
		StartAt string                     `json:"StartAt"`
		States  map[string]json.RawMessage `json:"States"`
	} `json:"definition"`
	Input    json.RawMessage `json:"input"`
	Expected struct {
		Status string `json:"status"`
		Output any    `json:"output"`
		Error  string `json:"error"`
		Cause  string `json:"cause"`
	} `json:"expected"`
}

type choiceState struct {
	Type    string            `json:"Type"`
	Choices []json.RawMessage `json:"Choices"`
	Default string            `json:"Default"`
}

type nextState struct {
	Type       string          `json:"Type"`
	End        bool            `json:"End"`
	Result     json.RawMessage `json:"Result"`
	Parameters json.RawMessage `json:"Parameters"`
	InputPath  *string         `json:"InputPath"`
	OutputPath *string         `json:"OutputPath"`
	ResultPath *string         `json:"ResultPath"`
}

// TestRecordedCases runs every recorded case whose first state is a JSONPath Choice: it
// evaluates the rules on the execution input, follows the branch taken, and checks that the
// branch produces what AWS returned (the cases feed Pass states with distinct Results, so the
// output names the branch AWS took).
func TestRecordedCases(t *testing.T) {
	files, err := filepath.Glob("testdata/cases/*.json")
	if err != nil || len(files) < 200 {
		t.Fatalf("want the recorded cases under testdata/cases, found %d (%v)", len(files), err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			runRecordedCase(t, file)
		})
	}
}

func runRecordedCase(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c recordedCase
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	var st choiceState
	if err := json.Unmarshal(c.Definition.States[c.Definition.StartAt], &st); err != nil || st.Type != "Choice" {
		t.Fatalf("start state %q is not a Choice state", c.Definition.StartAt)
	}

	env := &jsonpath.Env{Input: c.Input, Context: []byte(`{}`)}
	next, matched := st.Default, -1
	for i, raw := range st.Choices {
		r, err := CompileJSON(raw)
		if err != nil {
			t.Fatalf("CompileJSON(%s): %v", raw, err)
		}
		ok, err := r.Eval(env)
		if err != nil {
			var fe *failure.Error
			if !errors.As(err, &fe) || c.Expected.Status != "FAILED" || fe.Name != c.Expected.Error ||
				!strings.HasSuffix(c.Expected.Cause, fe.Cause) {
				t.Fatalf("rule %d: Eval error %v; AWS: %s %s %s", i, err, c.Expected.Status, c.Expected.Error, c.Expected.Cause)
			}
			return
		}
		if ok {
			var top struct{ Next string }
			_ = json.Unmarshal(raw, &top)
			next, matched = top.Next, i
			break
		}
	}
	if next == "" {
		if c.Expected.Error != failure.NoChoiceMatched {
			t.Fatalf("no rule matched and no Default; AWS: %s %s", c.Expected.Status, c.Expected.Error)
		}
		return
	}
	if c.Expected.Status != "SUCCEEDED" {
		t.Fatalf("took %q (rule %d); AWS: %s %s %s", next, matched, c.Expected.Status, c.Expected.Error, c.Expected.Cause)
	}
	got, ok := branchOutput(c, next)
	if !ok {
		t.Fatalf("cannot tell the output of state %q in this test", next)
	}
	if !reflect.DeepEqual(got, c.Expected.Output) {
		t.Errorf("took %q (rule %d), which outputs %v; AWS output %v", next, matched, got, c.Expected.Output)
	}
}

// branchOutput is the execution output when the Choice goes to state name: a final Pass state
// returns its Result, or its input without one.
func branchOutput(c recordedCase, name string) (any, bool) {
	var s nextState
	if err := json.Unmarshal(c.Definition.States[name], &s); err != nil {
		return nil, false
	}
	switch {
	case s.Type == "Succeed" && s.InputPath == nil && s.OutputPath == nil:
	case s.Type == "Pass" && s.End && s.Parameters == nil && s.InputPath == nil && s.OutputPath == nil && s.ResultPath == nil:
		if s.Result != nil {
			var out any
			return out, json.Unmarshal(s.Result, &out) == nil
		}
	default:
		return nil, false
	}
	var out any
	return out, json.Unmarshal(c.Input, &out) == nil
}
