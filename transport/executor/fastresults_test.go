package executor_test

import (
	"context"
	"testing"
	"time"

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
