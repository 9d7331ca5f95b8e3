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
