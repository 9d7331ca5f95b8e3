package executor_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
)

// childEnv names the NATS URL a re-executed test binary serves as an executor process.
const childEnv = "STEPJET_TEST_EXECUTOR_URL"

func TestMain(m *testing.M) {
	if url := os.Getenv(childEnv); url != "" {
		os.Exit(runChildExecutor(url))
	}
	os.Exit(m.Run())
}

// runChildExecutor is the subprocess: a real executor process that the parent kills.
func runChildExecutor(url string) int {
	nc, err := nats.Connect(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ex, err := executor.New(executor.Config{NC: nc, AckWait: time.Second, MaxInFlight: 4, Logger: quietLogger()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := ex.Start(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	<-sig
	// As stepjet serve does on SIGTERM: drain, here for at most a second.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = ex.Shutdown(ctx)
	return 0
}

func TestRedeliveryAfterProcessDies(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("job", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"job","Payload.$":"$"},"OutputPath":"$.Payload","End":true}}}`, "")
	var calls atomic.Int32
	serveWorker(t, env, "job", func(ctx context.Context, p []byte) ([]byte, error) {
		calls.Add(1)
		time.Sleep(300 * time.Millisecond)
		return p, nil
	})
	results := env.WatchResults()

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+env.Server.ClientURL())
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })

	const n = 20
	arns := map[string]bool{}
	for i := range n {
		s, err := client.StartAsync(context.Background(), env.JS, env.Layout, "job", fmt.Appendf(nil, `{"i":%d}`, i), client.StartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		arns[s.ExecutionArn] = true
	}
	results.Wait(t, 5, 20*time.Second)
	// Kill it mid-work: some executions are running in it, others wait in the queue.
	for calls.Load() <= int32(len(results.All())) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	before := len(results.All())
	if before >= n {
		t.Fatalf("the child finished everything (%d) before it was killed", before)
	}

	startExecutor(t, env, executor.Config{AckWait: time.Second})
	results.Wait(t, n, 20*time.Second)
	time.Sleep(500 * time.Millisecond)
	rs := results.All()
	seen := map[string]int{}
	for _, r := range rs {
		seen[r.ExecutionArn]++
		if r.Status != "SUCCEEDED" {
			t.Errorf("%+v", r)
		}
	}
	if len(rs) != n || len(seen) != n {
		t.Fatalf("%d results for %d executions (%d distinct ARNs)", len(rs), n, len(seen))
	}
	for arn := range arns {
		if seen[arn] != 1 {
			t.Errorf("execution %s has %d results", arn, seen[arn])
		}
	}
	if int(calls.Load()) <= n {
		t.Logf("note: no execution ran twice (calls=%d)", calls.Load())
	}
}

func TestMaxDeliverFailsTheExecution(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("poison", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, "")
	results := env.WatchResults()
	ctx := context.Background()
	// An executor that takes the start and dies without acking (simulated by a bare fetch on the
	// executors' durable consumer).
	cfg := jetstream.ConsumerConfig{Durable: env.Layout.SyncQueue(), AckPolicy: jetstream.AckExplicitPolicy, AckWait: time.Second, MaxDeliver: 2, MaxAckPending: -1}
	cons, err := env.JS.CreateOrUpdateConsumer(ctx, env.Layout.ExecutionsStream(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := client.StartAsync(ctx, env.JS, env.Layout, "poison", []byte(`{}`), client.StartOptions{Name: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for range batch.Messages() {
	}
	startExecutor(t, env, executor.Config{AckWait: time.Second, MaxDeliver: 2})
	r := results.Wait(t, 1, 10*time.Second)[0]
	if r.ExecutionArn != s.ExecutionArn || r.Status != "FAILED" || r.Error != "States.Runtime" || r.Cause == "" {
		t.Fatalf("%+v", r)
	}
	t.Log(r.Cause)
}
