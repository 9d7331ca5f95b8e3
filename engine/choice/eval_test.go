package choice

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

type vars map[string]string

func (v vars) Get(name string) ([]byte, bool) {
	s, ok := v[name]
	return []byte(s), ok
}

const missingCause = "The choice state's condition path references an invalid value."

func TestEval(t *testing.T) {
	input := `{"n": 3, "s": "abc", "t": "2016-03-14T01:59:00Z", "nil": null, "b": true, "obj": {"x": 1}, "arr": [1, 2, 3],
		"esc": "a*b\\c", "sp": "\u00e9"}`
	env := &jsonpath.Env{
		Input:   []byte(input),
		Context: []byte(`{"Execution": {"Id": "arn:x"}, "State": {"EnteredTime": "2024-01-01T00:00:00.123Z"}}`),
		Vars:    vars{"limit": `2`, "who": `{"name": "abc"}`},
	}
	tests := []struct {
		rule string
		want bool
		err  string // the cause of a States.Runtime error, if one is expected
	}{
		{`{"Variable": "$.n", "NumericEquals": 3, "Next": "X"}`, true, ""},
		{`{"Variable": "$.n", "NumericGreaterThanPath": "$limit"}`, true, ""},
		{`{"Variable": "$.s", "StringEqualsPath": "$who.name"}`, true, ""},
		{`{"Variable": "$$.Execution.Id", "StringMatches": "arn:*"}`, true, ""},
		{`{"Variable": "$$.State.EnteredTime", "TimestampGreaterThan": "2024-01-01T00:00:00.122Z"}`, true, ""},
		{`{"Variable": "$$.State.EnteredTime", "TimestampLessThanPath": "$.t"}`, false, ""},
		{`{"Variable": "$.arr[1]", "NumericEquals": 2}`, true, ""},
		{`{"Variable": "$.obj.x", "NumericLessThanEquals": 1}`, true, ""},
		{`{"Variable": "$.esc", "StringMatches": "a\\*b\\\\*"}`, true, ""},
		{`{"Variable": "$.sp", "StringEquals": "é"}`, true, ""},
		{`{"Variable": "$", "IsPresent": true}`, true, ""},
		{`{"Variable": "$.obj", "IsPresent": true}`, true, ""},
		{`{"Variable": "$.nil", "IsPresent": true}`, true, ""},
		{`{"Variable": "$.nil", "IsNull": true}`, true, ""},

		// A Variable that selects nothing: false for IsPresent, an error for everything else.
		{`{"Variable": "$.missing", "IsPresent": true}`, false, ""},
		{`{"Variable": "$.missing", "IsPresent": false}`, true, ""},
		{`{"Variable": "$.s.deeper", "IsPresent": false}`, true, ""},
		{`{"Variable": "$.arr[7]", "IsPresent": true}`, false, ""},
		{`{"Variable": "$undefined", "IsPresent": true}`, false, ""},
		{`{"Variable": "$.missing", "IsNull": true}`, false, "Invalid path '$.missing': " + missingCause},
		{`{"Variable": "$.missing", "IsString": false}`, false, "Invalid path '$.missing': " + missingCause},
		{`{"Variable": "$.missing", "StringEquals": "x"}`, false, "Invalid path '$.missing': " + missingCause},
		{`{"Variable": "$.missing.x", "NumericEquals": 1}`, false, "Invalid path '$.missing.x': " + missingCause},
		{`{"Variable": "$undefined", "NumericEquals": 1}`, false, "Invalid path '$undefined': " + missingCause},
		// A ...Path operand that selects nothing is the same error, naming the operand.
		{`{"Variable": "$.n", "NumericEqualsPath": "$.right"}`, false, "Invalid path '$.right': " + missingCause},
		{`{"Variable": "$.s", "NumericEqualsPath": "$.right"}`, false, "Invalid path '$.right': " + missingCause},
		// A ...Path operand of the wrong type matches nothing.
		{`{"Variable": "$.n", "NumericEqualsPath": "$.s"}`, false, ""},
		{`{"Variable": "$.n", "StringEqualsPath": "$.n"}`, false, ""},
		{`{"Variable": "$.s", "StringGreaterThanPath": "$.n"}`, false, ""},
		{`{"Variable": "$.b", "BooleanEqualsPath": "$.b"}`, true, ""},
		{`{"Variable": "$.t", "TimestampEqualsPath": "$.t"}`, true, ""},
		{`{"Variable": "$.t", "TimestampEqualsPath": "$.s"}`, false, ""},

		// And and Or stop at the first operand that decides, so a guard protects what follows.
		{`{"And": [{"Variable": "$.missing", "IsPresent": true}, {"Variable": "$.missing", "StringEquals": "x"}]}`, false, ""},
		{`{"Or": [{"Variable": "$.n", "IsNumeric": true}, {"Variable": "$.missing", "StringEquals": "x"}]}`, true, ""},
		{`{"Or": [{"Variable": "$.n", "IsString": true}, {"Variable": "$.missing", "StringEquals": "x"}]}`, false, "Invalid path '$.missing': " + missingCause},
		{`{"And": [{"Variable": "$.n", "IsNumeric": true}, {"Variable": "$.n", "NumericEquals": 3}, {"Not": {"Variable": "$.s", "StringEquals": "x"}}]}`, true, ""},
		{`{"Not": {"Variable": "$.missing", "IsPresent": true}}`, true, ""},
		{`{"Not": {"Variable": "$.missing", "IsNull": false}}`, false, "Invalid path '$.missing': " + missingCause},
		{`{"Or": [{"And": [{"Variable": "$.n", "NumericLessThan": 0}]}, {"Not": {"Not": {"Variable": "$.b", "BooleanEquals": true}}}]}`, true, ""},
	}
	for _, tt := range tests {
		r, err := CompileJSON([]byte(tt.rule))
		if err != nil {
			t.Fatalf("CompileJSON(%s): %v", tt.rule, err)
		}
		got, err := r.Eval(env)
		if tt.err != "" {
			var fe *failure.Error
			if !errors.As(err, &fe) || fe.Name != failure.Runtime || fe.Cause != tt.err {
				t.Errorf("%s: err = %v, want States.Runtime: %s", tt.rule, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s = %v, %v; want %v", tt.rule, got, err, tt.want)
		}
	}
}

// TestAssignedVariables replays the recorded BASE_REFERENCE_IN_CHOICE case: the first pass
// compares two different variables (Default), the second pass after guess := answer matches.
func TestAssignedVariables(t *testing.T) {
	var c struct {
		Definition struct {
			States struct {
				CheckAnswer struct{ Choices []json.RawMessage }
			}
		}
	}
	readJSON(t, "testdata/assign.test_assign_reference_variables.test_reference_assign__BASE_REFERENCE_IN_CHOICE.json", &c)
	r, err := CompileJSON(c.Definition.States.CheckAnswer.Choices[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		vars vars
		want bool
	}{
		{vars{"guess": `"the_guess"`, "answer": `"the_answer"`}, false},
		{vars{"guess": `"the_answer"`, "answer": `"the_answer"`}, true},
	} {
		got, err := r.Eval(&jsonpath.Env{Input: []byte(`{}`), Vars: tt.vars})
		if err != nil || got != tt.want {
			t.Errorf("vars %v: %v, %v; want %v", tt.vars, got, err, tt.want)
		}
	}
}

// TestMapBreakCondition replays the recorded Map break-condition case: the Choice inside the
// iterator matches the item 3 only (and must not fail on "Hello" or {}).
func TestMapBreakCondition(t *testing.T) {
	var c struct {
		Definition struct {
			States struct {
				StartState struct{ Result []json.RawMessage }
				MapState   struct {
					ItemProcessor struct {
						States struct {
							Equals3 struct{ Choices []json.RawMessage }
						}
					}
				}
			}
		}
	}
	readJSON(t, "testdata/scenarios.test_base_scenarios.test_map_state_break_condition.json", &c)
	r, err := CompileJSON(c.Definition.States.MapState.ItemProcessor.States.Equals3.Choices[0])
	if err != nil {
		t.Fatal(err)
	}
	items := c.Definition.States.StartState.Result
	if len(items) != 7 {
		t.Fatalf("want 7 items, got %d", len(items))
	}
	for i, item := range items {
		got, err := r.Eval(&jsonpath.Env{Input: item})
		if want := string(item) == "3"; err != nil || got != want {
			t.Errorf("item %d (%s): %v, %v; want %v", i, item, got, err, want)
		}
	}
}

func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}
