package main

import (
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// TestRedriveCommand stops a running execution and redrives it with stepjet redrive against a
// real serve: it resumes at the state it was stopped in and SUCCEEDS, with its redrive count
// and an ExecutionRedriven event; a repeated --client-token answers the same redrive, and what
// cannot be redriven exits 1 with AWS's error name.
func TestRedriveCommand(t *testing.T) {
	noAWSConfig(t)
	sv := startServe(t)
	ep := "--endpoint=http://" + sv.httpAddr
	def := writeFile(t, "pause.asl.json", `{"StartAt":"Mark","States":{
	  "Mark":{"Type":"Pass","Assign":{"mark":"set"},"Next":"W"},
	  "W":{"Type":"Wait","Seconds":2,"Next":"Out"},
	  "Out":{"Type":"Pass","Parameters":{"mark.$":"$mark","count.$":"$$.Execution.RedriveCount"},"End":true}}}`)
	cli("create", "pause", def, ep).want(t, "create", exitOK)
	started := cli("start", "pause", ep, "--name", "paused")
	started.want(t, "start", exitOK)
	arn := gjson.Get(started.stdout, "executionArn").String()
	waitStatus := func(status string) string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			d := cli("describe-execution", arn, ep)
			if d.code == exitOK && gjson.Get(d.stdout, "status").String() == status {
				return d.stdout
			}
			if time.Now().After(deadline) {
				t.Fatalf("not %s: %+v", status, d)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitStatus("RUNNING")
	cli("redrive", arn, ep).want(t, "redrive a running execution", exitFail, "ExecutionNotRedrivable")
	cli("stop", arn, ep).want(t, "stop", exitOK)
	if d := waitStatus("ABORTED"); gjson.Get(d, "redriveStatus").String() != "REDRIVABLE" {
		t.Fatalf("aborted: %s", d)
	}

	r := cli("redrive", arn, "--client-token", "once", ep)
	r.want(t, "redrive", exitOK)
	date := gjson.Get(r.stdout, "redriveDate")
	if !date.Exists() {
		t.Fatalf("redrive printed %s", r.stdout)
	}
	again := cli("redrive", arn, "--client-token", "once", ep)
	again.want(t, "the same client token", exitOK)
	if gjson.Get(again.stdout, "redriveDate").Float() != date.Float() {
		t.Fatalf("the same token answered %s, first %s", again.stdout, r.stdout)
	}
	d := waitStatus("SUCCEEDED")
	if gjson.Get(d, "redriveCount").Int() != 1 || gjson.Get(d, "output").String() != `{"mark":"set","count":1}` {
		t.Fatalf("redriven: %s", d)
	}
	h := cli("history", arn, ep)
	h.want(t, "history", exitOK)
	var typs []string
	for _, l := range strings.Split(strings.TrimSpace(h.stdout), "\n") {
		typs = append(typs, gjson.Get(l, "type").String())
	}
	want := "ExecutionStarted,PassStateEntered,PassStateExited,WaitStateEntered,ExecutionAborted," +
		"ExecutionRedriven,WaitStateEntered,WaitStateExited,PassStateEntered,PassStateExited,ExecutionSucceeded"
	if strings.Join(typs, ",") != want {
		t.Fatalf("history %s\nwant    %s", strings.Join(typs, ","), want)
	}
	cli("redrive", arn, ep).want(t, "redrive a succeeded execution", exitFail, "Execution is SUCCEEDED and cannot be redriven.")
	cli("redrive", strings.Replace(arn, ":paused:", ":other:", 1), ep).want(t, "a missing execution", exitFail, "ExecutionDoesNotExist")
	cli("redrive", ep).want(t, "no ARN", exitUsage)
}
