package executor_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/limits"
	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/stepjet/stepjet/transport/wire"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// slowTask is an in-process task that counts the executions inside it: how many at once (the
// most ever seen) and when each entered.
type slowTask struct {
	hold    time.Duration
	mu      sync.Mutex
	now     int
	most    int
	entered []time.Time
	release chan struct{} // when set, the task waits for it instead of hold
}

func (s *slowTask) Invoke(ctx context.Context, _ engine.TaskRequest) ([]byte, error) {
	s.mu.Lock()
	s.now++
	s.most = max(s.most, s.now)
	s.entered = append(s.entered, time.Now())
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.now--
		s.mu.Unlock()
	}()
	wait := time.After(s.hold)
	if s.release != nil {
		wait = nil
	}
	select {
	case <-wait:
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return []byte(`{}`), nil
}

func (s *slowTask) stats() (most int, entered []time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.most, slices.Clone(s.entered)
}

const slowFn = "arn:aws:lambda:us-east-1:123456789012:function:slow"

const slowMachine = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + slowFn + `","End":true}}}`

// putLimited stores machine name with the given tags.
func putLimited(t *testing.T, env *testenv.Env, name string, tags map[string]string) {
	t.Helper()
	m := wire.Machine{Name: name, Arn: env.Layout.StateMachineArn(name), Definition: slowMachine, Type: "EXPRESS", CreationDate: time.Now().UTC(), Tags: tags}
	b, _ := json.Marshal(m)
	if _, err := env.Machines.Put(context.Background(), wire.MachineKey(name), b); err != nil {
		t.Fatal(err)
	}
}

// twoExecutors runs two executors on their own NATS connections (as two processes would),
// each with the task in process.
func twoExecutors(t *testing.T, env *testenv.Env, task engine.TaskInvoker) {
	for range 2 {
		startExecutor(t, env, executor.Config{Funcs: funcs(slowFn, task)})
	}
}

func startMany(t *testing.T, env *testenv.Env, machine string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range n {
		if _, err := client.StartAsync(ctx, env.JS, env.Layout, machine, []byte(`{}`), client.StartOptions{Name: fmt.Sprintf("e-%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConcurrencyLimitHoldsAcrossExecutors: 40 starts of a machine limited to 3 concurrent
// executions, run by two executors on separate connections with a task that takes 150 ms:
// never more than 3 run at once, and every start runs (the backlog waited in JetStream).
func TestConcurrencyLimitHoldsAcrossExecutors(t *testing.T) {
	env := testenv.New(t)
	results := env.WatchResults()
	putLimited(t, env, "capped", map[string]string{limits.TagConcurrency: "3"})
	task := &slowTask{hold: 150 * time.Millisecond}
	twoExecutors(t, env, task)
	const n = 40
	startMany(t, env, "capped", n)
	got := results.Wait(t, n, 3*time.Minute)
	for _, r := range got {
		if r.Status != "SUCCEEDED" {
			t.Fatalf("execution %s: %s %s %s", r.Name, r.Status, r.Error, r.Cause)
		}
	}
	most, entered := task.stats()
	if len(entered) != n {
		t.Fatalf("the task ran %d times, want %d", len(entered), n)
	}
	if most > 3 {
		t.Fatalf("%d executions ran at once; the limit is 3", most)
	}
	if most < 2 {
		t.Logf("note: at most %d ran at once (a loaded host)", most)
	}
}

// TestStartRateLimitHoldsAcrossExecutors: 100 starts of a machine limited to 20 starts per
// second, run by two executors: the starts' observed rate over the whole run, (n-1) / (last -
// first), is at most 20 × 1.05. Counts of starts, not wall-clock speed, are asserted.
func TestStartRateLimitHoldsAcrossExecutors(t *testing.T) {
	env := testenv.New(t)
	results := env.WatchResults()
	putLimited(t, env, "paced", map[string]string{limits.TagRate: "20"})
	task := &slowTask{hold: time.Millisecond}
	twoExecutors(t, env, task)
	const n = 100
	startMany(t, env, "paced", n)
	results.Wait(t, n, 3*time.Minute)
	_, entered := task.stats()
	if len(entered) != n {
		t.Fatalf("the task ran %d times, want %d", len(entered), n)
	}
	slices.SortFunc(entered, func(a, b time.Time) int { return a.Compare(b) })
	span := entered[n-1].Sub(entered[0])
	rate := float64(n-1) / span.Seconds()
	t.Logf("%d starts in %s: %.2f/s (limit 20/s)", n, span, rate)
	if rate > 20*1.05 {
		t.Fatalf("observed start rate %.2f/s exceeds the limit 20/s by more than 5%%", rate)
	}
	// No burst inside the run either: 21 consecutive starts span a second at 20/s. Each start
	// is seen when its task is entered, which a loaded host delays by up to ~100 ms, so the
	// bound here is 0.75 s; two executors each starting 20/s would put 21 starts in 0.5 s.
	for i := 0; i+20 < n; i++ {
		if d := entered[i+20].Sub(entered[i]); d < 750*time.Millisecond {
			t.Fatalf("starts %d..%d: 21 starts within %s at a limit of 20/s", i, i+20, d)
		}
	}
}

// TestSyncStartOverTheLimitIsThrottled: with the machine's one execution running, a sync start
// is refused with ThrottlingException; once it ends, a sync start runs. The sync start counts
// in the same limit as async ones.
func TestSyncStartOverTheLimitIsThrottled(t *testing.T) {
	env := testenv.New(t)
	results := env.WatchResults()
	putLimited(t, env, "single", map[string]string{limits.TagConcurrency: "1"})
	task := &slowTask{release: make(chan struct{})}
	twoExecutors(t, env, task)
	startMany(t, env, "single", 1)
	waitFor(t, "the async execution to run", func() bool { _, e := task.stats(); return len(e) == 1 })

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := client.StartSync(ctx, env.NC, env.Layout, "single", []byte(`{}`), client.StartOptions{})
	var se *wire.SyncError
	if !errors.As(err, &se) || se.Type != "ThrottlingException" {
		t.Fatalf("sync start over the limit: %v, want ThrottlingException", err)
	}
	close(task.release)
	results.Wait(t, 1, time.Minute)
	var res wire.Result
	waitFor(t, "a sync start under the limit to run", func() bool {
		res, err = client.StartSync(ctx, env.NC, env.Layout, "single", []byte(`{}`), client.StartOptions{})
		return err == nil
	})
	if res.Status != "SUCCEEDED" {
		t.Fatalf("sync start: %s %s %s", res.Status, res.Error, res.Cause)
	}
}

// TestLimitTagChangeAppliesWithoutRestart: starts wait while the machine is limited to one
// execution at a time; raising the limit lets more run at once in the same executors, and
// removing it drains the waiting starts.
func TestLimitTagChangeAppliesWithoutRestart(t *testing.T) {
	env := testenv.New(t)
	results := env.WatchResults()
	putLimited(t, env, "tuned", map[string]string{limits.TagConcurrency: "1"})
	task := &slowTask{release: make(chan struct{})}
	twoExecutors(t, env, task)
	startMany(t, env, "tuned", 6)
	waitFor(t, "one execution to run", func() bool { _, e := task.stats(); return len(e) == 1 })
	time.Sleep(500 * time.Millisecond) // give a wrongly admitted second one time to show
	if most, _ := task.stats(); most != 1 {
		t.Fatalf("%d ran at once at a limit of 1", most)
	}
	putLimited(t, env, "tuned", map[string]string{limits.TagConcurrency: "4"})
	waitFor(t, "four executions at once", func() bool { m, _ := task.stats(); return m == 4 })
	putLimited(t, env, "tuned", nil)
	close(task.release)
	results.Wait(t, 6, 2*time.Minute)
	if most, _ := task.stats(); most > 6 {
		t.Fatalf("%d ran at once", most)
	}
}

// TestLimitMetrics: a limited machine's waiting executions, running executions and throttled
// sync starts are reported, labelled by state machine.
func TestLimitMetrics(t *testing.T) {
	env := testenv.New(t)
	reader := sdkmetric.NewManualReader()
	tel := telemetry.New(telemetry.Options{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))})
	putLimited(t, env, "metered", map[string]string{limits.TagConcurrency: "1"})
	task := &slowTask{release: make(chan struct{})}
	defer close(task.release)
	startExecutor(t, env, executor.Config{Funcs: funcs(slowFn, task), Telemetry: tel})
	startMany(t, env, "metered", 3)
	waitFor(t, "one execution to run", func() bool { _, e := task.stats(); return len(e) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := client.StartSync(ctx, env.NC, env.Layout, "metered", []byte(`{}`), client.StartOptions{}); err == nil {
		t.Fatal("a sync start over the limit ran")
	}
	values := func() map[string]int64 {
		var rm metricdata.ResourceMetrics
		if err := reader.Collect(context.Background(), &rm); err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				var points []metricdata.DataPoint[int64]
				switch d := m.Data.(type) {
				case metricdata.Gauge[int64]:
					points = d.DataPoints
				case metricdata.Sum[int64]:
					points = d.DataPoints
				}
				for _, p := range points {
					if v, ok := p.Attributes.Value("state_machine"); ok && v.AsString() == "metered" {
						out[m.Name] = p.Value
					}
				}
			}
		}
		return out
	}
	var got map[string]int64
	waitFor(t, "the limit metrics", func() bool {
		got = values()
		return got[telemetry.MetricLimitRunning] == 1 && got[telemetry.MetricLimitWaiting] == 2 && got[telemetry.MetricLimitThrottled] == 1
	})
}

// TestWaitingStartsSurviveAnExecutorStopping: an executor stopped at its drain deadline with a
// limited machine's executions running hands them back; another executor runs every start
// exactly once, within the limit. At-least-once holds through the wait.
func TestWaitingStartsSurviveAnExecutorStopping(t *testing.T) {
	env := testenv.New(t)
	results := env.WatchResults()
	putLimited(t, env, "handed", map[string]string{limits.TagConcurrency: "2"})
	hung := &slowTask{hold: time.Hour}
	a, err := executor.New(executor.Config{NC: env.Connect(), Logger: quietLogger(), Funcs: funcs(slowFn, hung)})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	const n = 8
	startMany(t, env, "handed", n)
	waitFor(t, "two executions running in the first executor", func() bool { _, e := hung.stats(); return len(e) == 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_ = a.Shutdown(ctx)
	cancel()
	if most, _ := hung.stats(); most != 2 {
		t.Fatalf("%d ran at once in the first executor; the limit is 2", most)
	}

	task := &slowTask{hold: 20 * time.Millisecond}
	startExecutor(t, env, executor.Config{Funcs: funcs(slowFn, task)})
	got := results.Wait(t, n, 2*time.Minute)
	arns := map[string]bool{}
	for _, r := range got {
		if r.Status != "SUCCEEDED" {
			t.Fatalf("execution %s: %s %s %s", r.Name, r.Status, r.Error, r.Cause)
		}
		arns[r.ExecutionArn] = true
	}
	most, entered := task.stats()
	if len(arns) != n || len(entered) != n {
		t.Fatalf("%d results for %d executions; the second executor ran %d", len(arns), n, len(entered))
	}
	if most > 2 {
		t.Fatalf("%d ran at once; the limit is 2", most)
	}
}
