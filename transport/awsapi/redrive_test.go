package awsapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stepjet/stepjet/transport/worker"
)

// calls counts a worker's invocations by payload, and fails each payload in fail once.
type calls struct {
	mu   sync.Mutex
	n    map[string]int
	fail map[string]bool
}

func (c *calls) handler(ctx context.Context, payload []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := string(payload)
	c.n[k]++
	if c.fail[k] {
		delete(c.fail, k)
		return nil, worker.Fail("Flaky", "failed "+k+" this time")
	}
	return payload, nil
}

func (c *calls) count(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

// serveFlaky serves function fn on a NATS worker that fails the given payloads once each.
func serveFlaky(t *testing.T, e *env, fn string, fail ...string) *calls {
	t.Helper()
	c := &calls{n: map[string]int{}, fail: map[string]bool{}}
	for _, f := range fail {
		c.fail[f] = true
	}
	svc, err := worker.New(e.nc, "redrive-"+fn, worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Handle(fn, c.handler); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Stop() })
	return c
}

// finished waits for execution arn to end and returns its description.
func finished(t *testing.T, c *sfn.Client, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	var d *sfn.DescribeExecutionOutput
	pollUntil(t, arn+" to end", func() bool {
		var err error
		d, err = c.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		return err == nil && d.Status != types.ExecutionStatusRunning
	})
	return d
}

func createExpress(t *testing.T, c *sfn.Client, name, def string, tags ...types.Tag) string {
	t.Helper()
	out := must(c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(def),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/stepjet"), Type: types.StateMachineTypeExpress, Tags: tags}))(t)
	return aws.ToString(out.StateMachineArn)
}

func startExpress(t *testing.T, c *sfn.Client, machine, input string) string {
	t.Helper()
	out := must(c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(input)}))(t)
	return aws.ToString(out.ExecutionArn)
}

// historyTypes returns the execution's event types, checking the ids run 1..n.
func historyTypes(t *testing.T, c *sfn.Client, arn string) []string {
	t.Helper()
	var out []string
	p := sfn.NewGetExecutionHistoryPaginator(c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
	for p.HasMorePages() {
		for _, ev := range must(p.NextPage(context.Background()))(t).Events {
			out = append(out, string(ev.Type))
			if ev.Id != int64(len(out)) || ev.PreviousEventId >= ev.Id {
				t.Fatalf("event %d: id %d previous %d", len(out), ev.Id, ev.PreviousEventId)
			}
			if ev.Type == types.HistoryEventTypeExecutionRedriven && (ev.ExecutionRedrivenEventDetails == nil || ev.ExecutionRedrivenEventDetails.RedriveCount == nil) {
				t.Fatalf("ExecutionRedriven without its details: %+v", ev)
			}
		}
	}
	return out
}

const workMap = `{"StartAt":"Prep","States":{
  "Prep":{"Type":"Pass","Assign":{"batch.$":"$.batch"},"Next":"Each"},
  "Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"ItemProcessor":{"StartAt":"Work","States":{
    "Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"work","Payload":{"n.$":"$","batch.$":"$batch"}},
      "OutputPath":"$.Payload","End":true}}},
  "Next":"Done"},
  "Done":{"Type":"Pass","Parameters":{"results.$":"$","redriveCount.$":"$$.Execution.RedriveCount"},"End":true}}}`

// TestSDKRedriveMapThirdIteration is issue 18's proof: a Map whose 3rd iteration failed (a NATS
// worker fails item 3 the first time) is redriven with the AWS SDK and SUCCEEDS, and only the
// needed work runs again: items 1 and 2 are not called again.
func TestSDKRedriveMapThirdIteration(t *testing.T) {
	e := recordedEnv(t)
	c := sdkClient(e.srv.URL, "any", "thing")
	ctx := context.Background()
	work := serveFlaky(t, e, "work", `{"n":3,"batch":"b7"}`)
	machine := createExpress(t, c, "mapper", workMap)
	arn := startExpress(t, c, machine, `{"batch":"b7","items":[1,2,3,4,5]}`)
	d := finished(t, c, arn)
	if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Flaky" || d.RedriveStatus != types.ExecutionRedriveStatusRedrivable || d.RedriveCount == nil || *d.RedriveCount != 0 {
		t.Fatalf("first run: %s %s %s %v", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause), d.RedriveCount)
	}
	firstStart := *d.StartDate

	out := must(c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &arn, ClientToken: aws.String("tok-1")}))(t)
	if out.RedriveDate == nil || out.RedriveDate.Before(*d.StopDate) {
		t.Fatalf("redriveDate %v", out.RedriveDate)
	}
	d = finished(t, c, arn)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToInt32(d.RedriveCount) != 1 || d.RedriveDate == nil || !d.StartDate.Equal(firstStart) ||
		d.RedriveStatus != types.ExecutionRedriveStatusNotRedrivable || aws.ToString(d.RedriveStatusReason) != "Execution is SUCCEEDED and cannot be redriven." {
		t.Fatalf("redriven: %+v", d)
	}
	var got struct {
		Results []struct {
			N     int    `json:"n"`
			Batch string `json:"batch"`
		} `json:"results"`
		RedriveCount int `json:"redriveCount"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &got); err != nil || len(got.Results) != 5 || got.RedriveCount != 1 {
		t.Fatalf("output %s: %v", aws.ToString(d.Output), err)
	}
	for i, r := range got.Results {
		if r.N != i+1 || r.Batch != "b7" { // $batch, assigned before the Map, restored
			t.Fatalf("output %s", aws.ToString(d.Output))
		}
	}
	for n, want := range map[int]int{1: 1, 2: 1, 3: 2, 4: 1, 5: 1} {
		if got := work.count(`{"n":` + strconv.Itoa(n) + `,"batch":"b7"}`); got != want {
			t.Errorf("item %d: %d calls, want %d", n, got, want)
		}
	}
	h := strings.Join(historyTypes(t, c, arn), ",")
	if !strings.Contains(h, "ExecutionFailed,ExecutionRedriven,MapStateEntered,MapStateStarted,MapIterationStarted,TaskStateEntered") ||
		!strings.HasPrefix(h, "ExecutionStarted,PassStateEntered") || !strings.HasSuffix(h, "PassStateExited,ExecutionSucceeded") ||
		strings.Count(h, "ExecutionStarted") != 1 || strings.Count(h, "PassStateEntered") != 2 /* Prep once, Done once */ {
		t.Fatalf("history %s", h)
	}

	// The same client token answers the same redrive; the execution is not run again.
	again := must(c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &arn, ClientToken: aws.String("tok-1")}))(t)
	if !again.RedriveDate.Equal(*out.RedriveDate) {
		t.Fatalf("idempotent redrive: %v, first %v", again.RedriveDate, out.RedriveDate)
	}
	_, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &arn, ClientToken: aws.String("tok-2")})
	wantCode(t, err, "ExecutionNotRedrivable")
	time.Sleep(300 * time.Millisecond)
	if n := work.count(`{"n":3,"batch":"b7"}`); n != 2 {
		t.Fatalf("item 3 ran %d times", n)
	}
	if d := finished(t, c, arn); d.Status != types.ExecutionStatusSucceeded || aws.ToInt32(d.RedriveCount) != 1 {
		t.Fatalf("after the repeated token: %+v", d)
	}

	// ListExecutions: redriveCount and redriveDate, and the redrive filter.
	l := must(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &machine, RedriveFilter: types.ExecutionRedriveFilterRedriven}))(t).Executions
	if len(l) != 1 || aws.ToString(l[0].ExecutionArn) != arn || aws.ToInt32(l[0].RedriveCount) != 1 || l[0].RedriveDate == nil {
		t.Fatalf("REDRIVEN: %+v", l)
	}
	if l := must(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &machine, RedriveFilter: types.ExecutionRedriveFilterNotRedriven}))(t).Executions; len(l) != 0 {
		t.Fatalf("NOT_REDRIVEN: %+v", l)
	}
}

// TestSDKRedriveParallelAndTask: a Parallel whose second branch failed reruns that branch only,
// from its failed state; a Catch-less Task that failed twice is redriven twice.
func TestSDKRedriveParallelAndTask(t *testing.T) {
	e := recordedEnv(t)
	c := sdkClient(e.srv.URL, "any", "thing")
	ctx := context.Background()
	work := serveFlaky(t, e, "pwork", `{"b":"second"}`, `{"t":1}`)
	par := createExpress(t, c, "par", `{"StartAt":"Both","States":{"Both":{"Type":"Parallel","Branches":[
	  {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"pwork","Payload":{"b":"first"}},"OutputPath":"$.Payload","End":true}}},
	  {"StartAt":"B0","States":{"B0":{"Type":"Wait","Seconds":1,"Next":"B"},
	    "B":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"pwork","Payload":{"b":"second"}},"OutputPath":"$.Payload","End":true}}}],
	  "End":true}}}`)
	arn := startExpress(t, c, par, `{}`)
	if d := finished(t, c, arn); d.Status != types.ExecutionStatusFailed {
		t.Fatalf("first run: %+v", d)
	}
	must(c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &arn}))(t)
	d := finished(t, c, arn)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `[{"b":"first"},{"b":"second"}]` {
		t.Fatalf("redriven parallel: %+v %s %s", d.Status, aws.ToString(d.Output), aws.ToString(d.Cause))
	}
	if a, b := work.count(`{"b":"first"}`), work.count(`{"b":"second"}`); a != 1 || b != 2 {
		t.Fatalf("branch A ran %d times, B %d", a, b)
	}
	if h := strings.Join(historyTypes(t, c, arn), ","); strings.Count(h, "WaitStateEntered") != 1 {
		t.Fatalf("B0 ran again: %s", h)
	}

	// A Catch-less Task: fails, is redriven and fails again (the worker fails {"t":1} once
	// more), is redriven again and succeeds.
	task := createExpress(t, c, "task", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
	  "Parameters":{"FunctionName":"pwork","Payload":{"t":1}},"OutputPath":"$.Payload","End":true}}}`)
	arn = startExpress(t, c, task, `{}`)
	if d := finished(t, c, arn); d.Status != types.ExecutionStatusFailed {
		t.Fatalf("task: %+v", d)
	}
	work.mu.Lock()
	work.fail[`{"t":1}`] = true
	work.mu.Unlock()
	r1 := must(c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &arn, ClientToken: aws.String("r|1")}))(t)
	if d := finished(t, c, arn); d.Status != types.ExecutionStatusFailed || aws.ToInt32(d.RedriveCount) != 1 || d.RedriveStatus != types.ExecutionRedriveStatusRedrivable {
		t.Fatalf("first redrive: %+v", d)
	}
	time.Sleep(5 * time.Millisecond) // distinct redrive dates
	must(c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &arn, ClientToken: aws.String("r|2")}))(t)
	// The first token still answers the first redrive.
	if again := must(c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &arn, ClientToken: aws.String("r|1")}))(t); !again.RedriveDate.Equal(*r1.RedriveDate) {
		t.Fatalf("token r|1 answered %v, first %v", again.RedriveDate, r1.RedriveDate)
	}
	if d := finished(t, c, arn); d.Status != types.ExecutionStatusSucceeded || aws.ToInt32(d.RedriveCount) != 2 || aws.ToString(d.Output) != `{"t":1}` {
		t.Fatalf("second redrive: %+v", d)
	}
	h := historyTypes(t, c, arn)
	want := "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,TaskFailed,ExecutionFailed," +
		"ExecutionRedriven,TaskStateEntered,TaskScheduled,TaskStarted,TaskFailed,ExecutionFailed," +
		"ExecutionRedriven,TaskStateEntered,TaskScheduled,TaskStarted,TaskSucceeded,TaskStateExited,ExecutionSucceeded"
	if strings.Join(h, ",") != want {
		t.Fatalf("history\n%s\nwant\n%s", strings.Join(h, ","), want)
	}
}

// TestSDKRedriveRefusals: what cannot be redriven gets AWS's error names, with a reason that
// says why (and, for a machine's settings, which tag to change).
func TestSDKRedriveRefusals(t *testing.T) {
	e := recordedEnv(t)
	c := sdkClient(e.srv.URL, "any", "thing")
	ctx := context.Background()
	fail := `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom"}}}`
	off := createExpress(t, c, "nohistory", fail, types.Tag{Key: aws.String("stepjet:history"), Value: aws.String("OFF")})
	nodata := createExpress(t, c, "nodata", fail, types.Tag{Key: aws.String("stepjet:history-data"), Value: aws.String("false")})
	slow := createExpress(t, c, "slow", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`)
	ok := createExpress(t, c, "fine", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)

	for _, tc := range []struct{ machine, reason string }{
		{off, "stepjet:history is OFF"},
		{nodata, "stepjet:history-data"},
		{ok, "Execution is SUCCEEDED and cannot be redriven."},
	} {
		arn := startExpress(t, c, tc.machine, `{}`)
		d := finished(t, c, arn)
		if d.RedriveStatus != types.ExecutionRedriveStatusNotRedrivable || !strings.Contains(aws.ToString(d.RedriveStatusReason), tc.reason) {
			t.Errorf("%s: redriveStatus %s %q", tc.machine, d.RedriveStatus, aws.ToString(d.RedriveStatusReason))
		}
		_, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &arn})
		wantCode(t, err, "ExecutionNotRedrivable")
		if err != nil && !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: %v, want a reason with %q", tc.machine, err, tc.reason)
		}
	}
	running := startExpress(t, c, slow, `{}`)
	pollUntil(t, "the record of the running execution", func() bool {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &running})
		return err == nil && d.Status == types.ExecutionStatusRunning
	})
	_, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &running})
	wantCode(t, err, "ExecutionNotRedrivable")
	if err != nil && !strings.Contains(err.Error(), "Execution is RUNNING and cannot be redriven.") {
		t.Errorf("running: %v", err)
	}

	layout := e.api.cfg.Layout
	_, err = c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(layout.ExecutionArn("fine", "never", "ran"))})
	wantCode(t, err, "ExecutionDoesNotExist")
	_, err = c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String("arn:aws:states:us-east-1:123456789012:express:bad")})
	wantCode(t, err, "InvalidArn")
	_, err = c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &running, ClientToken: aws.String("has space")})
	wantCode(t, err, "ValidationException")
}
