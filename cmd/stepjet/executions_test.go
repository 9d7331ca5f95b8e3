package main

import (
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// TestExecutionCommands runs executions, describe-execution, history and stop against a real
// serve: a running execution is listed, stopped (ABORTED with the given error and cause, its
// history ending in ExecutionAborted), and a server run with --records=false answers as AWS does.
func TestExecutionCommands(t *testing.T) {
	noAWSConfig(t)
	sv := startServe(t)
	ep := "--endpoint=http://" + sv.httpAddr
	def := writeFile(t, "slow.asl.json", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":120,"End":true}}}`)
	cli("create", "slow", def, ep).want(t, "create", exitOK)
	started := cli("start", "slow", ep, "--name", "long-one")
	started.want(t, "start", exitOK)
	arn := gjson.Get(started.stdout, "executionArn").String()

	deadline := time.Now().Add(20 * time.Second)
	for {
		r := cli("executions", "slow", "--status", "running", "--arns", ep)
		if r.code == exitOK && strings.TrimSpace(r.stdout) == arn {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the execution is not listed as RUNNING: %+v", r)
		}
		time.Sleep(50 * time.Millisecond)
	}
	table := cli("executions", "slow", ep)
	table.want(t, "executions", exitOK)
	if !strings.Contains(table.stdout, "long-one") || !strings.Contains(table.stdout, "RUNNING") || !strings.HasPrefix(table.stdout, "NAME") {
		t.Fatalf("table:\n%s", table.stdout)
	}
	stopped := cli("stop", arn, "--error", "Ops.Cancelled", "--cause", "by the test", ep)
	stopped.want(t, "stop", exitOK)
	if !gjson.Get(stopped.stdout, "stopDate").Exists() {
		t.Fatalf("stop printed %s", stopped.stdout)
	}
	for {
		h := cli("history", arn, ep) // piped: one JSON event a line
		lines := strings.Split(strings.TrimSpace(h.stdout), "\n")
		last := lines[len(lines)-1]
		if h.code == exitOK && gjson.Get(last, "type").String() == "ExecutionAborted" {
			if gjson.Get(last, "executionAbortedEventDetails.error").String() != "Ops.Cancelled" || gjson.Get(lines[0], "type").String() != "ExecutionStarted" {
				t.Fatalf("history:\n%s", h.stdout)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ExecutionAborted: %+v", h)
		}
		time.Sleep(50 * time.Millisecond)
	}
	d := cli("describe-execution", arn, ep)
	d.want(t, "describe-execution", exitOK)
	if gjson.Get(d.stdout, "status").String() != "ABORTED" || gjson.Get(d.stdout, "cause").String() != "by the test" {
		t.Fatalf("describe-execution: %s", d.stdout)
	}
	f := cli("history", arn, "--follow", "--no-data", ep) // ended: --follow returns at once
	f.want(t, "history --follow", exitOK)
	if strings.Contains(f.stdout, `"input"`) {
		t.Fatalf("--no-data printed data:\n%s", f.stdout)
	}
	missing := strings.Replace(arn, ":long-one:", ":other:", 1)
	cli("describe-execution", missing, ep).want(t, "a missing execution", exitFail, "ExecutionDoesNotExist")
	cli("history", "nope", ep).want(t, "not an ARN", exitFail, "InvalidArn")
	cli("executions", "slow", "--status", "DONE", ep).want(t, "a bad status", exitUsage, "is not one of")
	cli("stop", ep).want(t, "no ARN", exitUsage)

	cli("serve", "--history", "SOME").want(t, "a bad --history", exitUsage, "is not ALL, ERROR or OFF")
	off := startServe(t, "--records=false")
	ep = "--endpoint=http://" + off.httpAddr
	cli("create", "slow", def, ep).want(t, "create", exitOK)
	cli("executions", "slow", ep).want(t, "executions without records", exitFail, "StateMachineTypeNotSupported")
	cli("describe-execution", arn, ep).want(t, "describe-execution without records", exitFail, "InvalidArn")
}

// TestPrettyEvent: in a terminal, history prints one line an event with its state or error.
func TestPrettyEvent(t *testing.T) {
	got := prettyEvent([]byte(`{"timestamp":1796627893.845,"type":"ExecutionAborted","id":7,"previousEventId":6,"executionAbortedEventDetails":{"error":"Ops.Stop","cause":"enough"}}`))
	if got != "7\t07:18:13.845\tExecutionAborted\terror=Ops.Stop cause=enough" {
		t.Fatalf("%q", got)
	}
}
