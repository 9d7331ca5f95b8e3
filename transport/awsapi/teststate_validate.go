package awsapi

import (
	"encoding/json"
	"sort"
	"strings"
)

// checkCompositeMock checks a mock of a whole Map or Parallel state: its result stands for the
// state's result, so it must have that result's shape (an array, or the ResultWriter's object),
// with one item per branch of a Parallel, and a Map's failed iterations cannot outnumber its
// iterations.
func checkCompositeMock(typ string, resultWriter bool, branches int, result *string, conf *testStateConfiguration) *Error {
	if result == nil {
		return nil
	}
	var items []json.RawMessage
	isArray := json.Unmarshal([]byte(*result), &items) == nil && items != nil
	if typ == "Map" && resultWriter {
		var obj map[string]json.RawMessage
		if json.Unmarshal([]byte(*result), &obj) != nil || obj == nil {
			return errBadRequest("ValidationException", "Mocked result must be a JSON object.")
		}
		return nil
	}
	if !isArray {
		return errBadRequest("ValidationException", "Mocked result must be an array.")
	}
	if typ == "Parallel" && len(items) != branches {
		// test_state_mock_validation.py::test_mock_result_array_size_mismatch_on_parallel_state
		return errBadRequest("ValidationException", "Mocked result must contain the same number of items as number of Parallel branches.")
	}
	if typ == "Map" && conf != nil && conf.MapIterationFailureCount != nil && *conf.MapIterationFailureCount > len(items) {
		return errBadRequest("ValidationException", "Map iteration failure count must be less than or equal to the number of Map iterations")
	}
	return nil
}

// contextFields are the members TestState accepts in a mocked context object, per top-level
// object, with the JSON type each must have ("" for any).
var contextFields = map[string]map[string]string{
	"Execution": {"Id": "string", "Input": "", "Name": "string", "RoleArn": "string", "StartTime": "string",
		"RedriveCount": "integer", "RedriveTime": "string"},
	"State":        {"EnteredTime": "string", "Name": "string", "RetryCount": "integer"},
	"StateMachine": {"Id": "string", "Name": "string"},
	"Task":         {"Token": "string"},
}

// checkContext validates TestState's context parameter: only the context object's own fields,
// with their types; the Map member is refused (a lone state runs outside any Map).
func checkContext(doc string) *Error {
	invalid := func(format string, args ...any) *Error {
		e := errBadRequest("ValidationException", format, args...)
		e.Message = "Invalid Context object provided: " + e.Message
		return e
	}
	var top map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &top) != nil || top == nil {
		return invalid("Context must be a JSON object")
	}
	for _, k := range sortedKeys(top) {
		if k == "Map" {
			return invalid("'Map' field is not supported when mocking a Context object")
		}
		fields, ok := contextFields[k]
		if !ok {
			return invalid("Field '%s' is not allowed", k)
		}
		var members map[string]json.RawMessage
		if json.Unmarshal(top[k], &members) != nil || members == nil {
			return invalid("%s must be an object", k)
		}
		for _, m := range sortedKeys(members) {
			want, ok := fields[m]
			if !ok {
				return invalid("Field '%s' is not allowed", m)
			}
			if want != "" && !hasJSONType(members[m], want) {
				article := "a"
				if want == "integer" {
					article = "an"
				}
				return invalid("%s.%s must be %s %s", k, m, article, want)
			}
		}
	}
	return nil
}

// checkContextTask refuses a context with a Task member (the task token) for a state that has
// no task token: anything but a Task with a .sync or .waitForTaskToken integration
// (test_state_context_object.py::test_state_context_object_invalid_states[TOKEN_TASK_NOT_SYNC]).
func checkContextTask(doc, stateType, resource string) *Error {
	var top map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &top) != nil {
		return nil
	}
	if _, ok := top["Task"]; !ok {
		return nil
	}
	if stateType == "Task" && (strings.HasSuffix(resource, ".waitForTaskToken") ||
		strings.HasSuffix(resource, ".sync") || strings.HasSuffix(resource, ".sync:2")) {
		return nil
	}
	return errBadRequest("ValidationException", "%s", "Invalid Context object provided: Context object contains 'Task' when "+
		"state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern")
}

func hasJSONType(v json.RawMessage, typ string) bool {
	var x any
	if json.Unmarshal(v, &x) != nil {
		return false
	}
	switch typ {
	case "string":
		_, ok := x.(string)
		return ok
	case "integer":
		f, ok := x.(float64)
		return ok && f == float64(int64(f))
	}
	return true
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
