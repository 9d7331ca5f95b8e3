package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine"
)

// TestTypedFieldUndefined: an expression in a field that needs a value of some type, and that
// returns nothing, fails as an undefined expression does in every other field AWS recorded
// ("... returned nothing (undefined)."), not with the field's type error.
func TestTypedFieldUndefined(t *testing.T) {
	const nope = `"{% $states.input.nope %}"`
	proc := `"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	tests := []struct{ field, state string }{
		{"Items", `{"Type":"Map","Items":` + nope + `,` + proc + `,"End":true}`},
		{"MaxConcurrency", `{"Type":"Map","Items":[1],"MaxConcurrency":` + nope + `,` + proc + `,"End":true}`},
		{"ToleratedFailureCount", `{"Type":"Map","Items":[1],"ToleratedFailureCount":` + nope + `,` + proc + `,"End":true}`},
		{"ToleratedFailurePercentage", `{"Type":"Map","Items":[1],"ToleratedFailurePercentage":` + nope + `,` + proc + `,"End":true}`},
		{"Seconds", `{"Type":"Wait","Seconds":` + nope + `,"End":true}`},
		{"Timestamp", `{"Type":"Wait","Timestamp":` + nope + `,"End":true}`},
		{"TimeoutSeconds", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{},"TimeoutSeconds":` + nope + `,"End":true}`},
		{"HeartbeatSeconds", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{},"TimeoutSeconds":10,"HeartbeatSeconds":` + nope + `,"End":true}`},
		{"Error", `{"Type":"Fail","Error":` + nope + `}`},
		{"Cause", `{"Type":"Fail","Error":"E","Cause":` + nope + `}`},
		{"Condition", `{"Type":"Choice","Choices":[{"Condition":` + nope + `,"Next":"E"}],"Default":"E"},"E":{"Type":"Succeed"}`},
	}
	ok := engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) { return []byte(`{}`), nil })
	for _, tc := range tests {
		t.Run(tc.field, func(t *testing.T) {
			m := compileT(t, `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":`+tc.state+`}}`)
			res := m.Run(context.Background(), []byte(`{}`), engine.RunOptions{Tasks: ok})
			want := "An error occurred while executing the state 'S' (entered at the event id #2). " +
				"The JSONata expression '$states.input.nope' specified for the field '" + tc.field + "' returned nothing (undefined)."
			if res.Status != engine.StatusFailed || res.Error != "States.QueryEvaluationError" || res.Cause != want {
				t.Fatalf("got %s %s %q", res.Status, res.Error, res.Cause)
			}
		})
	}
	// A defined value of the wrong type keeps its own cause.
	m := compileT(t, `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Wait","Seconds":"{% 'x' %}","End":true}}}`)
	res := m.Run(context.Background(), []byte(`{}`), engine.RunOptions{})
	if res.Error != "States.QueryEvaluationError" || !strings.Contains(res.Cause, "Expected 'integer', but was 'string'") {
		t.Fatalf("got %s %s %q", res.Status, res.Error, res.Cause)
	}
}

// TestTimeoutOutOfRange: a TimeoutSeconds or HeartbeatSeconds computed when the state runs must
// lie where a literal one must (1 to 99999999); outside, the state fails with
// States.QueryEvaluationError (JSONata, as AWS's JSONata page says) or States.Runtime
// (TimeoutSecondsPath), and the task is not called.
func TestTimeoutOutOfRange(t *testing.T) {
	called := false
	task := engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) { called = true; return []byte(`{}`), nil })
	const res = `"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true`
	tests := []struct{ def, input, err, cause string }{
		{`{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{` + res + `,"Arguments":{},"TimeoutSeconds":"{% $states.input.t %}"}}}`,
			`{"t":0}`, "States.QueryEvaluationError", "specified for the field 'TimeoutSeconds' returned 0, which is out of range"},
		{`{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{` + res + `,"Arguments":{},"TimeoutSeconds":"{% $states.input.t %}"}}}`,
			`{"t":100000000}`, "States.QueryEvaluationError", "returned 100000000, which is out of range"},
		{`{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{` + res + `,"Arguments":{},"TimeoutSeconds":100,"HeartbeatSeconds":"{% -1 %}"}}}`,
			`{}`, "States.QueryEvaluationError", "for the field 'HeartbeatSeconds' returned -1, which is out of range"},
		{`{"StartAt":"S","States":{"S":{` + res + `,"TimeoutSecondsPath":"$.t"}}}`,
			`{"t":-5}`, "States.Runtime", "The TimeoutSecondsPath field refers to value -5 which is out of range"},
	}
	for _, tc := range tests {
		called = false
		m := compileT(t, tc.def)
		r := m.Run(context.Background(), []byte(tc.input), engine.RunOptions{Tasks: task})
		if r.Status != engine.StatusFailed || r.Error != tc.err || !strings.Contains(r.Cause, tc.cause) || called {
			t.Errorf("%s with %s: got %s %s %q (task called %v)", tc.def, tc.input, r.Status, r.Error, r.Cause, called)
		}
	}
	// In range it runs.
	m := compileT(t, `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{`+res+`,"Arguments":{},"TimeoutSeconds":"{% $states.input.t %}"}}}`)
	if r := m.Run(context.Background(), []byte(`{"t":5}`), engine.RunOptions{Tasks: task}); r.Status != engine.StatusSucceeded {
		t.Errorf("in range: got %s %s %q", r.Status, r.Error, r.Cause)
	}
}

// TestStringNumbersInState: a message built with "&" or $string writes an input number as
// JSONata does ("10.50" → "10.5").
func TestStringNumbersInState(t *testing.T) {
	m := compileT(t, `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Pass","End":true,
		"Output":{"msg":"{% 'Price: ' & $states.input.price %}","body":"{% $string($states.input) %}"}}}}`)
	r := m.Run(context.Background(), []byte(`{"price":10.50,"n":2.0}`), engine.RunOptions{})
	if want := `{"msg":"Price: 10.5","body":"{\"price\":10.5,\"n\":2}"}`; string(r.Output) != want {
		t.Errorf("got %s, want %s", r.Output, want)
	}
}
