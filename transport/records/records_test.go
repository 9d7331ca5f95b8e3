package records_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/records"
	"github.com/stepjet/stepjet/transport/wire"
)

const (
	passDef = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"End":true}}}`
	failDef = `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Oops","Cause":"on purpose"}}}`
	waitDef = `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":120,"End":true}}}`
)

// startRecorded starts an executor with a recorder on its own connection nc.
func startRecorded(t *testing.T, env *testenv.Env, nc *nats.Conn, cfg executor.Config) (*executor.Executor, *records.Recorder) {
	t.Helper()
	rec, err := records.NewRecorder(records.Config{NC: nc, Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rec.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cfg.NC, cfg.Recorder = nc, rec
	ex, err := executor.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = ex.Shutdown(ctx)
		_ = rec.Close(ctx)
	})
	return ex, rec
}

// until polls cond every 20 ms for up to 20 s.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func putMachine(t *testing.T, env *testenv.Env, name, def string, tags map[string]string) {
	t.Helper()
	m := wire.Machine{Name: name, Arn: env.Layout.StateMachineArn(name), Definition: def, Type: "EXPRESS", CreationDate: time.Now().UTC(), Tags: tags}
	b, _ := json.Marshal(m)
	if _, err := env.Machines.Put(context.Background(), wire.MachineKey(name), b); err != nil {
		t.Fatal(err)
	}
}

func waitStatus(t *testing.T, st *records.Store, arn, status string) records.Record {
	t.Helper()
	var rec records.Record
	until(t, arn+" to be "+status, func() bool {
		var err error
		rec, _, err = st.Get(context.Background(), arn)
		return err == nil && rec.Status == status
	})
	return rec
}

func types(t *testing.T, st *records.Store, arn string) []string {
	t.Helper()
	evs, err := st.History(context.Background(), arn)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, ev := range evs {
		var e struct {
			Type string `json:"type"`
			ID   int    `json:"id"`
		}
		if err := json.Unmarshal(ev, &e); err != nil {
			t.Fatalf("event %s: %v", ev, err)
		}
		if e.ID != i+1 {
			t.Fatalf("event %d has id %d: %s", i+1, e.ID, ev)
		}
		out = append(out, e.Type)
	}
	return out
}

// TestRecordsAndHistory: async and sync executions get a record (RUNNING, then terminal) and
// their history; a listing is newest first and filters by status; the machine's tags choose
// the history level and whether data is kept.
func TestRecordsAndHistory(t *testing.T) {
	env := testenv.New(t)
	putMachine(t, env, "ok", passDef, nil)
	putMachine(t, env, "bad", failDef, map[string]string{records.TagHistory: "ERROR"})
	putMachine(t, env, "quiet", passDef, map[string]string{records.TagHistory: "OFF"})
	putMachine(t, env, "nodata", passDef, map[string]string{records.TagData: "false"})
	startRecorded(t, env, env.Connect(), executor.Config{})
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	ctx := context.Background()

	a1, err := client.StartAsync(ctx, env.JS, env.Layout, "ok", []byte(`{"n":1}`), client.StartOptions{Name: "first"})
	if err != nil {
		t.Fatal(err)
	}
	rec := waitStatus(t, st, a1.ExecutionArn, "SUCCEEDED")
	if rec.Name != "first" || rec.StateMachineArn != env.Layout.StateMachineArn("ok") || rec.Input == nil || *rec.Input != `{"n":1}` ||
		rec.Output == nil || *rec.Output != `{"ok":true}` || rec.StopDate < rec.StartDate || rec.StartDate == 0 {
		t.Fatalf("record %+v", rec)
	}
	if got := strings.Join(types(t, st, a1.ExecutionArn), ","); got != "ExecutionStarted,PassStateEntered,PassStateExited,ExecutionSucceeded" {
		t.Fatalf("history %s", got)
	}
	time.Sleep(5 * time.Millisecond) // distinct start dates at millisecond precision
	s1, err := client.StartSync(ctx, env.NC, env.Layout, "ok", []byte(`{"n":2}`), client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, st, s1.ExecutionArn, "SUCCEEDED")
	list, err := st.List(ctx, "ok", records.ListFilter{})
	if err != nil || len(list) != 2 || list[0].ExecutionArn != s1.ExecutionArn || list[1].ExecutionArn != a1.ExecutionArn {
		t.Fatalf("list %+v %v", list, err)
	}
	if l, _ := st.List(ctx, "ok", records.ListFilter{Status: "FAILED"}); len(l) != 0 {
		t.Fatalf("FAILED filter: %+v", l)
	}

	// ERROR: a failed execution keeps its whole history.
	b1, _ := client.StartSync(ctx, env.NC, env.Layout, "bad", nil, client.StartOptions{})
	rec = waitStatus(t, st, b1.ExecutionArn, "FAILED")
	if rec.Error != "Oops" || rec.Cause != "on purpose" {
		t.Fatalf("failed record %+v", rec)
	}
	until(t, "the failed execution's history", func() bool {
		evs, _ := st.History(ctx, b1.ExecutionArn)
		return len(evs) == 3
	})
	if got := strings.Join(types(t, st, b1.ExecutionArn), ","); got != "ExecutionStarted,FailStateEntered,ExecutionFailed" {
		t.Fatalf("history %s", got)
	}
	// (Built only at the end, when it failed: with their details and data.)
	if evs, _ := st.History(ctx, b1.ExecutionArn); !strings.Contains(string(evs[0]), `"executionStartedEventDetails":{"input":"{}"`) ||
		!strings.Contains(string(evs[2]), `"executionFailedEventDetails":{"error":"Oops","cause":"on purpose"}`) {
		t.Fatalf("the failed execution's events: %s", evs)
	}
	// OFF: the record, no history. Data false: neither input nor output.
	q1, _ := client.StartSync(ctx, env.NC, env.Layout, "quiet", nil, client.StartOptions{})
	n1, _ := client.StartSync(ctx, env.NC, env.Layout, "nodata", []byte(`{"secret":1}`), client.StartOptions{})
	waitStatus(t, st, q1.ExecutionArn, "SUCCEEDED")
	rec = waitStatus(t, st, n1.ExecutionArn, "SUCCEEDED")
	if rec.Input != nil || rec.Output != nil || rec.InputDetails == nil || rec.InputDetails.Included {
		t.Fatalf("data kept: %+v", rec)
	}
	until(t, "nodata's history", func() bool { evs, _ := st.History(ctx, n1.ExecutionArn); return len(evs) == 4 })
	evs, _ := st.History(ctx, n1.ExecutionArn)
	for _, ev := range evs {
		if strings.Contains(string(ev), "secret") {
			t.Fatalf("data in history: %s", ev)
		}
	}
	if evs, _ := st.History(ctx, q1.ExecutionArn); len(evs) != 0 {
		t.Fatalf("OFF kept history: %s", evs)
	}
	if _, _, err := st.Get(ctx, env.Layout.ExecutionArn("ok", "never", "x")); err != records.ErrNotFound {
		t.Fatalf("missing execution: %v", err)
	}
}

// TestStopAcrossExecutors: two executors on one server; StopExecution through the store stops
// the execution wherever it runs, at once: ABORTED with the given error and cause, in the
// record, the result and the history's last event.
func TestStopAcrossExecutors(t *testing.T) {
	env := testenv.New(t)
	putMachine(t, env, "slow", waitDef, nil)
	startRecorded(t, env, env.Connect(), executor.Config{})
	startRecorded(t, env, env.Connect(), executor.Config{})
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	results := env.WatchResults()
	ctx := context.Background()
	var arns []string
	for range 4 { // spread over both executors
		s, err := client.StartAsync(ctx, env.JS, env.Layout, "slow", nil, client.StartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, s.ExecutionArn)
	}
	for _, arn := range arns {
		waitStatus(t, st, arn, "RUNNING")
	}
	for _, arn := range arns {
		if _, err := st.Stop(ctx, arn, "Ops.Cancelled", "stopped by the test", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	rs := results.Wait(t, len(arns), 20*time.Second)
	for _, r := range rs {
		if r.Status != "ABORTED" || r.Error != "Ops.Cancelled" || r.Cause != "stopped by the test" {
			t.Errorf("result %+v", r)
		}
	}
	for _, arn := range arns {
		rec := waitStatus(t, st, arn, "ABORTED")
		if rec.Error != "Ops.Cancelled" || rec.StopDate == 0 {
			t.Errorf("record %+v", rec)
		}
		until(t, "ExecutionAborted", func() bool {
			ty := types(t, st, arn)
			return len(ty) > 0 && ty[len(ty)-1] == "ExecutionAborted"
		})
	}
	if _, err := st.Stop(ctx, arns[0], "", "", time.Now()); err != records.ErrNotRunning {
		t.Fatalf("stopping a stopped execution: %v", err)
	}
}

// TestStoppedStartIsNotRerun: an execution whose executor vanished is stopped; when JetStream
// redelivers its start, the next executor acks it with an ABORTED result instead of running it.
func TestStoppedStartIsNotRerun(t *testing.T) {
	env := testenv.New(t)
	putMachine(t, env, "slow", waitDef, nil)
	lost := env.Connect()
	startRecorded(t, env, lost, executor.Config{AckWait: time.Second})
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	results := env.WatchResults()
	ctx := context.Background()
	s, err := client.StartAsync(ctx, env.JS, env.Layout, "slow", nil, client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, st, s.ExecutionArn, "RUNNING")
	lost.Close() // the executor is cut off: no heartbeats, no stop reaches it
	if _, err := st.Stop(ctx, s.ExecutionArn, "", "operator", time.Now()); err != nil {
		t.Fatal(err)
	}
	startRecorded(t, env, env.Connect(), executor.Config{AckWait: time.Second})
	rs := results.Wait(t, 1, 20*time.Second)
	if rs[0].Status != "ABORTED" || rs[0].Cause != "operator" || rs[0].ExecutionArn != s.ExecutionArn {
		t.Fatalf("result %+v", rs[0])
	}
	// Acked: nothing is left for another delivery.
	until(t, "the start to be acked", func() bool {
		cons, err := env.JS.Consumer(ctx, env.Layout.ExecutionsStream(), env.Layout.SyncQueue())
		if err != nil {
			return false
		}
		info, err := cons.Info(ctx)
		return err == nil && info.NumAckPending == 0 && info.NumPending == 0
	})
}

// A server that has kept no execution yet lists none for a machine, rather than failing to make
// a consumer at sequence 0 (the console lists a new machine's executions before its first run).
func TestListBeforeAnyExecution(t *testing.T) {
	env := testenv.New(t)
	putMachine(t, env, "ok", passDef, nil)
	startRecorded(t, env, env.Connect(), executor.Config{})
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	list, err := st.List(context.Background(), "ok", records.ListFilter{})
	if err != nil || len(list) != 0 {
		t.Fatalf("List on an empty records stream: %v, %v", list, err)
	}
}

// TestStopQueuedStart: StopExecution of an execution whose start is still queued in
// STEPJET_EXECUTIONS, with no executor running, then with one busy: it ends ABORTED (result,
// record with the stop's date, history ExecutionStarted then ExecutionAborted) and never runs,
// when an executor started later, or one already running, picks the start up. An ARN with no
// start queued is still ErrNotFound.
func TestStopQueuedStart(t *testing.T) {
	env := testenv.New(t)
	putMachine(t, env, "quick", passDef, nil)
	putMachine(t, env, "slow", waitDef, nil)
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	if err := records.Ensure(context.Background(), env.JS, st.Config()); err != nil {
		t.Fatal(err)
	}
	results := env.WatchResults()
	ctx := context.Background()
	check := func(arn string, stopDate float64) {
		t.Helper()
		// Stop's own record first (no input), then the executor's.
		var rec records.Record
		until(t, "the executor's record of the stopped start", func() bool {
			rec, _, _ = st.Get(context.Background(), arn)
			return rec.Input != nil
		})
		if rec.Status != "ABORTED" || rec.Error != "Ops.Cancelled" || rec.Cause != "while queued" || rec.StopDate != stopDate {
			t.Errorf("record %+v", rec)
		}
		until(t, "the history of the stopped start", func() bool {
			return strings.Join(types(t, st, arn), ",") == "ExecutionStarted,ExecutionAborted"
		})
	}

	// No executor runs: the start waits in the stream.
	queued, err := client.StartAsync(ctx, env.JS, env.Layout, "quick", []byte(`{"n":1}`), client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	unknown := strings.Replace(queued.ExecutionArn, queued.ExecutionArn[len(queued.ExecutionArn)-4:], "beef", 1)
	if _, err := st.Stop(ctx, unknown, "", "", time.Now()); err != records.ErrNotFound {
		t.Fatalf("stopping an execution never started: %v", err)
	}
	rec, err := st.Stop(ctx, queued.ExecutionArn, "Ops.Cancelled", "while queued", time.Now())
	if err != nil || rec.Status != "ABORTED" {
		t.Fatalf("stopping a queued start: %+v, %v", rec, err)
	}
	if got, _, err := st.Get(ctx, queued.ExecutionArn); err != nil || got.Status != "ABORTED" {
		t.Fatalf("the stopped start's record: %+v, %v", got, err)
	}
	// An executor that starts afterwards (its own connection: another process) learns of the
	// stop from STEPJET_STOPS before it runs anything.
	startRecorded(t, env, env.Connect(), executor.Config{MaxInFlight: 1})
	r := results.Wait(t, 1, 20*time.Second)[0]
	if r.ExecutionArn != queued.ExecutionArn || r.Status != "ABORTED" || r.Error != "Ops.Cancelled" || r.Cause != "while queued" {
		t.Fatalf("result %+v", r)
	}
	check(queued.ExecutionArn, rec.StopDate)

	// The executor runs one execution at a time and is busy: the next start waits.
	busy, err := client.StartAsync(ctx, env.JS, env.Layout, "slow", nil, client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, st, busy.ExecutionArn, "RUNNING")
	behind, err := client.StartAsync(ctx, env.JS, env.Layout, "quick", nil, client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err = st.Stop(ctx, behind.ExecutionArn, "Ops.Cancelled", "while queued", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stop(ctx, busy.ExecutionArn, "", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	rs := results.Wait(t, 2, 20*time.Second)
	for _, r := range rs {
		if r.Status != "ABORTED" {
			t.Errorf("result %+v", r)
		}
	}
	check(behind.ExecutionArn, rec.StopDate)
}

// TestRetentionPerMachine: a machine tagged stepjet:records-max-age and stepjet:history-max-age
// keeps its records and history that long (each message's JetStream TTL), shorter than the
// streams' MaxAge; another machine's stay. Streams made before TTLs were allowed are updated in
// place to allow them.
func TestRetentionPerMachine(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	cfg := records.Config{NC: env.NC, Memory: true}
	for _, sc := range cfg.Streams() { // as an earlier stepjet made them
		sc.AllowMsgTTL = false
		if _, err := env.JS.CreateStream(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	putMachine(t, env, "brief", passDef, map[string]string{records.TagRecordsMaxAge: "1s", records.TagHistoryMaxAge: "1s"})
	putMachine(t, env, "kept", passDef, map[string]string{records.TagRecordsMaxAge: "soon"}) // not a duration: ignored
	startRecorded(t, env, env.Connect(), executor.Config{})
	for _, name := range []string{cfg.RecordsStream(), cfg.HistoryStream()} {
		s, err := env.JS.Stream(ctx, name)
		if err != nil || !s.CachedInfo().Config.AllowMsgTTL {
			t.Fatalf("%s does not allow message TTLs after Start: %v", name, err)
		}
	}
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	results := env.WatchResults()
	brief, err := client.StartAsync(ctx, env.JS, env.Layout, "brief", nil, client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := client.StartAsync(ctx, env.JS, env.Layout, "kept", nil, client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	results.Wait(t, 2, 20*time.Second)
	until(t, "the brief machine's record and history to be stored", func() bool {
		rec, _, err := st.Get(ctx, brief.ExecutionArn)
		evs, _ := st.History(ctx, brief.ExecutionArn)
		return err == nil && rec.Status == "SUCCEEDED" && len(evs) > 0
	})
	until(t, "the brief machine's record and history to expire", func() bool {
		_, _, err := st.Get(ctx, brief.ExecutionArn)
		evs, herr := st.History(ctx, brief.ExecutionArn)
		return err == records.ErrNotFound && herr == nil && len(evs) == 0
	})
	if rec := waitStatus(t, st, kept.ExecutionArn, "SUCCEEDED"); rec.Name == "" {
		t.Fatalf("record %+v", rec)
	}
	if ty := types(t, st, kept.ExecutionArn); len(ty) == 0 {
		t.Fatal("the kept machine's history expired")
	}
}

// TestShortExecutionIsOneWrite: an execution that ends before its first flush is stored as one
// message, its terminal record carrying its whole history: no RUNNING record, no message in
// STEPJET_HISTORY, and GetExecutionHistory's events all there, in order.
func TestShortExecutionIsOneWrite(t *testing.T) {
	env := testenv.New(t)
	putMachine(t, env, "quick", passDef, nil)
	_, rec := startRecorded(t, env, env.Connect(), executor.Config{})
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	results := env.WatchResults()
	ctx := context.Background()
	s, err := client.StartAsync(ctx, env.JS, env.Layout, "quick", []byte(`{"n":1}`), client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	results.Wait(t, 1, 20*time.Second)
	waitStatus(t, st, s.ExecutionArn, "SUCCEEDED")
	if got := strings.Join(types(t, st, s.ExecutionArn), ","); got != "ExecutionStarted,PassStateEntered,PassStateExited,ExecutionSucceeded" {
		t.Fatalf("history %s", got)
	}
	if w := rec.Stats().Written; w != 1 {
		t.Errorf("%d messages written for one short execution, want 1", w)
	}
	hs, err := env.JS.Stream(ctx, st.Config().HistoryStream())
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := hs.Info(ctx); info.State.Msgs != 0 {
		t.Errorf("%d history messages stored besides the record", info.State.Msgs)
	}
}

// TestErrorLevelLongHistory: at level ERROR an execution of more events than are kept unbuilt
// (a Map of 100 iterations, then a failure) keeps every event, in order, with its details.
func TestErrorLevelLongHistory(t *testing.T) {
	env := testenv.New(t)
	putMachine(t, env, "many", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"Next":"F"},
		"F":{"Type":"Fail","Error":"Late","Cause":"after the map"}}}`, map[string]string{records.TagHistory: "ERROR"})
	startRecorded(t, env, env.Connect(), executor.Config{})
	st := records.NewStore(env.JS, records.Config{NC: env.NC})
	items := make([]string, 100)
	for i := range items {
		items[i] = `{"i":` + strings.Repeat("1", 1+i%3) + `}`
	}
	s, err := client.StartSync(context.Background(), env.NC, env.Layout, "many", []byte(`{"items":[`+strings.Join(items, ",")+`]}`), client.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, st, s.ExecutionArn, "FAILED")
	var ty []string
	until(t, "the whole history", func() bool { ty = types(t, st, s.ExecutionArn); return len(ty) > 400 }) // (types checks the ids: 1, 2, 3, …)
	if ty[0] != "ExecutionStarted" || ty[len(ty)-1] != "ExecutionFailed" {
		t.Fatalf("history from %s to %s", ty[0], ty[len(ty)-1])
	}
	evs, _ := st.History(context.Background(), s.ExecutionArn)
	for _, ev := range evs {
		if strings.Contains(string(ev), `"PassStateEntered"`) && !strings.Contains(string(ev), `"input":"{\"i\":`) {
			t.Fatalf("an event without its details: %s", ev)
		}
	}
}
