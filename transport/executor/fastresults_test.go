package executor_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
)

// TestServerRestartDuringResultBatches restarts the NATS server (same store, same port) while
// a burst of quick executions streams its results through fast-ingest batches, so batches are
// open, partly acknowledged, when the server goes: every execution must still end with exactly
// one SUCCEEDED result (a result whose batch did not confirm it is stored again and
// de-duplicated; a start whose ack was lost is redelivered and its result de-duplicated).
func TestServerRestartDuringResultBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts a server and waits for redeliveries")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	rs := newRestartable(t, ctx)
	rs.machine(ctx, "quick", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"i.$":"$.i"},"End":true}}}`)
	// All starts are queued before the executor runs, so its results come in a steady stream
	// (batches, not lone publishes).
	const n = 3000
	names := make([]string, n)
	for i := range n {
		names[i] = rs.start(ctx, "quick", "batch-restart", i)
	}
	rs.executor(ctx, executor.Config{AckWait: 2 * time.Second, MaxInFlight: 1024})
	// The server goes while results are being stored: some are, most are not yet.
	results, err := rs.js.Stream(ctx, rs.l.ResultsStream())
	if err != nil {
		t.Fatal(err)
	}
	for {
		info, err := results.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.State.Msgs >= n/10 {
			if info.State.Msgs >= n {
				t.Fatalf("all %d results were stored before the restart: nothing was restarted mid-batch", n)
			}
			t.Logf("restarting the server with %d of %d results stored", info.State.Msgs, n)
			break
		}
		time.Sleep(time.Millisecond)
	}
	rs.restart()
	rs.oneResultEach(ctx, names)
}

// TestResultsStreamWithoutBatches: an operator's own results stream without allow_batched
// gets each result published with its own publish ack, a warning says so once, and every
// execution still has exactly one result.
func TestResultsStreamWithoutBatches(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	name := env.Layout.ResultsStream()
	s, err := env.JS.Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	sc := s.CachedInfo().Config
	if err := env.JS.DeleteStream(ctx, name); err != nil {
		t.Fatal(err)
	}
	sc.AllowBatchPublish = false
	if _, err := env.JS.CreateStream(ctx, sc); err != nil {
		t.Fatal(err)
	}
	env.PutMachine("p", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, "")
	var logs syncBuffer
	ex, err := executor.New(executor.Config{NC: env.Connect(), Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = ex.Shutdown(sctx)
	})
	results := env.WatchResults()
	const n = 300
	for i := range n {
		if _, err := client.StartAsync(ctx, env.JS, env.Layout, "p", fmt.Appendf(nil, `{"i":%d}`, i), client.StartOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	got := results.Wait(t, n, 60*time.Second)
	seen := map[string]bool{}
	for _, r := range got {
		if seen[r.ExecutionArn] || r.Status != "SUCCEEDED" {
			t.Fatalf("result %+v (seen before: %v)", r, seen[r.ExecutionArn])
		}
		seen[r.ExecutionArn] = true
	}
	if c := strings.Count(logs.String(), "results are published one by one"); c != 1 {
		t.Fatalf("the warning was logged %d times, want once:\n%s", c, logs.String())
	}
	if s, err = env.JS.Stream(ctx, name); err != nil || s.CachedInfo().Config.AllowBatchPublish {
		t.Fatalf("the executor changed the operator's stream: %v", err)
	}
}
