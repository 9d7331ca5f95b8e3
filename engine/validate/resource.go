package validate

import "strings"

// Integration patterns of optimized service integrations.
const (
	patternRequest  = ""
	patternSync     = ".sync"
	patternSync2    = ".sync:2"
	patternCallback = ".waitForTaskToken"
)

// optimized lists the actions (and patterns) of the optimized integrations whose full action set
// we know; AWS does not recognize other actions of these services. Services missing here are
// accepted as written, so nothing AWS accepts is refused.
var optimized = map[string]map[string][]string{
	"lambda":   {"invoke": {patternRequest, patternCallback}},
	"sns":      {"publish": {patternRequest, patternCallback}},
	"sqs":      {"sendMessage": {patternRequest, patternCallback}},
	"dynamodb": {"getItem": {patternRequest}, "putItem": {patternRequest}, "updateItem": {patternRequest}, "deleteItem": {patternRequest}},
	"events":   {"putEvents": {patternRequest, patternCallback}},
	"states": {"startExecution": {patternRequest, patternSync, patternSync2, patternCallback},
		"startSyncExecution": {patternRequest}},
	"http":  {"invoke": {patternRequest}},
	"batch": {"submitJob": {patternRequest, patternSync}},
	"glue":  {"startJobRun": {patternRequest, patternSync}},
	"ecs":   {"runTask": {patternRequest, patternSync, patternCallback}},
}

// resource checks a Task's Resource: an ARN, a recognized integration, and (EXPRESS) none of
// .sync, .waitForTaskToken or activities.
func (c *checker) resource(res, loc string) {
	if strings.Contains(res, "${") {
		return // a template placeholder (SAM/CDK) the caller will substitute
	}
	parts := strings.Split(res, ":")
	if len(parts) < 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
		c.schema("Value is not a valid resource ARN", loc)
		return
	}
	if parts[2] == "states" && parts[5] == "activity" {
		if c.express {
			c.schema("Express state machine does not support Activity ARN", loc)
		}
		return
	}
	svc, action, pattern, ok := integration(res)
	if !ok {
		return // a service's own ARN, such as a Lambda function
	}
	if svc != "aws-sdk" {
		if actions, known := optimized[svc]; known && !hasPattern(actions[action], pattern) {
			c.schema("The resource provided "+res+" is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.", loc)
			return
		}
	} else if pattern != "" && pattern != patternCallback {
		c.schema("The resource provided "+res+" is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.", loc)
		return
	}
	if c.express {
		switch pattern {
		case patternCallback:
			// AWS's text ends with a space here
			// (test_sfn_api_validation.py::test_validate_state_machine_definition_type_express[ILLEGAL_WFTT],
			// test_sfn_api_express.py::test_illegal_callbacks[WAIT_FOR_TASK_TOKEN]) ...
			c.schema("Express state machine does not support '"+pattern+"' service integration ", loc)
		case patternSync, patternSync2:
			// ... and not for '.sync' (test_sfn_api_express.py::test_illegal_callbacks[SYNC]).
			c.schema("Express state machine does not support '"+pattern+"' service integration", loc)
		}
	}
}

func hasPattern(patterns []string, p string) bool {
	for _, x := range patterns {
		if x == p {
			return true
		}
	}
	return false
}
