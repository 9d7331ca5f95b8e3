package executor_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/embedded"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
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
	dir := t.TempDir()
	port := freePort(t)
	srv, err := embedded.Start(embedded.Options{Dir: dir, Port: port})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown() })
	connect := func() *nats.Conn {
		nc, err := nats.Connect(srv.ClientURL(), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		return nc
	}
	nc := connect()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var l wire.Layout
	if err := provision.Ensure(ctx, js, provision.Config{Layout: l}); err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Open(ctx, js, l)
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.CreateMachine(ctx, wire.Machine{Name: "quick", Type: "EXPRESS", Arn: l.StateMachineArn("quick"),
		Definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"i.$":"$.i"},"End":true}}}`}); err != nil {
		t.Fatal(err)
	}
	const n = 3000
	names := make([]string, n)
	start := func(i int) {
		names[i] = fmt.Sprintf("batch-restart-%d", i)
		for { // refused during the outage: sent again under the same name, de-duplicated
			_, err := client.StartAsync(ctx, js, l, "quick", fmt.Appendf(nil, `{"i":%d}`, i), client.StartOptions{Name: names[i]})
			if err == nil {
				return
			}
			if ctx.Err() != nil {
				t.Fatalf("start %d: %v", i, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// All starts are queued before the executor runs, so its results come in a steady stream
	// (batches, not lone publishes).
	for i := range n {
		start(i)
	}
	ex, err := executor.New(executor.Config{NC: connect(), AckWait: 2 * time.Second, MaxInFlight: 1024, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = ex.Shutdown(sctx)
	})
	// The server goes while results are being stored: some are, most are not yet.
	for {
		s, err := js.Stream(ctx, l.ResultsStream())
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.State.Msgs >= n/10 {
			if info.State.Msgs >= n {
				t.Fatalf("all %d results were stored before the restart: the test restarted nothing mid-batch", n)
			}
			t.Logf("restarting the server with %d of %d results stored", info.State.Msgs, n)
			break
		}
		time.Sleep(time.Millisecond)
	}
	srv.Shutdown()
	if srv, err = embedded.Start(embedded.Options{Dir: dir, Port: port}); err != nil {
		t.Fatal(err)
	}

	var counts map[string]int
	for {
		counts = resultCounts(t, ctx, js, l)
		if len(counts) >= n || ctx.Err() != nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // a redelivery after AckWait would add a duplicate now
	counts = resultCounts(t, ctx, js, l)
	byName := map[string]int{}
	for arn, c := range counts {
		parts := strings.Split(arn, ":") // …:express:<machine>:<name>:<id>
		byName[parts[len(parts)-2]] += c
	}
	bad := 0
	for _, name := range names {
		if byName[name] != 1 {
			bad++
			if bad <= 10 {
				t.Errorf("%s: %d results", name, byName[name])
			}
		}
	}
	if len(counts) != n || bad > 0 {
		t.Fatalf("%d executions have results, want %d; %d without exactly one", len(counts), n, bad)
	}
}
