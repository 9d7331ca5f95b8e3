package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/transport/worker"
	"github.com/tidwall/gjson"
)

const replayOrderDef = `{"StartAt": "Lookup", "States": {
  "Lookup": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    "Parameters": {"FunctionName": "lookup", "Payload.$": "$"}, "ResultSelector": {"kind.$": "$.Payload.kind"},
    "ResultPath": "$.order", "Next": "Route"},
  "Route": {"Type": "Choice", "Choices": [{"Variable": "$.order.kind", "StringEquals": "ship", "Next": "Ship"}], "Default": "Refund"},
  "Ship": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ship", "ResultPath": "$.shipment",
    "Retry": [{"ErrorEquals": ["Carrier.Busy"], "IntervalSeconds": 1, "MaxAttempts": 2}], "End": true},
  "Refund": {"Type": "Pass", "Result": {"refunded": true}, "ResultPath": "$.refund", "End": true}}}`

// TestReplayDetectsAChangedChoice is the proof, end to end against a real serve: an
// execution runs with NATS workers (a lookup, and a carrier that is busy once, so Ship is
// retried); replayed unchanged it is the same (exit 0); replayed with a definition whose Choice
// goes the other way it differs (exit 3) at that Choice, with the output's differences by path;
// the mock configuration it writes makes stepjet run give the recorded result with no workers;
// a definition that calls a Task never recorded stops there (exit 4); and what cannot be
// replayed says why.
func TestReplayDetectsAChangedChoice(t *testing.T) {
	noAWSConfig(t)
	sv := startServe(t)
	ep := "--endpoint=http://" + sv.httpAddr
	nc, err := nats.Connect("nats://" + sv.natsAddr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	svc, err := worker.New(nc, "orders", worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Stop() })
	if err := svc.Handle("lookup", func(context.Context, []byte) ([]byte, error) {
		return []byte(`{"kind": "ship", "weight": 3}`), nil
	}); err != nil {
		t.Fatal(err)
	}
	var shipCalls atomic.Int32
	if err := svc.Handle("ship", func(context.Context, []byte) ([]byte, error) {
		if shipCalls.Add(1) == 1 {
			return nil, worker.Fail("Carrier.Busy", "try again")
		}
		return []byte(`{"tracking": "T-1"}`), nil
	}); err != nil {
		t.Fatal(err)
	}

	def := writeFile(t, "order.asl.json", replayOrderDef)
	cli("create", "order", def, ep).want(t, "create", exitOK)
	input := `{"id": 42}`
	synced := cli("sync", "order", "--input", input, ep)
	synced.want(t, "sync", exitOK)
	if gjson.Get(synced.stdout, "status").String() != "SUCCEEDED" {
		t.Fatalf("sync: %s", synced.stdout)
	}
	arn, output := gjson.Get(synced.stdout, "executionArn").String(), gjson.Get(synced.stdout, "output").String()
	waitKept(t, arn, ep)

	same := cli("replay", arn, ep)
	same.want(t, "replay unchanged", exitOK)
	if !strings.Contains(same.stdout, "Same: the replay entered the same states and ended the same way.") {
		t.Fatalf("replay unchanged:\n%s", same.stdout)
	}

	other := writeFile(t, "order-v2.asl.json", strings.Replace(replayOrderDef,
		`"StringEquals": "ship", "Next": "Ship"}], "Default": "Refund"`, `"StringEquals": "ship", "Next": "Refund"}], "Default": "Ship"`, 1))
	mocks := filepath.Join(t.TempDir(), "order-mocks.json")
	diff := cli("replay", arn, "--definition", other, "--write-mock-config", mocks, ep)
	diff.exits(t, "replay with the Choice turned", exitDiffers)
	for _, s := range []string{
		"DIFFERS",
		`Path: first divergence after Choice state "Route": the recorded run entered Task state "Ship", the replay entered Pass state "Refund".`,
		`output $.shipment: {"tracking":"T-1"} -> (absent)`,
		`output $.refund: (absent) -> {"refunded":true}`,
		"Mock config written to " + mocks,
	} {
		if !strings.Contains(diff.stdout, s) {
			t.Errorf("replay with the Choice turned lacks %q:\n%s", s, diff.stdout)
		}
	}
	j := cli("replay", arn, "--definition", other, "--json", ep)
	j.exits(t, "replay --json", exitDiffers)
	if r := gjson.Parse(j.stdout); r.Get("same").Bool() || r.Get("divergence.after").String() != "Route" ||
		r.Get("divergence.recorded").String() != "Ship" || r.Get("divergence.replayed").String() != "Refund" ||
		r.Get("recorded.output.shipment.tracking").String() != "T-1" || r.Get("definition").String() != other {
		t.Errorf("replay --json:\n%s", j.stdout)
	}

	// The written mock configuration: Ship's busy answer, then its result; stepjet run with it
	// and no workers gives the recorded output.
	cfg, err := os.ReadFile(mocks)
	if err != nil {
		t.Fatal(err)
	}
	name := gjson.Get(synced.stdout, "name").String()
	ship := gjson.GetBytes(cfg, "MockedResponses."+gjson.Escape(name+"/Ship"))
	if ship.Get("0.Throw.Error").String() != "Carrier.Busy" || ship.Get("1.Return.tracking").String() != "T-1" ||
		!gjson.GetBytes(cfg, "StateMachines.order.TestCases."+gjson.Escape(name)).Exists() {
		t.Fatalf("mock config:\n%s", cfg)
	}
	ran := cli("run", def, "--mock-config", mocks, "--test-case", name, "--input", input)
	ran.want(t, "run with the written mock config", exitOK)
	if gjson.Get(ran.stdout, "status").String() != "SUCCEEDED" || !sameJSON(gjson.Get(ran.stdout, "output").String(), output) {
		t.Errorf("run with the mock config: %s\nrecorded output: %s", ran.stdout, output)
	}

	audit := writeFile(t, "order-audit.asl.json", strings.Replace(replayOrderDef, `"MaxAttempts": 2}], "End": true}`,
		`"MaxAttempts": 2}], "Next": "Audit"},
  "Audit": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:audit", "End": true}`, 1))
	stopped := cli("replay", arn, "--definition", audit, ep)
	stopped.exits(t, "replay calling a new Task", exitUnanswered)
	if !strings.Contains(stopped.stdout, `state "Audit" (arn:aws:lambda:us-east-1:123456789012:function:audit) invocation 0 has no recorded answer: the recorded run never invoked it`) {
		t.Errorf("replay calling a new Task:\n%s", stopped.stdout)
	}

	bad := writeFile(t, "bad.asl.json", `{"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "End": true}}}`)
	cli("replay", arn, "--definition", bad, ep).want(t, "an invalid definition", exitUsage, "is not a valid state machine definition", "MISSING_TRANSITION_TARGET")
	cli("replay", strings.Replace(arn, ":"+name+":", ":nobody:", 1), ep).want(t, "an unknown execution", exitFail, "ExecutionDoesNotExist")
	cli("replay", "not-an-arn", ep).want(t, "not an ARN", exitFail, "InvalidArn")
	cli("replay", ep).want(t, "no ARN", exitUsage)

	slow := writeFile(t, "slow.asl.json", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":120,"End":true}}}`)
	cli("create", "slow", slow, ep).want(t, "create slow", exitOK)
	started := cli("start", "slow", ep)
	started.want(t, "start slow", exitOK)
	running := gjson.Get(started.stdout, "executionArn").String()
	for deadline := time.Now().Add(time.Minute); ; {
		d := cli("describe-execution", running, ep)
		if d.code == exitOK && gjson.Get(d.stdout, "status").String() == "RUNNING" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is never kept as RUNNING: %+v", running, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cli("replay", running, ep).want(t, "replay of a running execution", exitFail, "is still RUNNING")
	cli("stop", running, ep).want(t, "stop", exitOK)

	for _, tc := range []struct{ machine, tag, says string }{
		{"quiet", "stepjet:history=OFF", "no history events are kept for this execution"},
		{"bare", "stepjet:history-data=false", "without execution data"},
	} {
		cli("create", tc.machine, def, "--tag", tc.tag, ep).want(t, "create "+tc.machine, exitOK)
		r := cli("sync", tc.machine, "--input", input, ep)
		r.want(t, "sync "+tc.machine, exitOK)
		a := gjson.Get(r.stdout, "executionArn").String()
		waitDescribed(t, a, ep)
		cli("replay", a, ep).want(t, "replay of "+tc.machine, exitFail, "cannot replay", tc.says)
	}
}

// waitKept waits (up to a minute) until the execution's history is kept to its end: records
// are written off the executor's hot path.
func waitKept(t *testing.T, arn, ep string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		h := cli("history", arn, ep)
		if h.code == exitOK && strings.Contains(h.stdout, `"type":"ExecutionSucceeded"`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the history of %s never ended: %+v", arn, h)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitDescribed waits (up to a minute) until the execution's record says it ended.
func waitDescribed(t *testing.T, arn, ep string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		d := cli("describe-execution", arn, ep)
		if d.code == exitOK && gjson.Get(d.stdout, "status").String() == "SUCCEEDED" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is never kept as SUCCEEDED: %+v", arn, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	p, _ := json.Marshal(x)
	q, _ := json.Marshal(y)
	return string(p) == string(q)
}

// exits fails the test unless r exited with code: for replay, whose report goes to stdout
// whatever it found.
func (r cliResult) exits(t *testing.T, what string, code int) {
	t.Helper()
	if r.code != code {
		t.Errorf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", what, r.code, code, r.stdout, r.stderr)
	}
}
