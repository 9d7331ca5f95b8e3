package executor_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
)

// inFlight reads the executor's in-flight gauge from its metrics.
func inFlight(ex *executor.Executor) int {
	var b strings.Builder
	ex.WriteMetrics(&b)
	var n int
	for _, line := range strings.Split(b.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "stepjet_executions_inflight "); ok {
			fmt.Sscan(v, &n)
		}
	}
	return n
}

// Async executions waiting in a Wait state or on a NATS worker hold no goroutine (each held
// a pool worker, whose stack is ~16 KiB), and all complete once, with the Wait's output or the
// worker's answer, when the wait is over. The worker answers from a timer, so that it holds no
// goroutine per request either. Not parallel: it counts the process's goroutines.
func TestWaitingExecutionsHoldNoGoroutine(t *testing.T) {
	env := testenv.New(t)
	env.PutMachine("w", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"Next":"P"},
		"P":{"Type":"Pass","Parameters":{"i.$":"$.i","waited":true},"End":true}}}`, "")
	env.PutMachine("t", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:later","End":true}}}`, "")
	nc := env.Connect()
	sub, err := nc.Subscribe(env.Layout.FunctionSubject("later"), func(m *nats.Msg) {
		time.AfterFunc(10*time.Second, func() { _ = m.Respond([]byte(`{"answered":true}`)) })
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	results := env.WatchResults()
	ex := startExecutor(t, env, executor.Config{})
	const n = 300
	before := runtime.NumGoroutine()
	for i := range n {
		machine := []string{"w", "t"}[i%2]
		if _, err := client.StartAsync(context.Background(), env.JS, env.Layout, machine, fmt.Appendf(nil, `{"i":%d}`, i), client.StartOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for inFlight(ex) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := inFlight(ex); got < n {
		t.Fatalf("%d of %d executions in flight after 30 s", got, n)
	}
	// The pool's workers that took the starts idle for 2 s before they exit: wait for them,
	// while the executions still wait (10 s).
	extra := runtime.NumGoroutine() - before
	for wait := time.Now().Add(6 * time.Second); extra >= n/4 && time.Now().Before(wait); extra = runtime.NumGoroutine() - before {
		time.Sleep(50 * time.Millisecond)
	}
	if got := inFlight(ex); extra >= n/4 || got < n {
		t.Errorf("%d executions waiting (%d in flight) hold %d more goroutines, want fewer than %d", n, got, extra, n/4)
	}
	results.Wait(t, n, 60*time.Second)
	rs := results.All()
	if len(rs) != n {
		t.Fatalf("%d results for %d executions", len(rs), n)
	}
	seen := map[string]bool{}
	for _, r := range rs {
		if r.Status != "SUCCEEDED" || !strings.Contains(r.Output, `"waited":true`) && r.Output != `{"answered":true}` {
			t.Fatalf("%+v", r)
		}
		if seen[r.ExecutionArn] {
			t.Fatalf("two results for %s", r.ExecutionArn)
		}
		seen[r.ExecutionArn] = true
	}
}
