package executor_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/provision"
)

// An execution that outlives AckWait keeps its start by heartbeats: it runs once, with one
// result, although its start would have been redelivered three times over without them.
func TestLongExecutionHeartbeats(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("slow", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"slow","Payload.$":"$"},"OutputPath":"$.Payload","End":true}}}`, "")
	var calls atomic.Int32
	serveWorker(t, env, "slow", func(ctx context.Context, p []byte) ([]byte, error) {
		calls.Add(1)
		time.Sleep(3500 * time.Millisecond)
		return p, nil
	})
	results := env.WatchResults()
	startExecutor(t, env, executor.Config{AckWait: time.Second})
	const n = 3
	for i := range n {
		if _, err := client.StartAsync(context.Background(), env.JS, env.Layout, "slow", fmt.Appendf(nil, `{"i":%d}`, i), client.StartOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	results.Wait(t, n, 20*time.Second)
	time.Sleep(1500 * time.Millisecond) // room for a redelivery to show up
	if got := calls.Load(); got != n {
		t.Errorf("the worker ran %d times for %d executions: a start was redelivered", got, n)
	}
	rs := results.All()
	if len(rs) != n {
		t.Errorf("%d results for %d executions", len(rs), n)
	}
	for _, r := range rs {
		if r.Status != "SUCCEEDED" {
			t.Errorf("%+v", r)
		}
	}
}

// A start is acked only once its result is stored: while the results stream is missing, the
// start stays in the executions work queue; once the stream is back, the result is stored.
func TestStartNotAckedBeforeResultStored(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("p", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, "")
	ctx := context.Background()
	if err := env.JS.DeleteStream(ctx, env.Layout.ResultsStream()); err != nil {
		t.Fatal(err)
	}
	startExecutor(t, env, executor.Config{AckWait: time.Second})
	s, err := client.StartAsync(ctx, env.JS, env.Layout, "p", []byte(`{"a":1}`), client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	execs, err := env.JS.Stream(ctx, env.Layout.ExecutionsStream())
	if err != nil {
		t.Fatal(err)
	}
	info, err := execs.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 1 {
		t.Fatalf("the executions stream holds %d starts, want 1: the start was acked without a stored result", info.State.Msgs)
	}
	if err := provision.Ensure(ctx, env.JS, provision.Config{Layout: env.Layout}); err != nil {
		t.Fatal(err)
	}
	results := env.WatchResults()
	r := results.Wait(t, 1, 20*time.Second)[0]
	if r.ExecutionArn != s.ExecutionArn || r.Status != "SUCCEEDED" || r.Output != `{"a":1}` {
		t.Fatalf("%+v", r)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if info, err = execs.Info(ctx); err == nil && info.State.Msgs == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the start was never acked after its result was stored: %+v", info.State)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
