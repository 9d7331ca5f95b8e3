package awsapi

import (
	"context"
	"encoding/json"
	"errors"
	"sort"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/validate"
)

// testStateInput is TestState's request (AWS's 2025 form).
type testStateInput struct {
	Definition      *string `json:"definition"`
	RoleArn         *string `json:"roleArn"`
	Input           *string `json:"input"`
	InspectionLevel *string `json:"inspectionLevel"`
	RevealSecrets   bool    `json:"revealSecrets"`
	Variables       *string `json:"variables"`
	StateName       *string `json:"stateName"`
	Context         *string `json:"context"`
	Mock            *struct {
		Result      *string `json:"result"`
		ErrorOutput *struct {
			Error *string `json:"error"`
			Cause *string `json:"cause"`
		} `json:"errorOutput"`
		FieldValidationMode *string `json:"fieldValidationMode"`
	} `json:"mock"`
	StateConfiguration *testStateConfiguration `json:"stateConfiguration"`
}

// testStateConfiguration is TestState's stateConfiguration: the circumstances of a mocked run.
type testStateConfiguration struct {
	RetrierRetryCount        *int    `json:"retrierRetryCount"`
	MapIterationFailureCount *int    `json:"mapIterationFailureCount"`
	ErrorCausedByState       *string `json:"errorCausedByState"`
	MapItemReaderData        *string `json:"mapItemReaderData"`
}

// singleStateName is the name a lone state definition runs under ($$.State.Name), as in AWS.
const singleStateName = "StateName"

// testState runs one state in isolation with engine.Machine.RunState: a lone state definition,
// or stateName inside a whole machine; a mock stands in for the Task's service.
func (s *Server) testState(ctx context.Context, body []byte) (any, error) {
	var in testStateInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.required(in.Definition != nil, "definition")
	v.length(in.Definition, "definition", 1, 1048576)
	v.enum(in.InspectionLevel, "inspectionLevel", "INFO", "DEBUG", "TRACE")
	if in.Mock != nil {
		v.enum(in.Mock.FieldValidationMode, "mock.fieldValidationMode", "STRICT", "PRESENT", "NONE")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var def map[string]json.RawMessage
	if json.Unmarshal([]byte(*in.Definition), &def) != nil {
		return nil, checkDefinitionOrInvalid(*in.Definition)
	}
	machineDef := []byte(*in.Definition)
	name := singleStateName
	var stateRaw json.RawMessage
	if in.StateName != nil {
		name = *in.StateName
		if stateRaw = findStateRaw(def, name); stateRaw == nil {
			return nil, errBadRequest("ValidationException", "State not found in definition")
		}
	} else {
		stateRaw = json.RawMessage(*in.Definition)
		machineDef = wrapState(stateRaw)
	}
	var st struct {
		Type         string            `json:"Type"`
		Resource     string            `json:"Resource"`
		ResultWriter json.RawMessage   `json:"ResultWriter"`
		Branches     []json.RawMessage `json:"Branches"`
	}
	_ = json.Unmarshal(stateRaw, &st)
	conf := in.StateConfiguration
	if conf != nil && conf.MapIterationFailureCount != nil && in.Mock == nil {
		return nil, errBadRequest("ValidationException", "TestState does not support MapIterationFailureCount when a mock is not specified.")
	}
	if in.Mock != nil && (st.Type == "Pass" || st.Type == "Fail" || st.Type == "Succeed") {
		return nil, errBadRequest("ValidationException", "State type '%s' is not supported when a mock is specified", st.Type)
	}
	composite := st.Type == "Map" || st.Type == "Parallel"
	if in.Mock == nil && composite {
		return nil, errBadRequest("InvalidDefinition", "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]")
	}
	if st.Type == "Task" && in.Mock == nil && str(in.RoleArn) == "" {
		return nil, errBadRequest("ValidationException", "RoleArn must be specified when testing a Task state")
	}
	if in.Mock != nil && in.Mock.Result != nil && in.Mock.ErrorOutput != nil {
		// test_state_mock_validation.py::test_both_mock_result_and_mock_error_output_are_set
		return nil, errBadRequest("ValidationException", "A test mock should have only one of the following fields: [result, errorOutput].")
	}
	if in.Mock != nil && in.Mock.Result == nil && in.Mock.ErrorOutput == nil {
		// Not recorded from AWS: the mock must say what the call returns.
		return nil, errBadRequest("ValidationException", "A mock must specify exactly one of result and errorOutput")
	}
	if in.Mock != nil && in.RevealSecrets {
		// test_state_mock_validation.py::test_reveal_secrets_is_true_and_mock_result_is_set
		return nil, errBadRequest("ValidationException", "TestState does not support RevealSecrets when a mock is specified.")
	}
	if in.Mock != nil && in.Mock.Result != nil && !json.Valid([]byte(*in.Mock.Result)) {
		return nil, errBadRequest("ValidationException", "Mocked result must be valid JSON")
	}
	if st.Type == "Task" && in.Mock != nil && in.Mock.Result != nil {
		if e := checkMockResult(st.Resource, str(in.Mock.FieldValidationMode), []byte(*in.Mock.Result)); e != nil {
			return nil, e
		}
	}
	if composite {
		if e := checkCompositeMock(st.Type, st.ResultWriter != nil, len(st.Branches), in.Mock.Result, conf); e != nil {
			return nil, e
		}
	}
	if in.Context != nil {
		if e := checkContext(*in.Context); e != nil {
			return nil, e
		}
		if e := checkContextTask(*in.Context, st.Type, st.Resource); e != nil {
			return nil, e
		}
	}
	input := "{}"
	if in.Input != nil {
		input = *in.Input
		if e := checkInput(input); e != nil {
			return nil, e
		}
	}
	vars := map[string][]byte{}
	if in.Variables != nil {
		var raw map[string]json.RawMessage
		if json.Unmarshal([]byte(*in.Variables), &raw) != nil {
			return nil, errBadRequest("ValidationException", "Variables must be a JSON object")
		}
		for k, x := range raw {
			vars[k] = x
		}
	}
	// TestState is not bound to a workflow type: validate as STANDARD, which allows the most. A
	// Map's S3 fields (ItemReader, ResultWriter) compile; the mock stands for the whole state.
	m, err := engine.Compile(machineDef, engine.CompileOptions{Type: "STANDARD"})
	if err != nil {
		var ide *engine.InvalidDefinitionError
		if errors.As(err, &ide) {
			return nil, errBadRequest("InvalidDefinition", "%s", invalidDefinitionMessage(ide))
		}
		return nil, err
	}
	opts := engine.StateOptions{
		Variables:        vars,
		Name:             "TestState",
		ExecutionArn:     s.cfg.Layout.ExecutionArn("TestStateMachine", "TestState", "00000000-0000-4000-8000-000000000000"),
		StateMachineArn:  s.cfg.Layout.StateMachineArn("TestStateMachine"),
		StateMachineName: "TestStateMachine",
		RoleArn:          str(in.RoleArn),
	}
	if in.StateConfiguration != nil && in.StateConfiguration.RetrierRetryCount != nil {
		opts.RetryCount = *in.StateConfiguration.RetrierRetryCount
	}
	opts.Context = contextOverlay(in.RoleArn, in.Context)
	opts.ContextExact = in.Context != nil
	if conf != nil && conf.MapIterationFailureCount != nil {
		opts.MapIterationFailures = *conf.MapIterationFailureCount
	}
	if mock := in.Mock; mock != nil {
		var mockErr *failure.Error
		if mock.ErrorOutput != nil {
			mockErr = &failure.Error{Name: str(mock.ErrorOutput.Error), Cause: str(mock.ErrorOutput.Cause)}
		}
		switch {
		case composite && mockErr != nil:
			opts.WholeError = mockErr
		case composite:
			opts.WholeResult = []byte(str(mock.Result))
		default:
			opts.Tasks = engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) {
				if mockErr != nil {
					return nil, mockErr
				}
				return []byte(str(mock.Result)), nil
			})
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.TestStateTimeout)
	defer cancel()
	res, ok := m.RunState(ctx, name, []byte(input), opts)
	if !ok {
		return nil, errBadRequest("ValidationException", "State not found in definition")
	}
	out := testStateOutput{Status: res.Status, Error: res.Error, Cause: res.Cause, NextState: res.NextState}
	if res.Output != nil {
		out.Output = string(res.Output)
	}
	if lvl := str(in.InspectionLevel); lvl == "DEBUG" || lvl == "TRACE" {
		out.InspectionData = newInspectionData(res)
	}
	return out, nil
}

type testStateOutput struct {
	Status         string          `json:"status"`
	Output         string          `json:"output,omitempty"`
	Error          string          `json:"error,omitempty"`
	Cause          string          `json:"cause,omitempty"`
	NextState      string          `json:"nextState,omitempty"`
	InspectionData *inspectionData `json:"inspectionData,omitempty"`
}

// wrapState makes a one-state machine of a lone state: its transition targets become Succeed
// states so that the definition validates and RunState can name the next state.
func wrapState(state json.RawMessage) []byte {
	states := map[string]json.RawMessage{singleStateName: state}
	for _, t := range targets(state) {
		if _, ok := states[t]; !ok {
			states[t] = json.RawMessage(`{"Type":"Succeed"}`)
		}
	}
	b, _ := json.Marshal(struct {
		StartAt string                     `json:"StartAt"`
		States  map[string]json.RawMessage `json:"States"`
	}{singleStateName, states})
	return b
}

// targets lists the states a state can transition to: Next, Default, Choices[].Next and
// Catch[].Next.
func targets(state json.RawMessage) []string {
	var st struct {
		Next    string `json:"Next"`
		Default string `json:"Default"`
		Choices []struct {
			Next string `json:"Next"`
		} `json:"Choices"`
		Catch []struct {
			Next string `json:"Next"`
		} `json:"Catch"`
	}
	_ = json.Unmarshal(state, &st)
	var out []string
	for _, t := range []string{st.Next, st.Default} {
		if t != "" {
			out = append(out, t)
		}
	}
	for _, c := range st.Choices {
		if c.Next != "" {
			out = append(out, c.Next)
		}
	}
	for _, c := range st.Catch {
		if c.Next != "" {
			out = append(out, c.Next)
		}
	}
	sort.Strings(out)
	return out
}

// findStateRaw finds a state's definition by name at any depth (branches, item processors).
func findStateRaw(def map[string]json.RawMessage, name string) json.RawMessage {
	var states map[string]json.RawMessage
	if json.Unmarshal(def["States"], &states) != nil {
		return nil
	}
	if s, ok := states[name]; ok {
		return s
	}
	for _, raw := range states {
		var st struct {
			Branches      []map[string]json.RawMessage `json:"Branches"`
			Iterator      map[string]json.RawMessage   `json:"Iterator"`
			ItemProcessor map[string]json.RawMessage   `json:"ItemProcessor"`
		}
		if json.Unmarshal(raw, &st) != nil {
			continue
		}
		for _, sub := range append(st.Branches, st.Iterator, st.ItemProcessor) {
			if sub == nil {
				continue
			}
			if s := findStateRaw(sub, name); s != nil {
				return s
			}
		}
	}
	return nil
}

func checkDefinitionOrInvalid(def string) *Error {
	if e := checkDefinition(def, "EXPRESS"); e != nil {
		return e
	}
	return errBadRequest("InvalidDefinition", "Invalid State Machine Definition: 'Definition must be a valid JSON object'")
}

func invalidDefinitionMessage(e *engine.InvalidDefinitionError) string {
	return validate.InvalidDefinitionMessage(e.Diagnostics)
}

// contextOverlay is the context object TestState gives the state. A context in the request is
// the whole of it, as given: AWS shows `{}` as `{}` and `{"Execution": {}}` without any member
// of its own (test_state_context_object.py::test_state_context_object_edge_cases). Without one,
// AWS's own values are laid over the engine's: it names the state "StateName" even when
// stateName picks it from a whole machine, and without a roleArn Execution.RoleArn is null
// (test_test_state_scenarios.py::test_state_with_variables[base_expressions]).
func contextOverlay(roleArn, given *string) []byte {
	if given != nil {
		return []byte(*given)
	}
	base := map[string]map[string]json.RawMessage{"State": {"Name": json.RawMessage(`"StateName"`)}}
	if roleArn == nil {
		base["Execution"] = map[string]json.RawMessage{"RoleArn": json.RawMessage("null")}
	}
	b, _ := json.Marshal(base)
	return b
}
