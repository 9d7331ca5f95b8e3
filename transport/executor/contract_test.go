package executor_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/triggers"
	"github.com/stepjet/stepjet/transport/wire"
)

const passMachine = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`

// resultMachine is a machine whose output names it.
func resultMachine(tag string) string {
	return `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"` + tag + `","End":true}}}`
}

// publish stores a raw start message, as any NATS client could.
func publish(t *testing.T, env *testenv.Env, m *nats.Msg) {
	t.Helper()
	if _, err := env.JS.PublishMsg(context.Background(), m); err != nil {
		t.Fatal(err)
	}
}

// byArn waits until a result for arn is stored and returns it.
func byArn(t *testing.T, results *testenv.Results, arn string) wire.Result {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range results.All() {
			if r.ExecutionArn == arn {
				return r
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no result for %s; results: %+v", arn, results.All())
	return wire.Result{}
}

// byName waits until a result for the execution name is stored and returns it.
func byName(t *testing.T, results *testenv.Results, name string) wire.Result {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range results.All() {
			if r.Name == name {
				return r
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no result for %s; results: %+v", name, results.All())
	return wire.Result{}
}

// TestOversizedNamesLeaveTheExecutorServing (issue 14.1): a start whose machine ARN header is
// 4,100 bytes, and one published to stepjet.start.<4,040 characters>, used to make the machine
// lookup exceed the server's control-line limit, which closed the executor's connection for
// good. Now the first fails with InvalidArn, the second is terminated, and the executor keeps
// serving on the same connection.
func TestOversizedNamesLeaveTheExecutorServing(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("passm", passMachine, "")
	results := env.WatchResults()
	nc := env.Connect()
	startExecutor(t, env, executor.Config{NC: nc, AckWait: time.Second, MaxDeliver: 2})

	long := nats.NewMsg(env.Layout.StartSubject("passm"))
	long.Data = []byte(`{}`)
	long.Header.Set(wire.HeaderExecutionName, "long-arn")
	long.Header.Set(wire.HeaderStateMachineArn, env.Layout.StateMachineArn("passm")+":"+strings.Repeat("a", 4100))
	publish(t, env, long)
	huge := nats.NewMsg(env.Layout.Prefix + "stepjet.start." + strings.Repeat("b", 4040))
	huge.Data = []byte(`{}`)
	publish(t, env, huge)
	longName := nats.NewMsg(env.Layout.StartSubject("passm"))
	longName.Header.Set(wire.HeaderExecutionName, strings.Repeat("n", 4100))
	publish(t, env, longName)

	r := byName(t, results, "long-arn")
	if r.Status != "FAILED" || r.Error != "InvalidArn" {
		t.Errorf("long machine ARN: %+v", r)
	}
	for _, name := range []string{"after-1", "after-2"} {
		s, err := client.StartAsync(context.Background(), env.JS, env.Layout, "passm", []byte(`{}`), client.StartOptions{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if r := byArn(t, results, s.ExecutionArn); r.Status != "SUCCEEDED" {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if !nc.IsConnected() {
		t.Fatalf("the executor's connection is %v", nc.Status())
	}
	// The long execution name fails under a derived name, and the 4,040-character subject is
	// terminated: 4 results in all (long-arn, the long name's, after-1, after-2), never more.
	rs := results.Wait(t, 4, 30*time.Second)
	for _, r := range rs {
		if len(r.ExecutionArn) > 256 || len(r.Name) > 80 {
			t.Errorf("unbounded identity in %+v", r)
		}
	}
	time.Sleep(2 * time.Second) // AckWait: a terminated start would be back by now
	if n := len(results.All()); n != 4 {
		t.Fatalf("%d results, want 4: %+v", n, results.All())
	}
}

// TestForgedStartHeaders (issue 14.7): a publisher cannot skip the deadline, run another
// machine than the subject names, or take another execution's ARN.
func TestForgedStartHeaders(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("wait30", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`, "")
	env.PutMachine("passm", resultMachine("passm"), "")
	env.PutMachine("probe", resultMachine("probe"), "")
	results := env.WatchResults()
	startExecutor(t, env, executor.Config{Timeout: time.Second})

	// Deadline skip: a start dated in the future still times out a second after it was stored.
	skip := nats.NewMsg(env.Layout.StartSubject("wait30"))
	skip.Header.Set(wire.HeaderExecutionName, "skip")
	skip.Header.Set(wire.HeaderStartDate, "2999-01-01T00:00:00Z")
	publish(t, env, skip)
	if r := byName(t, results, "skip"); r.Status != "TIMED_OUT" || r.StartDate > float64(time.Now().Unix()+5) {
		t.Errorf("deadline skip: %+v", r)
	}

	// Another machine: the subject says passm, the header says probe.
	other := nats.NewMsg(env.Layout.StartSubject("passm"))
	other.Header.Set(wire.HeaderExecutionName, "other")
	other.Header.Set(wire.HeaderStateMachineArn, env.Layout.StateMachineArn("probe"))
	publish(t, env, other)
	if r := byName(t, results, "other"); r.Status != "FAILED" || r.Error != "InvalidArn" || strings.Contains(r.Output, "probe") {
		t.Errorf("other machine: %+v", r)
	}

	// A forged victim ARN: the attacker's start names the victim's future ARN under its own
	// name. It fails under an ARN of its own; the victim's result is stored under the victim's.
	victimArn := env.Layout.ExecutionArn("passm", "victim", "6f1c1a8e-0000-4000-8000-000000000001")
	forged := nats.NewMsg(env.Layout.StartSubject("passm"))
	forged.Header.Set(wire.HeaderExecutionName, "attacker")
	forged.Header.Set(wire.HeaderExecutionArn, victimArn)
	forged.Data = []byte(`{"forged":true}`)
	publish(t, env, forged)
	if r := byName(t, results, "attacker"); r.Status != "FAILED" || r.Error != "InvalidArn" || r.ExecutionArn == victimArn {
		t.Errorf("forged ARN: %+v", r)
	}
	victim, err := env.Layout.StartMsg(wire.Start{Machine: "passm", Name: "victim", Arn: victimArn, Input: []byte(`{"real":true}`)})
	if err != nil {
		t.Fatal(err)
	}
	publish(t, env, victim)
	if r := byArn(t, results, victimArn); r.Status != "SUCCEEDED" || r.Input != `{"real":true}` || r.Output != `"passm"` {
		t.Errorf("victim: %+v", r)
	}
}

// TestSameExecutionNameOnTwoMachines (issue 14.8): de-duplication is per machine.
func TestSameExecutionNameOnTwoMachines(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("ma", resultMachine("a"), "")
	env.PutMachine("mb", resultMachine("b"), "")
	results := env.WatchResults()
	startExecutor(t, env, executor.Config{})
	for _, m := range []string{"ma", "mb"} {
		s, err := client.StartAsync(context.Background(), env.JS, env.Layout, m, nil, client.StartOptions{Name: "shared-name"})
		if err != nil || s.Duplicate {
			t.Fatalf("%s: %+v %v", m, s, err)
		}
		if r := byArn(t, results, s.ExecutionArn); r.Status != "SUCCEEDED" {
			t.Errorf("%s: %+v", m, r)
		}
	}
	// Within one machine the name still de-duplicates.
	s, err := client.StartAsync(context.Background(), env.JS, env.Layout, "ma", nil, client.StartOptions{Name: "shared-name"})
	if err != nil || !s.Duplicate {
		t.Fatalf("a repeated start of ma: %+v %v", s, err)
	}
}

// TestRawPublishToADottedMachine (issue 15): stepjet.start.order.v2 starts machine order.v2,
// not v2, and so does the encoder's form of that name.
func TestRawPublishToADottedMachine(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("order.v2", resultMachine("order.v2"), "")
	env.PutMachine("v2", resultMachine("v2"), "")
	results := env.WatchResults()
	startExecutor(t, env, executor.Config{})
	raw := nats.NewMsg("stepjet.start.order.v2")
	raw.Header.Set(wire.HeaderMsgID, "raw-dotted")
	publish(t, env, raw)
	if r := byName(t, results, "raw-dotted"); r.Status != "SUCCEEDED" || r.Output != `"order.v2"` || r.StateMachineArn != env.Layout.StateMachineArn("order.v2") {
		t.Errorf("raw publish: %+v", r)
	}
	s, err := client.StartAsync(context.Background(), env.JS, env.Layout, "order.v2", nil, client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := byArn(t, results, s.ExecutionArn); r.Output != `"order.v2"` {
		t.Errorf("encoded start: %+v", r)
	}
	req := nats.NewMsg("stepjet.sync.order.v2")
	reply, err := env.NC.RequestMsg(req, 20*time.Second)
	if err != nil || !strings.Contains(string(reply.Data), `"output":"\"order.v2\""`) {
		t.Fatalf("raw sync request: %v %s", err, reply.Data)
	}
}

// TestOversizedResultIsStoredOnce (issue 14.4): a legal 256 KiB input of backslashes gives a
// result over NATS's 1 MiB (escaped in input and output). It is stored once, as
// States.DataLimitExceeded, its task run once; a sync caller gets the same answer at once.
func TestOversizedResultIsStoredOnce(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:echo"
	env.PutMachine("echo", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+fn+`","End":true}}}`, "")
	var calls atomic.Int32
	echo := engine.TaskFunc(func(_ context.Context, req engine.TaskRequest) ([]byte, error) { calls.Add(1); return req.Input, nil })
	results := env.WatchResults()
	startExecutor(t, env, executor.Config{AckWait: time.Second, Funcs: funcs(fn, echo)})
	input := []byte(`{"s":"` + strings.Repeat(`\\`, 131000) + `"}`)
	brief := func(r wire.Result) string {
		return r.Status + " " + r.Error + " input " + strconv.Itoa(len(r.Input)) + " output " + strconv.Itoa(len(r.Output)) + ": " + r.Cause
	}

	s, err := client.StartAsync(context.Background(), env.JS, env.Layout, "echo", input, client.StartOptions{Name: "big"})
	if err != nil {
		t.Fatal(err)
	}
	r := byArn(t, results, s.ExecutionArn)
	if r.Status != "FAILED" || r.Error != "States.DataLimitExceeded" || r.Input != "" || r.Output != "" {
		t.Errorf("async: %s", brief(r))
	}
	time.Sleep(3 * time.Second) // three AckWaits: a start handed back would have run again
	if n := calls.Load(); n != 1 || len(results.All()) != 1 {
		t.Errorf("the task ran %d times; %d results", n, len(results.All()))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := client.StartSync(ctx, env.NC, env.Layout, "echo", input, client.StartOptions{})
	if err != nil || res.Status != "FAILED" || res.Error != "States.DataLimitExceeded" {
		t.Fatalf("sync: %s %v", brief(res), err)
	}
}

// blocker is a worker that holds every call until released.
type blocker struct {
	calls   atomic.Int32
	release chan struct{}
	once    sync.Once
}

func newBlocker(t *testing.T, env *testenv.Env, fn string) *blocker {
	b := &blocker{release: make(chan struct{})}
	serveWorker(t, env, fn, func(ctx context.Context, p []byte) ([]byte, error) {
		b.calls.Add(1)
		select {
		case <-b.release:
		case <-ctx.Done():
		}
		return p, nil
	})
	t.Cleanup(b.free)
	return b
}

func (b *blocker) free() { b.once.Do(func() { close(b.release) }) }

func (b *blocker) waitCalls(t *testing.T, n int32) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for b.calls.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls, want %d", b.calls.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

const blockingMachine = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"block","Payload.$":"$"},"OutputPath":"$.Payload","End":true}}}`

// TestDrainAnswersSyncCallers (issue 15.3): a draining executor answers the sync requests it
// holds with ServiceUnavailable: queued ones at once, running ones at the drain deadline,
// instead of leaving their callers to wait out their timeouts.
func TestDrainAnswersSyncCallers(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("slow", blockingMachine, "")
	b := newBlocker(t, env, "block")
	cfg := executor.Config{NC: env.Connect(), MaxInFlight: 1, Logger: quietLogger()}
	ex, err := executor.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for range 2 { // one runs (the only slot), one waits in the queue
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			_, err := client.StartSync(ctx, env.NC, env.Layout, "slow", nil, client.StartOptions{})
			errs <- err
		}()
	}
	b.waitCalls(t, 1)
	time.Sleep(200 * time.Millisecond) // let the second request reach the queue
	dctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	go func() { _ = ex.Shutdown(dctx) }()
	for range 2 {
		select {
		case err := <-errs:
			var se *wire.SyncError
			if !errors.As(err, &se) || se.Type != wire.SyncUnavailable {
				t.Errorf("sync caller got %v, want a %s error", err, wire.SyncUnavailable)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("a sync caller is still waiting after the drain")
		}
	}
}

// TestSyncQueueIsBounded (issue 14.5): past MaxSyncPending waiting requests the executor answers
// ThrottlingException at once, and a queued request whose caller has gone is dropped unrun.
func TestSyncQueueIsBounded(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("slow", blockingMachine, "")
	b := newBlocker(t, env, "block")
	startExecutor(t, env, executor.Config{MaxInFlight: 1, MaxSyncPending: 2})
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, _ = client.StartSync(ctx, env.NC, env.Layout, "slow", nil, client.StartOptions{})
	}()
	b.waitCalls(t, 1)
	// Callers that give up after 300 ms: two wait in the queue, the rest are refused at once.
	const n = 8
	var busy atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, err := client.StartSync(ctx, env.NC, env.Layout, "slow", nil, client.StartOptions{})
			var se *wire.SyncError
			if errors.As(err, &se) && se.Type == wire.SyncBusy {
				busy.Add(1)
			}
		}()
	}
	wg.Wait()
	// The queue holds 2, and the loop that hands them to workers may hold a third.
	if busy.Load() < n-3 {
		t.Errorf("%d of %d requests were refused as busy; the queue holds 2", busy.Load(), n)
	}
	// Free the slot: the queued requests' callers are gone, so they must not run.
	b.free()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		res, err := client.StartSync(ctx, env.NC, env.Layout, "slow", []byte(`{"after":1}`), client.StartOptions{})
		cancel()
		var se *wire.SyncError
		if errors.As(err, &se) && se.Type == wire.SyncBusy && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond) // the dropped requests are still leaving the queue
			continue
		}
		if err != nil || res.Status != "SUCCEEDED" {
			t.Fatalf("%+v %v", res, err)
		}
		break
	}
	if c := b.calls.Load(); c != 2 {
		t.Errorf("the task ran %d times; want 2 (the first request and the last), the abandoned ones dropped", c)
	}
}

// TestShutdownEndsWhenAnExecutionIgnoresItsContext (issue 14.2, last sentence): after the drain
// deadline Shutdown stops waiting, and the start stays unacked for another executor.
func TestShutdownEndsWhenAnExecutionIgnoresItsContext(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:stuck"
	env.PutMachine("stuck", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+fn+`","End":true}}}`, "")
	started, unstick := make(chan struct{}, 4), make(chan struct{})
	t.Cleanup(func() { close(unstick) })
	stuck := engineFunc(func() { started <- struct{}{}; <-unstick }) // ignores its context
	ex, err := executor.New(executor.Config{NC: env.Connect(), Logger: quietLogger(), AbandonAfter: 500 * time.Millisecond, AckWait: time.Second,
		Funcs: funcs(fn, stuck)})
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := client.StartAsync(context.Background(), env.JS, env.Layout, "stuck", nil, client.StartOptions{Name: "stuck-1"}); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- ex.Shutdown(ctx) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "abandoned") {
			t.Errorf("Shutdown: %v, want an error naming the abandoned execution", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Shutdown did not return")
	}
	// The start was left unacked: another executor gets it again.
	startExecutor(t, env, executor.Config{AckWait: time.Second, Funcs: funcs(fn, engineFunc(func() { started <- struct{}{} }))})
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the abandoned start was not redelivered")
	}
}

// engineFunc is an in-process task that runs f and ignores its context.
type engineFunc func()

func (f engineFunc) Invoke(context.Context, engine.TaskRequest) ([]byte, error) {
	f()
	return []byte(`{}`), nil
}

func funcs(arn string, f engine.TaskInvoker) map[string]engine.TaskInvoker {
	return map[string]engine.TaskInvoker{arn: f}
}

// pinDef is a machine that calls the blocking worker "pinwork", then outputs tag.
func pinDef(tag string) string {
	return `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"pinwork","Payload.$":"$"},"Next":"P"},` +
		`"P":{"Type":"Pass","Result":"` + tag + `","End":true}}}`
}

// TestRedeliveredStartRunsTheRevisionItWasAcceptedOn (issue 15.2): a start accepted on
// revision 1, whose executor process is killed (SIGKILL) after the machine was updated to
// revision 2, is redelivered and runs revision 1. A start pinned to revision 1 by its producer
// runs it too; a pin the bucket no longer holds fails with a clear cause.
func TestRedeliveredStartRunsTheRevisionItWasAcceptedOn(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ctx := context.Background()
	env.PutMachine("pin", pinDef("rev1"), "")
	e1, err := env.Machines.Get(ctx, wire.MachineKey("pin"))
	if err != nil {
		t.Fatal(err)
	}
	b := newBlocker(t, env, "pinwork")
	results := env.WatchResults()

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+env.Server.ClientURL())
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	s, err := client.StartAsync(ctx, env.JS, env.Layout, "pin", []byte(`{}`), client.StartOptions{Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	b.waitCalls(t, 1) // the child process is running it
	env.PutMachine("pin", pinDef("rev2"), "")
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	b.free()
	startExecutor(t, env, executor.Config{AckWait: time.Second})
	if r := byArn(t, results, s.ExecutionArn); r.Status != "SUCCEEDED" || r.Output != `"rev1"` {
		t.Errorf("redelivered start: %s %s %s", r.Status, r.Output, r.Cause)
	}
	// Pinned by its producer to revision 1, stored after the update.
	pinned, err := env.Layout.StartMsg(wire.Start{Machine: "pin", Name: "b", Revision: e1.Revision()})
	if err != nil {
		t.Fatal(err)
	}
	publish(t, env, pinned)
	if r := byName(t, results, "b"); r.Output != `"rev1"` {
		t.Errorf("pinned start: %s %s %s", r.Status, r.Output, r.Cause)
	}
	s, err = client.StartAsync(ctx, env.JS, env.Layout, "pin", []byte(`{}`), client.StartOptions{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if r := byArn(t, results, s.ExecutionArn); r.Output != `"rev2"` {
		t.Errorf("new start: %s %s %s", r.Status, r.Output, r.Cause)
	}
	gone, err := env.Layout.StartMsg(wire.Start{Machine: "pin", Name: "d", Revision: 999999})
	if err != nil {
		t.Fatal(err)
	}
	publish(t, env, gone)
	if r := byName(t, results, "d"); r.Status != "FAILED" || !strings.Contains(r.Cause, "no longer stored") {
		t.Errorf("a pin to a revision that is gone: %s %s %s", r.Status, r.Error, r.Cause)
	}
}

// TestAliasStartRunsTheVersionChosenAtAccept (issue 15.2): the version an alias routed a start
// to when it was accepted is the one that runs, whatever the alias says later; a raw alias start
// (no version chosen) follows the alias.
func TestAliasStartRunsTheVersionChosenAtAccept(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ctx := context.Background()
	reg := registry.New(env.Machines, env.Layout)
	env.PutMachine("al", resultMachine("v1"), "")
	if _, err := reg.PublishVersion(ctx, "al", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	m, rev, err := reg.Machine(ctx, "al")
	if err != nil {
		t.Fatal(err)
	}
	m.Definition, m.RevisionID = resultMachine("v2"), "r2"
	if err := reg.PutMachine(ctx, m, rev); err != nil {
		t.Fatal(err)
	}
	v2, err := reg.PublishVersion(ctx, "al", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	aliasArn := reg.AliasArn("al", "live")
	if err := reg.CreateAlias(ctx, "al", wire.Alias{Name: "live", Arn: aliasArn, Routing: []wire.AliasRoute{{StateMachineVersionArn: v2.Arn, Weight: 100}}}); err != nil {
		t.Fatal(err)
	}
	results := env.WatchResults()
	startExecutor(t, env, executor.Config{})
	chosen, err := env.Layout.StartMsg(wire.Start{Machine: "al", Name: "chosen", MachineArn: aliasArn, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	publish(t, env, chosen)
	if r := byName(t, results, "chosen"); r.Output != `"v1"` || r.StateMachineArn != reg.VersionArn("al", 1) {
		t.Errorf("alias start routed to version 1 at accept: %s %s %s %s", r.Status, r.Output, r.StateMachineArn, r.Cause)
	}
	raw, err := env.Layout.StartMsg(wire.Start{Machine: "al", Name: "raw", MachineArn: aliasArn})
	if err != nil {
		t.Fatal(err)
	}
	publish(t, env, raw)
	if r := byName(t, results, "raw"); r.Output != `"v2"` {
		t.Errorf("raw alias start: %s %s %s", r.Status, r.Output, r.Cause)
	}
}

// TestSIGTERMAnswersTheWaitingSyncCaller (issue 15.3, with a real process): an executor process
// draining on SIGTERM answers a sync caller whose execution it cannot finish with
// ServiceUnavailable at its drain deadline, instead of leaving it to wait out five minutes.
func TestSIGTERMAnswersTheWaitingSyncCaller(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("slow", blockingMachine, "")
	b := newBlocker(t, env, "block")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+env.Server.ClientURL())
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	errs := make(chan error, 1)
	go func() {
		// The child may still be subscribing: retry while nobody answers.
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			_, err := client.StartSync(ctx, env.NC, env.Layout, "slow", nil, client.StartOptions{})
			cancel()
			if err != nil && strings.Contains(err.Error(), "no stepjet executor") {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			errs <- err
			return
		}
	}()
	b.waitCalls(t, 1)
	if err := child.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		var se *wire.SyncError
		if !errors.As(err, &se) || se.Type != wire.SyncUnavailable {
			t.Fatalf("the sync caller got %v, want %s", err, wire.SyncUnavailable)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the sync caller is still waiting after SIGTERM")
	}
}

// syncBuffer is a log destination tests read while the executor writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDeletedTriggerIsNotReannounced (issue 15): replaying the triggers bucket at start must not
// log "trigger removed" for a deletion that happened before.
func TestDeletedTriggerIsNotReannounced(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("orders", passMachine, "")
	ctx := context.Background()
	if _, err := triggers.Put(ctx, env.Triggers, env.Layout, "orders.old", "orders"); err != nil {
		t.Fatal(err)
	}
	if _, err := triggers.Put(ctx, env.Triggers, env.Layout, "orders.live", "orders"); err != nil {
		t.Fatal(err)
	}
	if err := triggers.Delete(ctx, env.Triggers, "orders.old"); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ex, err := executor.New(executor.Config{NC: env.Connect(), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Start(ctx); err != nil { // returns once the bucket's bindings are applied
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = ex.Shutdown(sctx)
	})
	out := logs.String()
	if !strings.Contains(out, "trigger bound") || strings.Contains(out, "trigger removed") {
		t.Fatalf("start-up log:\n%s", out)
	}
	// A deletion while it runs is news, and is logged.
	if err := triggers.Delete(ctx, env.Triggers, "orders.live"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "trigger removed") {
		if time.Now().After(deadline) {
			t.Fatalf("no log of the removal:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestQueuedStartRunsTheRevisionCurrentWhenStored (issue 15.2): a start without a pin runs the
// revision that was current when the stream stored it, even when the executor has another old
// revision of the machine at hand (here one a pinned start loaded first).
func TestQueuedStartRunsTheRevisionCurrentWhenStored(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ctx := context.Background()
	env.PutMachine("rv", resultMachine("r1"), "")
	e1, err := env.Machines.Get(ctx, wire.MachineKey("rv"))
	if err != nil {
		t.Fatal(err)
	}
	env.PutMachine("rv", resultMachine("r2"), "")
	pinned, err := env.Layout.StartMsg(wire.Start{Machine: "rv", Name: "pinned", Revision: e1.Revision()})
	if err != nil {
		t.Fatal(err)
	}
	publish(t, env, pinned)
	s, err := client.StartAsync(ctx, env.JS, env.Layout, "rv", nil, client.StartOptions{Name: "queued"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // the update is stored after the start, on the server's clock
	env.PutMachine("rv", resultMachine("r3"), "")
	results := env.WatchResults()
	startExecutor(t, env, executor.Config{MaxInFlight: 1}) // the pinned start first
	if r := byName(t, results, "pinned"); r.Output != `"r1"` {
		t.Errorf("pinned: %s %s %s", r.Status, r.Output, r.Cause)
	}
	if r := byArn(t, results, s.ExecutionArn); r.Output != `"r2"` {
		t.Errorf("queued before the update to r3: %s %s %s", r.Status, r.Output, r.Cause)
	}
	s, err = client.StartAsync(ctx, env.JS, env.Layout, "rv", nil, client.StartOptions{Name: "later"})
	if err != nil {
		t.Fatal(err)
	}
	if r := byArn(t, results, s.ExecutionArn); r.Output != `"r3"` {
		t.Errorf("after the update: %s %s %s", r.Status, r.Output, r.Cause)
	}
}

// TestOversizedTriggerBindingIsIgnored (issue 14.1): a binding written straight into the
// triggers bucket with a 5,000-character subject must not reach a SUB (over the server's
// control-line limit, which closes the connection); the executor keeps serving other triggers.
func TestOversizedTriggerBindingIsIgnored(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("orders", passMachine, "")
	ctx := context.Background()
	huge := "orders." + strings.Repeat("x", 5000)
	v, _ := json.Marshal(triggers.Binding{Subject: huge, Machine: "orders", CreatedAt: time.Now()})
	if _, err := env.Triggers.Put(ctx, wire.EncodeKey("huge"), v); err != nil {
		t.Fatal(err)
	}
	if _, err := triggers.Put(ctx, env.Triggers, env.Layout, "orders.live", "orders"); err != nil {
		t.Fatal(err)
	}
	nc := env.Connect()
	startExecutor(t, env, executor.Config{NC: nc})
	// The binding's subscription reaches the server shortly after Start: retry while nobody
	// answers.
	deadline := time.Now().Add(30 * time.Second)
	for {
		reply, err := env.NC.Request("orders.live", []byte(`{}`), 20*time.Second)
		if errors.Is(err, nats.ErrNoResponders) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if err != nil || !strings.Contains(string(reply.Data), "executionArn") {
			t.Fatalf("trigger request: %v %v", err, reply)
		}
		break
	}
	if !nc.IsConnected() {
		t.Fatalf("the executor's connection is %v", nc.Status())
	}
}
