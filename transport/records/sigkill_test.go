package records_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/records"
)

// childEnv names the NATS URL a re-executed test binary serves as a recording executor process.
const childEnv = "STEPJET_TEST_RECORDS_EXECUTOR_URL"

func TestMain(m *testing.M) {
	if url := os.Getenv(childEnv); url != "" {
		os.Exit(runChild(url))
	}
	os.Exit(m.Run())
}

// runChild is a recording executor process that the parent kills with SIGKILL.
func runChild(url string) int {
	nc, err := nats.Connect(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	rec, err := records.NewRecorder(records.Config{NC: nc, Memory: true})
	if err == nil {
		err = rec.Start(ctx)
	}
	var ex *executor.Executor
	if err == nil {
		ex, err = executor.New(executor.Config{NC: nc, AckWait: time.Second, Recorder: rec})
	}
	if err == nil {
		err = ex.Start(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	select {} // until killed
}

// TestRecordsConsistentAfterSIGKILL: an executor process is SIGKILLed while its executions are
// mid-way (their RUNNING records and first events stored); another executor reruns them. Every
// execution ends with one terminal record, and its history is one run's: ids 1..n in order, one
// ExecutionStarted, one ExecutionSucceeded, no duplicates.
func TestRecordsConsistentAfterSIGKILL(t *testing.T) {
	env := testenv.New(t)
	putMachine(t, env, "steps", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"W"},"W":{"Type":"Wait","Seconds":5,"Next":"B"},"B":{"Type":"Pass","End":true}}}`, nil)
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+env.Server.ClientURL())
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	ctx := context.Background()
	const n = 10
	var arns []string
	for i := range n {
		s, err := client.StartAsync(ctx, env.JS, env.Layout, "steps", fmt.Appendf(nil, `{"i":%d}`, i), client.StartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, s.ExecutionArn)
	}
	// Mid-way: every execution RUNNING, its first 4 events (up to WaitStateEntered) stored.
	for _, arn := range arns {
		waitStatus(t, st, arn, "RUNNING")
		until(t, "the first events of "+arn, func() bool { evs, _ := st.History(ctx, arn); return len(evs) == 4 })
	}
	if err := child.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = child.Wait()
	for _, arn := range arns {
		if rec, _, _ := st.Get(ctx, arn); rec.Status != "RUNNING" {
			t.Fatalf("%s is %s before the rerun", arn, rec.Status)
		}
	}
	results := env.WatchResults()
	startRecorded(t, env, env.Connect(), executor.Config{AckWait: time.Second})
	results.Wait(t, n, 30*time.Second)
	for _, arn := range arns {
		waitStatus(t, st, arn, "SUCCEEDED")
		var got []string
		until(t, "the whole history of "+arn, func() bool {
			got = types(t, st, arn) // fails on ids out of order or repeated
			return len(got) == 8
		})
		want := "ExecutionStarted PassStateEntered PassStateExited WaitStateEntered WaitStateExited PassStateEntered PassStateExited ExecutionSucceeded"
		if fmt.Sprint(got) != "["+want+"]" {
			t.Fatalf("%s: history %v", arn, got)
		}
		list, _ := st.List(ctx, "steps", records.ListFilter{})
		if len(list) != n {
			t.Fatalf("%d records listed for %d executions", len(list), n)
		}
	}
	time.Sleep(500 * time.Millisecond) // nothing more arrives for them
	for _, arn := range arns {
		if evs, _ := st.History(ctx, arn); len(evs) != 8 {
			b, _ := json.Marshal(evs)
			t.Fatalf("%s: %d events after the rerun settled: %s", arn, len(evs), b)
		}
	}
}
