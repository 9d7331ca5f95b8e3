package engine_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
)

// TestRunStateInspection checks the inspection data RunState records, shaped as AWS's TestState
// reports it, and whole-state mocks of Map and Parallel.
func TestRunStateInspection(t *testing.T) {
	tests := []struct {
		name, state, input string
		opts               engine.StateOptions
		status, output     string
		error              string
		insp               map[string]string // field → JSON ("" = absent)
		catchIndex         int
		retryIndex         int
	}{
		{
			name:   "pass with parameters shows every step but the result",
			state:  `{"Type":"Pass","InputPath":"$.a","Parameters":{"x.$":"$.b"},"ResultPath":"$.r","End":true}`,
			input:  `{"a":{"b":1}}`,
			status: engine.StateSucceeded, output: `{"a":{"b":1},"r":{"x":1}}`,
			insp: map[string]string{"AfterInputPath": `{"b":1}`, "AfterParameters": `{"x":1}`,
				"AfterResultSelector": `{"x":1}`, "AfterResultPath": `{"a":{"b":1},"r":{"x":1}}`},
			catchIndex: -1, retryIndex: -1,
		},
		{
			name:   "pass with Result shows no input processing",
			state:  `{"Type":"Pass","InputPath":"$.a","Result":{"k":2},"End":true}`,
			input:  `{"a":{}}`,
			status: engine.StateSucceeded, output: `{"k":2}`,
			insp:       map[string]string{"Result": `{"k":2}`, "AfterResultSelector": `{"k":2}`, "AfterResultPath": `{"k":2}`},
			catchIndex: -1, retryIndex: -1,
		},
		{
			name:   "choice shows its InputPath",
			state:  `{"Type":"Choice","InputPath":"$.a","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"X"}],"Default":"Y"}`,
			input:  `{"a":{"n":1}}`,
			status: engine.StateSucceeded, output: `{"n":1}`,
			insp:       map[string]string{"AfterInputPath": `{"n":1}`},
			catchIndex: -1, retryIndex: -1,
		},
		{
			name:   "jsonata pass shows nothing but its input",
			state:  `{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% 1 %}","End":true}`,
			input:  `{}`,
			status: engine.StateSucceeded, output: `1`,
			insp:       map[string]string{},
			catchIndex: -1, retryIndex: -1,
		},
		{
			name:   "mocked parallel result goes through ResultPath",
			state:  `{"Type":"Parallel","ResultPath":"$.r","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"End":true}`,
			input:  `{"a":1}`,
			opts:   engine.StateOptions{WholeResult: []byte(`["m"]`)},
			status: engine.StateSucceeded, output: `{"a":1,"r":["m"]}`,
			insp:       map[string]string{"AfterResultSelector": `["m"]`, "AfterResultPath": `{"a":1,"r":["m"]}`},
			catchIndex: -1, retryIndex: -1,
		},
		{
			name: "mocked map over its tolerated failures is retriable",
			state: `{"Type":"Map","ToleratedFailureCount":1,"MaxConcurrency":3,
				"Retry":[{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"IntervalSeconds":2}],
				"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"End":true}`,
			input:  `[1,2,3]`,
			opts:   engine.StateOptions{WholeResult: []byte(`[0,0,1]`), MapIterationFailures: 2},
			status: engine.StateRetriable, error: failure.ExceedToleratedFailureThreshold,
			insp:       map[string]string{"AfterInputPath": `[1,2,3]`},
			catchIndex: -1, retryIndex: 0,
		},
		{
			name: "mocked map error is caught",
			state: `{"Type":"Map","Catch":[{"ErrorEquals":["Nope"],"Next":"X"},{"ErrorEquals":["Boom"],"Next":"Y"}],
				"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"End":true}`,
			input:  `[1]`,
			opts:   engine.StateOptions{WholeError: &failure.Error{Name: "Boom", Cause: "c"}},
			status: engine.StateCaughtError, error: "Boom", output: `{"Error":"Boom","Cause":"c"}`,
			// A JSONPath Map reads its items before the mock stands in (as AWS shows them in
			// test_state_configuration.py::test_state_machine_with_state_error).
			insp:       map[string]string{"AfterInputPath": `[1]`},
			catchIndex: 1, retryIndex: -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := engine.Compile(wrap(tt.state), engine.CompileOptions{Type: "STANDARD"})
			if err != nil {
				t.Fatal(err)
			}
			res, ok := m.RunState(context.Background(), "S", []byte(tt.input), tt.opts)
			if !ok {
				t.Fatal("state not found")
			}
			if res.Status != tt.status || res.Error != tt.error {
				t.Fatalf("status %s %s (%s), want %s %s", res.Status, res.Error, res.Cause, tt.status, tt.error)
			}
			if tt.output != "" && !sameJSON(res.Output, tt.output) {
				t.Errorf("output %s, want %s", res.Output, tt.output)
			}
			in := res.Inspection
			got := map[string][]byte{"AfterInputPath": in.AfterInputPath, "AfterParameters": in.AfterParameters,
				"AfterArguments": in.AfterArguments, "Result": in.Result,
				"AfterResultSelector": in.AfterResultSelector, "AfterResultPath": in.AfterResultPath}
			for field, v := range got {
				want, set := tt.insp[field]
				switch {
				case !set && v != nil:
					t.Errorf("%s = %s, want none", field, v)
				case set && !sameJSON(v, want):
					t.Errorf("%s = %s, want %s", field, v, want)
				}
			}
			if in.CatchIndex != tt.catchIndex || in.RetryIndex != tt.retryIndex {
				t.Errorf("catch %d retry %d, want %d %d", in.CatchIndex, in.RetryIndex, tt.catchIndex, tt.retryIndex)
			}
		})
	}
}

// TestRunStateMapSettings checks that a mocked Map reports its MaxConcurrency and tolerated
// failures as evaluated.
func TestRunStateMapSettings(t *testing.T) {
	def := wrap(`{"Type":"Map","ItemsPath":"$.i","MaxConcurrencyPath":"$.c","ToleratedFailurePercentage":50,
		"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"End":true}`)
	m, err := engine.Compile(def, engine.CompileOptions{Type: "STANDARD"})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := m.RunState(context.Background(), "S", []byte(`{"c":4,"i":[1,2]}`), engine.StateOptions{WholeResult: []byte(`[1,2]`), MapIterationFailures: 1})
	in := res.Inspection
	if res.Status != engine.StateSucceeded || in.MaxConcurrency == nil || *in.MaxConcurrency != 4 ||
		in.ToleratedFailureCount != nil || in.ToleratedFailurePercentage == nil || *in.ToleratedFailurePercentage != 50 {
		t.Fatalf("%s %s: %+v", res.Status, res.Cause, in)
	}
}

// TestRunStateContext checks that a given context object is laid over the state's own.
func TestRunStateContext(t *testing.T) {
	m, err := engine.Compile(wrap(`{"Type":"Pass","Parameters":{"n.$":"$$.Execution.Name","s.$":"$$.State.Name","t.$":"$$.Task.Token"},"End":true}`),
		engine.CompileOptions{Type: "STANDARD"})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := m.RunState(context.Background(), "S", []byte(`{}`), engine.StateOptions{
		Name: "exec", Context: []byte(`{"Execution":{"Name":"given"},"Task":{"Token":"tok"}}`)})
	if !sameJSON(res.Output, `{"n":"given","s":"S","t":"tok"}`) {
		t.Fatalf("output %s (%s %s)", res.Output, res.Error, res.Cause)
	}
}

// wrap makes a machine of one state S, with Succeed states X and Y where S names them.
func wrap(state string) []byte {
	def := `{"StartAt":"S","States":{"S":` + state
	for _, target := range []string{"X", "Y"} {
		if strings.Contains(state, `"`+target+`"`) {
			def += `,"` + target + `":{"Type":"Succeed"}`
		}
	}
	return []byte(def + `}}`)
}

func sameJSON(got []byte, want string) bool {
	var g, w any
	if json.Unmarshal(got, &g) != nil || json.Unmarshal([]byte(want), &w) != nil {
		return false
	}
	return reflect.DeepEqual(g, w)
}

// TestRunStateMapPercentage checks that TestState reads ToleratedFailurePercentagePath as the Map
// state does: a number with a fraction, from 0 to 100 (AWS ran 1.1 and refused 100.1, recorded in
// scenarios/test_base_scenarios::test_map_state_tolerated_failure_percentage_path).
func TestRunStateMapPercentage(t *testing.T) {
	def := wrap(`{"Type":"Map","ItemsPath":"$.i","ToleratedFailurePercentagePath":"$.p",
		"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"End":true}`)
	m, err := engine.Compile(def, engine.CompileOptions{Type: "STANDARD"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		input, status, cause string
		want                 float64
	}{
		{`{"p":1.1,"i":[1,2]}`, string(engine.StateFailed), "", 0}, // 1 of 2 failed: 50% > 1.1%
		{`{"p":50.5,"i":[1,2]}`, string(engine.StateSucceeded), "", 50.5},
		{`{"p":100.1,"i":[1,2]}`, string(engine.StateFailed), "ToleratedFailurePercentage must be between 0 and 100.", 0},
		{`{"p":"x","i":[1,2]}`, string(engine.StateFailed), `The ToleratedFailurePercentagePath field refers to value "x" which is not a valid float: $.p`, 0},
	}
	for _, tt := range tests {
		res, _ := m.RunState(context.Background(), "S", []byte(tt.input), engine.StateOptions{WholeResult: []byte(`[1,2]`), MapIterationFailures: 1})
		if string(res.Status) != tt.status || (tt.cause != "" && !strings.HasSuffix(res.Cause, tt.cause)) {
			t.Errorf("%s: %s %q, want %s %q", tt.input, res.Status, res.Cause, tt.status, tt.cause)
		}
		if tt.want != 0 && (res.Inspection.ToleratedFailurePercentage == nil || *res.Inspection.ToleratedFailurePercentage != tt.want) {
			t.Errorf("%s: inspection %v, want %v", tt.input, res.Inspection.ToleratedFailurePercentage, tt.want)
		}
	}
}

// TestRunStateMockedMapItems checks that a mocked JSONPath Map still reads its items as AWS
// does: InputPath then ItemsPath, context paths included, which must give an array
// (test_state_context_object.py::test_state_map_context_object).
func TestRunStateMockedMapItems(t *testing.T) {
	ctx := []byte(`{"Execution":{"Input":{"values":["a","b"]}}}`)
	tests := []struct{ itemsPath, status, cause, items string }{
		{"$$.Execution.Input.values", engine.StateSucceeded, "", `["a","b"]`},
		{"$$", engine.StateFailed, `Reference path "$" must point to array.`, ""},
		{"$$.Execution.Input", engine.StateFailed, `Reference path "$.Execution.Input" must point to array.`, ""},
		{"$.x", engine.StateFailed, `Reference path "$.x" must point to array.`, ""},
	}
	for _, tt := range tests {
		m, err := engine.Compile(wrap(`{"Type":"Map","ItemsPath":"`+tt.itemsPath+`",
			"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"End":true}`), engine.CompileOptions{Type: "STANDARD"})
		if err != nil {
			t.Fatal(err)
		}
		res, _ := m.RunState(context.Background(), "S", []byte(`{"x":{}}`), engine.StateOptions{
			WholeResult: []byte(`[1,2]`), Context: ctx, ContextExact: true})
		if res.Status != tt.status || res.Cause != tt.cause || (tt.items != "" && !sameJSON(res.Inspection.AfterItemsPath, tt.items)) {
			t.Errorf("%s: %s %q items %s", tt.itemsPath, res.Status, res.Cause, res.Inspection.AfterItemsPath)
		}
	}
}

// TestRunStateExactContext checks that ContextExact gives the state the context as it is.
func TestRunStateExactContext(t *testing.T) {
	m, err := engine.Compile(wrap(`{"Type":"Pass","Parameters":{"c.$":"$$"},"End":true}`), engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := m.RunState(context.Background(), "S", []byte(`{}`), engine.StateOptions{Context: []byte(`{"State":{}}`), ContextExact: true})
	if !sameJSON(res.Output, `{"c":{"State":{}}}`) {
		t.Fatalf("output %s (%s %s)", res.Output, res.Error, res.Cause)
	}
}

// TestRunStateExhaustedRetrier checks that a retrier with no attempts left still names itself.
func TestRunStateExhaustedRetrier(t *testing.T) {
	m, err := engine.Compile(wrap(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},
		"Retry":[{"ErrorEquals":["Other"]},{"ErrorEquals":["E"],"MaxAttempts":2}],"End":true}`), engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fail := engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) { return nil, &failure.Error{Name: "E"} })
	res, _ := m.RunState(context.Background(), "S", []byte(`{}`), engine.StateOptions{Tasks: fail, RetryCount: 2})
	if res.Status != engine.StateFailed || res.Inspection.RetryIndex != 1 {
		t.Fatalf("%s retry %d", res.Status, res.Inspection.RetryIndex)
	}
}
