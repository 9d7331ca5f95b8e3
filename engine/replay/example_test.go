package replay_test

import (
	"context"
	"fmt"

	"strings"

	"github.com/stepjet/stepjet/engine/replay"
)

// A recorded execution whose Choice sent it to Ship, replayed with a definition whose Choice
// sends it to Refund. The history is the one `stepjet history ARN --json` prints.
func Example() {
	const history = `{"id":1,"previousEventId":0,"type":"ExecutionStarted","executionStartedEventDetails":{"input":"{\"kind\":\"ship\"}"}}
{"id":2,"previousEventId":1,"type":"TaskStateEntered","stateEnteredEventDetails":{"name":"Fetch","input":"{\"kind\":\"ship\"}"}}
{"id":3,"previousEventId":2,"type":"LambdaFunctionScheduled","lambdaFunctionScheduledEventDetails":{"resource":"arn:aws:lambda:us-east-1:1:function:fetch"}}
{"id":4,"previousEventId":3,"type":"LambdaFunctionStarted"}
{"id":5,"previousEventId":4,"type":"LambdaFunctionSucceeded","lambdaFunctionSucceededEventDetails":{"output":"{\"kind\":\"ship\",\"weight\":3}"}}
{"id":6,"previousEventId":5,"type":"TaskStateExited","stateExitedEventDetails":{"name":"Fetch","output":"{\"kind\":\"ship\",\"weight\":3}"}}
{"id":7,"previousEventId":6,"type":"ChoiceStateEntered","stateEnteredEventDetails":{"name":"Route","input":"{\"kind\":\"ship\",\"weight\":3}"}}
{"id":8,"previousEventId":7,"type":"ChoiceStateExited","stateExitedEventDetails":{"name":"Route","output":"{\"kind\":\"ship\",\"weight\":3}"}}
{"id":9,"previousEventId":8,"type":"SucceedStateEntered","stateEnteredEventDetails":{"name":"Ship","input":"{\"kind\":\"ship\",\"weight\":3}"}}
{"id":10,"previousEventId":9,"type":"SucceedStateExited","stateExitedEventDetails":{"name":"Ship","output":"{\"kind\":\"ship\",\"weight\":3}"}}
{"id":11,"previousEventId":10,"type":"ExecutionSucceeded","executionSucceededEventDetails":{"output":"{\"kind\":\"ship\",\"weight\":3}"}}`
	const changed = `{"StartAt": "Fetch", "States": {
	  "Fetch": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:fetch", "Next": "Route"},
	  "Route": {"Type": "Choice", "Choices": [{"Variable": "$.weight", "NumericGreaterThan": 2, "Next": "Refund"}], "Default": "Ship"},
	  "Ship": {"Type": "Succeed"},
	  "Refund": {"Type": "Pass", "Result": "refunded", "ResultPath": "$.verdict", "End": true}}}`

	var events []replay.Event
	for _, line := range strings.Split(history, "\n") {
		ev, err := replay.ParseEvent([]byte(line))
		if err != nil {
			panic(err)
		}
		events = append(events, ev)
	}
	rec, err := replay.Read(events, nil)
	if err != nil {
		panic(err)
	}
	run, err := replay.Run(context.Background(), []byte(changed), rec, replay.Options{})
	if err != nil {
		panic(err)
	}
	report := replay.Compare(rec, run)
	fmt.Println(report.Same)
	fmt.Println(report.Divergence)
	for _, d := range report.Differences {
		fmt.Println(d.Field, d.Path, string(d.Recorded), "->", string(d.Replayed))
	}
	// Output:
	// false
	// after Choice state "Route": the recorded run entered Succeed state "Ship", the replay entered Pass state "Refund"
	// output $.verdict  -> "refunded"
}
