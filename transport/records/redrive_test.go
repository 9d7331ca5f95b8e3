package records_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/records"
	"github.com/stepjet/stepjet/transport/worker"
)

const gateDef = `{"StartAt":"Mark","States":{
  "Mark":{"Type":"Pass","Assign":{"m":1},"Next":"Call"},
  "Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"gate","Payload":{"m.$":"$m"}},"OutputPath":"$.Payload","End":true}}}`

// TestRedriveRerunAfterExecutorLoss: the executor running a redrive is cut off mid-run (its
// history events up to the Task are stored); JetStream redelivers the redrive start to another
// executor, which runs it again from the same point: the history goes on from the first run's
// end without the lost delivery's events, ids in order, one ExecutionRedriven and one terminal
// event per run; the redrive's result is stored once, beside the first run's.
func TestRedriveRerunAfterExecutorLoss(t *testing.T) {
	env := testenv.New(t)
	putMachine(t, env, "gated", gateDef, nil)
	var calls atomic.Int32
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	svc, err := worker.New(env.Connect(), "gate", worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Handle("gate", func(ctx context.Context, payload []byte) ([]byte, error) {
		switch calls.Add(1) {
		case 1:
			return nil, worker.Fail("Gate.Closed", "not yet")
		case 2: // the redrive's first delivery: its executor is lost while it waits
			select {
			case <-release:
			case <-time.After(20 * time.Second):
			}
			return nil, worker.Fail("Gate.Lost", "the caller is gone")
		}
		return payload, nil
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Stop() })

	lost := env.Connect()
	startRecorded(t, env, lost, executor.Config{AckWait: time.Second})
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	results := env.WatchResults()
	ctx := context.Background()
	s, err := client.StartAsync(ctx, env.JS, env.Layout, "gated", nil, client.StartOptions{Name: "g1"})
	if err != nil {
		t.Fatal(err)
	}
	rec := waitStatus(t, st, s.ExecutionArn, "FAILED")
	until(t, "the first run's history", func() bool {
		ty := types(t, st, s.ExecutionArn)
		return len(ty) > 0 && ty[len(ty)-1] == "ExecutionFailed"
	})
	_, seq, err := st.Get(ctx, s.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	next, err := st.Redrive(ctx, rec, seq, "", time.Now())
	if err != nil || next.RedriveCount != 1 || next.Status != "RUNNING" {
		t.Fatalf("redrive: %+v %v", next, err)
	}
	if _, err := st.Redrive(ctx, rec, seq, "", time.Now()); err != records.ErrRecordChanged {
		t.Fatalf("a second redrive of the same record: %v", err)
	}
	redrive := env.Layout.NewStart("gated", "g1", nil)
	redrive.Arn, redrive.Revision, redrive.Input, redrive.RedriveCount = s.ExecutionArn, next.Revision, []byte(*next.Input), 1
	msg, err := env.Layout.StartMsg(redrive)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.JS.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	until(t, "the lost delivery's events to be stored", func() bool {
		ty := types(t, st, s.ExecutionArn)
		return calls.Load() == 2 && ty[len(ty)-1] == "TaskStarted"
	})
	lost.Close() // the executor is cut off mid-redrive
	startRecorded(t, env, env.Connect(), executor.Config{AckWait: time.Second})
	rec = waitStatus(t, st, s.ExecutionArn, "SUCCEEDED")
	if rec.RedriveCount != 1 || rec.Output == nil || *rec.Output != `{"m":1}` {
		t.Fatalf("record %+v", rec)
	}
	want := "ExecutionStarted,PassStateEntered,PassStateExited,TaskStateEntered,TaskScheduled,TaskStarted,TaskFailed,ExecutionFailed," +
		"ExecutionRedriven,TaskStateEntered,TaskScheduled,TaskStarted,TaskSucceeded,TaskStateExited,ExecutionSucceeded"
	until(t, "the redriven history", func() bool { return strings.Join(types(t, st, s.ExecutionArn), ",") == want })
	rs := results.Wait(t, 2, 20*time.Second)
	if rs[0].Status != "FAILED" || rs[1].Status != "SUCCEEDED" || rs[1].ExecutionArn != s.ExecutionArn {
		t.Fatalf("results %+v", rs)
	}
	time.Sleep(time.Second)
	if n := calls.Load(); n != 3 {
		t.Fatalf("the worker was called %d times, want 3", n)
	}
}

// TestStoppedRedriveIsNotRun: a redrive stopped before any executor runs it ends ABORTED without
// running, and its record keeps its redrive count and revision (it can be redriven again).
func TestStoppedRedriveIsNotRun(t *testing.T) {
	env := testenv.New(t)
	putMachine(t, env, "bad", failDef, nil)
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	results := env.WatchResults()
	ctx := context.Background()
	startRecorded(t, env, env.Connect(), executor.Config{})
	s, err := client.StartAsync(ctx, env.JS, env.Layout, "bad", nil, client.StartOptions{Name: "b1"})
	if err != nil {
		t.Fatal(err)
	}
	rec := waitStatus(t, st, s.ExecutionArn, "FAILED")
	until(t, "the history", func() bool { return len(types(t, st, s.ExecutionArn)) == 3 })
	_, seq, _ := st.Get(ctx, s.ExecutionArn)
	next, err := st.Redrive(ctx, rec, seq, "t1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stop(ctx, s.ExecutionArn, "Ops.Stop", "before it ran", time.Now()); err != nil {
		t.Fatal(err)
	}
	redrive := env.Layout.NewStart("bad", "b1", nil)
	redrive.Arn, redrive.Revision, redrive.Input, redrive.RedriveCount = s.ExecutionArn, next.Revision, []byte(*next.Input), 1
	msg, _ := env.Layout.StartMsg(redrive)
	if _, err := env.JS.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	rs := results.Wait(t, 2, 20*time.Second)
	if rs[1].Status != "ABORTED" || rs[1].Cause != "before it ran" {
		t.Fatalf("result %+v", rs[1])
	}
	time.Sleep(300 * time.Millisecond) // the record End writes
	rec = waitStatus(t, st, s.ExecutionArn, "ABORTED")
	if rec.RedriveCount != 1 || rec.Revision == 0 || rec.Error != "Ops.Stop" || len(rec.RedriveTokens) != 1 {
		t.Fatalf("record %+v", rec)
	}
	if got := strings.Join(types(t, st, s.ExecutionArn), ","); got != "ExecutionStarted,FailStateEntered,ExecutionFailed" {
		t.Fatalf("the stopped redrive ran: %s", got)
	}
}
