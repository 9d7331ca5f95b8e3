package choice

import (
	"errors"
	"strings"
	"testing"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		rule     string
		location string
		msg      string // a substring of the message
	}{
		{`[]`, "", "must be a JSON object"},
		{`"x"`, "", "must be a JSON object"},
		{`null`, "", "must be a JSON object"},
		{`{"Variable": "$.a", "Variable": "$.b", "IsNull": true}`, "", "distinct field names"},
		{`{`, "", "must be a JSON object"},
		{`{"Variable": "$.a", "Next": "X"}`, "", "needs a comparison operator"},
		{`{"Variable": "$.a", "StringEqual": "x"}`, "/StringEqual", `unknown field "StringEqual"`},
		{`{"Variable": "$.a", "StringMatchesPath": "$.b"}`, "/StringMatchesPath", "unknown field"},
		{`{"Variable": "$.a", "IsNullPath": "$.b"}`, "/IsNullPath", "unknown field"},
		{`{"Variable": "$.a", "StringEquals": "x", "NumericEquals": 1}`, "", "exactly one comparison operator, found NumericEquals, StringEquals"},
		{`{"StringEquals": "x"}`, "", "with StringEquals needs a Variable"},
		{`{"Variable": 1, "StringEquals": "x"}`, "/Variable", "expected a path"},
		{`{"Variable": "a.b", "StringEquals": "x"}`, "/Variable", "not a Reference Path"},
		{`{"Variable": "$.a[*]", "StringEquals": "x"}`, "/Variable", "not a Reference Path"},
		{`{"Variable": "$..a", "IsPresent": true}`, "/Variable", "not a Reference Path"},
		{`{"Variable": "$.a[", "StringEquals": "x"}`, "/Variable", "invalid path"},
		{`{"Variable": "$.a", "StringEquals": 1}`, "/StringEquals", "StringEquals takes a string, got 1"},
		{`{"Variable": "$.a", "StringMatches": null}`, "/StringMatches", "takes a string"},
		{`{"Variable": "$.a", "NumericEquals": "1"}`, "/NumericEquals", `NumericEquals takes a number, got "1"`},
		{`{"Variable": "$.a", "BooleanEquals": "true"}`, "/BooleanEquals", "takes true or false"},
		{`{"Variable": "$.a", "IsPresent": 1}`, "/IsPresent", "takes true or false"},
		{`{"Variable": "$.a", "TimestampEquals": "2016-03-14"}`, "/TimestampEquals", "takes a timestamp"},
		{`{"Variable": "$.a", "TimestampEquals": 1}`, "/TimestampEquals", "takes a timestamp"},
		{`{"Variable": "$.a", "NumericEqualsPath": 1}`, "/NumericEqualsPath", "expected a path"},
		{`{"Variable": "$.a", "NumericEqualsPath": "b"}`, "/NumericEqualsPath", "not a Reference Path"},
		{`{"And": []}`, "/And", "non-empty array"},
		{`{"Or": {}}`, "/Or", "non-empty array"},
		{`{"Not": []}`, "/Not", "one choice rule"},
		{`{"And": [{"Variable": "$.a", "IsNull": true}], "Or": [{"Variable": "$.a", "IsNull": true}]}`, "", "exactly one of And, Or, Not"},
		{`{"And": [{"Variable": "$.a", "IsNull": true}], "IsNull": true}`, "", "exactly one of And, Or, Not"},
		{`{"Variable": "$.a", "Not": {"Variable": "$.a", "IsNull": true}}`, "/Variable", "may not hold Variable"},
		{`{"And": [{"Variable": "$.a", "IsNull": true}, {"Variable": "$.a"}]}`, "/And/1", "needs a comparison operator"},
		{`{"And": [{"Variable": "$.a", "IsNull": true, "Next": "X"}]}`, "/And/0/Next", "may not hold Next"},
		{`{"Not": {"Variable": "$.a", "IsNull": true, "Assign": {}}}`, "/Not/Assign", "may not hold Assign"},
		{`{"Or": [{"Not": {"Variable": "$.a", "NumericEquals": true}}]}`, "/Or/0/Not/NumericEquals", "takes a number"},
		{`{"Condition": "{% true %}", "Next": "X"}`, "/Condition", "unknown field"},
	}
	for _, tt := range tests {
		r, err := CompileJSON([]byte(tt.rule))
		var ce *CompileError
		if !errors.As(err, &ce) {
			t.Errorf("CompileJSON(%s) = %v, %v; want a *CompileError", tt.rule, r, err)
			continue
		}
		if ce.Location != tt.location || !strings.Contains(ce.Message, tt.msg) {
			t.Errorf("CompileJSON(%s): %q at %q; want %q at %q", tt.rule, ce.Message, ce.Location, tt.msg, tt.location)
		}
	}
}

func TestCompileAccepts(t *testing.T) {
	for _, rule := range []string{
		`{"Variable": "$", "IsPresent": true, "Next": "X", "Comment": "c", "Assign": {"a": 1}}`,
		`{"Variable": "$$.Execution.Input.x", "StringEquals": ""}`,
		`{"Variable": "$var.x[0]", "NumericGreaterThanEquals": -1.5e3}`,
		`{"Variable": "$['a b']", "StringGreaterThanEqualsPath": "$$.State.Name"}`,
		`{"Variable": "$.t", "TimestampLessThan": "2016-03-14T01:59:00.5+05:30"}`,
		`{"And": [{"Variable": "$.a", "IsNull": false, "Comment": "nested comments are fine"}], "Next": "X"}`,
		`{"Not": {"Or": [{"Variable": "$.a", "IsBoolean": true}, {"Variable": "$.a", "BooleanEqualsPath": "$.b"}]}}`,
	} {
		if _, err := CompileJSON([]byte(rule)); err != nil {
			t.Errorf("CompileJSON(%s): %v", rule, err)
		}
	}
}
