package awsapi

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/records"
)

// recordedEnv is the API with kept records over a real executor that records.
func recordedEnv(t *testing.T) *env {
	t.Helper()
	e := startEnv(t, Config{})
	e.api.cfg.Records = records.NewStore(e.js, records.Config{NC: e.nc})
	startRecordingExecutor(t, e, e.nc)
	return e
}

// startRecordingExecutor starts an executor with a recorder on connection nc.
func startRecordingExecutor(t *testing.T, e *env, nc *nats.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := records.NewRecorder(records.Config{NC: nc})
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ex, err := executor.New(executor.Config{NC: nc, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = ex.Shutdown(ctx)
		_ = rec.Close(ctx)
	})
}

// TestSDKStopQueuedStart: with the real SDK, StopExecution of an execution whose start waits in
// STEPJET_EXECUTIONS (no executor runs) answers a stopDate; an executor started afterwards, on
// its own connection, never runs it: DescribeExecution says ABORTED with the stop's error, cause
// and date, its history is ExecutionStarted then ExecutionAborted. An ARN never started still
// answers ExecutionDoesNotExist.
func TestSDKStopQueuedStart(t *testing.T) {
	e := startEnv(t, Config{})
	e.api.cfg.Records = records.NewStore(e.js, records.Config{NC: e.nc})
	ctx := context.Background()
	if err := records.Ensure(ctx, e.js, records.Config{}); err != nil {
		t.Fatal(err)
	}
	c := sdkClient(e.srv.URL, "any", "thing")
	created := must(c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("hello"), Definition: aws.String(helloDef),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/stepjet"), Type: types.StateMachineTypeExpress}))(t)
	out := must(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: created.StateMachineArn, Input: aws.String(`{"who":"q"}`)}))(t)
	missing := strings.TrimSuffix(aws.ToString(out.ExecutionArn), aws.ToString(out.ExecutionArn)[len(aws.ToString(out.ExecutionArn))-6:]) + "000000"
	_, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: &missing})
	wantCode(t, err, "ExecutionDoesNotExist")
	stop := must(c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: out.ExecutionArn, Error: aws.String("Ops.Stop"), Cause: aws.String("not now")}))(t)
	if stop.StopDate == nil {
		t.Fatal("no stopDate")
	}
	nc, err := nats.Connect(e.nc.ConnectedUrl()) // the executor's own connection: another process
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	startRecordingExecutor(t, e, nc)
	pollUntil(t, "the stopped start's history", func() bool {
		h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: out.ExecutionArn})
		return err == nil && len(h.Events) == 2 && h.Events[0].Type == types.HistoryEventTypeExecutionStarted &&
			h.Events[1].Type == types.HistoryEventTypeExecutionAborted && aws.ToString(h.Events[1].ExecutionAbortedEventDetails.Cause) == "not now"
	})
	d := must(c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: out.ExecutionArn}))(t)
	if d.Status != types.ExecutionStatusAborted || aws.ToString(d.Error) != "Ops.Stop" || aws.ToString(d.Cause) != "not now" ||
		d.StopDate == nil || !d.StopDate.Equal(*stop.StopDate) || aws.ToString(d.Input) != `{"who":"q"}` {
		t.Fatalf("the stopped start: %+v", d)
	}
}

func pollUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSDKExecutionRecords runs DescribeExecution, ListExecutions, GetExecutionHistory,
// DescribeStateMachineForExecution and StopExecution for Express executions with the real SDK.
func TestSDKExecutionRecords(t *testing.T) {
	e := recordedEnv(t)
	c := sdkClient(e.srv.URL, "any", "thing")
	ctx := context.Background()
	role := aws.String("arn:aws:iam::123456789012:role/stepjet")
	created := must(c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("hello"), Definition: aws.String(helloDef), RoleArn: role,
		Type: types.StateMachineTypeExpress, Publish: true}))(t)
	arn := aws.ToString(created.StateMachineArn)
	v1 := aws.ToString(created.StateMachineVersionArn)
	must(c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("slow"), RoleArn: role, Type: types.StateMachineTypeExpress,
		Definition: aws.String(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":120,"End":true}}}`)}))(t)
	must(c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("boom"), RoleArn: role, Type: types.StateMachineTypeExpress,
		Definition: aws.String(`{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom","Cause":"went off"}}}`)}))(t)
	alias := aws.ToString(must(c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("live"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: &v1, Weight: 100}}}))(t).StateMachineAliasArn)

	var arns []string // in start order
	for i, ref := range []string{arn, arn, v1, alias} {
		out := must(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(ref), Input: aws.String(`{"who":"w` + string(rune('0'+i)) + `"}`)}))(t)
		arns = append(arns, aws.ToString(out.ExecutionArn))
		time.Sleep(3 * time.Millisecond) // distinct start dates
	}
	sync := must(c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn, Input: aws.String(`{"who":"sync"}`)}))(t)
	arns = append(arns, aws.ToString(sync.ExecutionArn))
	for _, a := range arns {
		pollUntil(t, a+" to succeed", func() bool {
			d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(a)})
			return err == nil && d.Status == types.ExecutionStatusSucceeded
		})
	}
	d := must(c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arns[0]}))(t)
	if aws.ToString(d.StateMachineArn) != arn || aws.ToString(d.Input) != `{"who":"w0"}` || aws.ToString(d.Output) != `{"greeting":"hello w0"}` ||
		d.StartDate == nil || d.StopDate == nil || d.StopDate.Before(*d.StartDate) || d.InputDetails == nil || !d.InputDetails.Included {
		t.Fatalf("describe: %+v", d)
	}
	if d := must(c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arns[2]}))(t); aws.ToString(d.StateMachineVersionArn) != v1 {
		t.Fatalf("version execution: %+v", d)
	}
	if d := must(c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arns[3]}))(t); aws.ToString(d.StateMachineAliasArn) != alias ||
		aws.ToString(d.StateMachineVersionArn) != v1 {
		t.Fatalf("alias execution: %+v", d)
	}
	meta := must(c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arns[0], IncludedData: types.IncludedDataMetadataOnly}))(t)
	if meta.Input != nil || meta.Output != nil {
		t.Fatalf("METADATA_ONLY: %+v", meta)
	}

	// Newest first, in pages; by version and alias.
	var listed []string
	p := sfn.NewListExecutionsPaginator(c, &sfn.ListExecutionsInput{StateMachineArn: &arn, MaxResults: 2})
	for p.HasMorePages() {
		for _, x := range must(p.NextPage(ctx))(t).Executions {
			listed = append(listed, aws.ToString(x.ExecutionArn))
			if x.Status != types.ExecutionStatusSucceeded || x.StartDate == nil || x.StopDate == nil {
				t.Errorf("item %+v", x)
			}
		}
	}
	if len(listed) != 5 || listed[0] != arns[4] || listed[4] != arns[0] {
		t.Fatalf("listed %v, started %v", listed, arns)
	}
	byVersion := must(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &v1}))(t).Executions
	byAlias := must(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &alias}))(t).Executions
	if len(byVersion) != 2 || len(byAlias) != 1 || aws.ToString(byAlias[0].ExecutionArn) != arns[3] || aws.ToString(byAlias[0].StateMachineAliasArn) != alias {
		t.Fatalf("by version %+v, by alias %+v", byVersion, byAlias)
	}
	if l := must(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn, StatusFilter: types.ExecutionStatusFailed}))(t); len(l.Executions) != 0 {
		t.Fatalf("FAILED: %+v", l.Executions)
	}

	// History: in order, reversed, paged, without data.
	h := must(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &arns[0]}))(t)
	var typesSeen []string
	for i, ev := range h.Events {
		typesSeen = append(typesSeen, string(ev.Type))
		if ev.Id != int64(i+1) || ev.Timestamp == nil {
			t.Errorf("event %d: %+v", i, ev)
		}
	}
	if strings.Join(typesSeen, ",") != "ExecutionStarted,PassStateEntered,PassStateExited,ExecutionSucceeded" ||
		aws.ToString(h.Events[0].ExecutionStartedEventDetails.Input) != `{"who":"w0"}` ||
		aws.ToString(h.Events[3].ExecutionSucceededEventDetails.Output) != `{"greeting":"hello w0"}` {
		t.Fatalf("history %v %+v", typesSeen, h.Events[0].ExecutionStartedEventDetails)
	}
	rev := must(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &arns[0], ReverseOrder: true, MaxResults: 3,
		IncludeExecutionData: aws.Bool(false)}))(t)
	if len(rev.Events) != 3 || rev.Events[0].Type != types.HistoryEventTypeExecutionSucceeded || rev.NextToken == nil ||
		rev.Events[0].ExecutionSucceededEventDetails.Output != nil {
		t.Fatalf("reversed page: %+v", rev)
	}
	rest := must(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &arns[0], ReverseOrder: true, MaxResults: 3, NextToken: rev.NextToken}))(t)
	if len(rest.Events) != 1 || rest.Events[0].Type != types.HistoryEventTypeExecutionStarted || rest.NextToken != nil {
		t.Fatalf("last page: %+v", rest)
	}
	_, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &arns[0], NextToken: aws.String("nope!")})
	wantCode(t, err, "InvalidToken")

	forExec := must(c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: &arns[2]}))(t)
	if aws.ToString(forExec.StateMachineArn) != v1 {
		t.Fatalf("for a version's execution: %s", aws.ToString(forExec.StateMachineArn))
	}

	// A failure, and a stop.
	failed := must(c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(strings.Replace(arn, "hello", "boom", 1))}))(t)
	pollUntil(t, "the failed record", func() bool {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: failed.ExecutionArn})
		return err == nil && d.Status == types.ExecutionStatusFailed && aws.ToString(d.Error) == "Boom" && aws.ToString(d.Cause) == "went off"
	})
	slowArn := strings.Replace(arn, "hello", "slow", 1)
	slow := must(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &slowArn}))(t)
	pollUntil(t, "the slow execution to run", func() bool {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: slow.ExecutionArn})
		return err == nil && d.Status == types.ExecutionStatusRunning && d.StopDate == nil
	})
	running := must(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &slowArn, StatusFilter: types.ExecutionStatusRunning}))(t)
	if len(running.Executions) != 1 {
		t.Fatalf("running: %+v", running.Executions)
	}
	stop := must(c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: slow.ExecutionArn, Error: aws.String("Ops.Stop"), Cause: aws.String("enough")}))(t)
	if stop.StopDate == nil {
		t.Fatal("no stopDate")
	}
	pollUntil(t, "the ExecutionAborted event", func() bool {
		h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: slow.ExecutionArn, ReverseOrder: true, MaxResults: 1})
		return err == nil && len(h.Events) == 1 && h.Events[0].Type == types.HistoryEventTypeExecutionAborted &&
			aws.ToString(h.Events[0].ExecutionAbortedEventDetails.Error) == "Ops.Stop" && aws.ToString(h.Events[0].ExecutionAbortedEventDetails.Cause) == "enough"
	})
	ab := must(c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: slow.ExecutionArn}))(t)
	if ab.Status != types.ExecutionStatusAborted || aws.ToString(ab.Error) != "Ops.Stop" || aws.ToString(ab.Cause) != "enough" {
		t.Fatalf("stopped: %+v", ab)
	}
	must(c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: slow.ExecutionArn}))(t) // stopped already: answers its stopDate

	// A machine's tags choose its history: stepjet:history OFF keeps the record only.
	boomArn := strings.Replace(arn, "hello", "boom", 1)
	must(c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: &boomArn, Tags: []types.Tag{{Key: aws.String(records.TagHistory), Value: aws.String("OFF")}}}))(t)
	quiet := must(c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &boomArn}))(t)
	pollUntil(t, "the untracked execution's record", func() bool {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: quiet.ExecutionArn})
		return err == nil && d.Status == types.ExecutionStatusFailed
	})
	if h := must(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: quiet.ExecutionArn}))(t); len(h.Events) != 0 {
		t.Fatalf("history kept with stepjet:history OFF: %+v", h.Events)
	}

	// AWS's errors.
	missing := strings.Replace(arns[0], ":express:hello:", ":express:hello:x", 1)
	_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &missing})
	wantCode(t, err, "ExecutionDoesNotExist")
	_, err = c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: &missing})
	wantCode(t, err, "ExecutionDoesNotExist")
	_, err = c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &missing})
	wantCode(t, err, "ExecutionDoesNotExist")
	_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String("bogus")})
	wantCode(t, err, "InvalidArn")
	_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arn})
	wantCode(t, err, "InvalidArn")
	_, err = c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn + "-none")})
	wantCode(t, err, "StateMachineDoesNotExist")
	_, err = c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn + ":nope")})
	wantCode(t, err, "ResourceNotFound")
	_, err = c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn, NextToken: aws.String("!!")})
	wantCode(t, err, "InvalidToken")
	_, err = c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn, MaxResults: 1001})
	wantCode(t, err, "ValidationException")
}
