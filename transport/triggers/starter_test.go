package triggers_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/triggers"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/tidwall/gjson"
)

// A burst of events through a trigger, as the executor binds it (a subscription whose
// callback is Starter.Fire): re-sent events (the same Nats-Msg-Id twice), plain events and
// requests, all published at once. Every distinct event is stored exactly once in the
// executions stream, every request is answered with the ARN its stored start carries, and
// Started counts every event: with the executions stream taking fast-ingest batches, and with
// a stream (made by an older stepjet) that refuses them, where every start falls back to a
// publish of its own.
func TestStarterBurstStoresEveryStartOnce(t *testing.T) {
	for _, batched := range []bool{true, false} {
		t.Run(map[bool]string{true: "batched", false: "batches refused"}[batched], func(t *testing.T) {
			testStarterBurst(t, batched)
		})
	}
}

func testStarterBurst(t *testing.T, batched bool) {
	env := testenv.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	stream, err := env.JS.Stream(ctx, env.Layout.ExecutionsStream())
	if err != nil {
		t.Fatal(err)
	}
	sc := stream.CachedInfo().Config
	sc.AllowBatchPublish = batched
	if _, err := env.JS.UpdateStream(ctx, sc); err != nil {
		t.Fatal(err)
	}
	var started atomic.Int64
	st := startStarter(t, env, triggers.StarterOptions{Layout: env.Layout, Started: func() { started.Add(1) }})
	bind(t, env, st)

	const named, plain, requests = 500, 1000, 20
	pubNC := env.Connect()
	for i := range named {
		for range 2 { // the event and its re-send
			m := nats.NewMsg("orders.placed")
			m.Data = []byte(`{"id":` + strconv.Itoa(i) + `}`)
			m.Header.Set(wire.HeaderMsgID, "event-"+strconv.Itoa(i))
			if err := pubNC.PublishMsg(m); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range plain {
		if err := pubNC.Publish("orders.placed", []byte(`{"plain":`+strconv.Itoa(i)+`}`)); err != nil {
			t.Fatal(err)
		}
	}
	// Requests in the middle of the burst: answered once stored, each with its execution's ARN.
	var wg sync.WaitGroup
	answers := make([]string, requests)
	for i := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reply, err := pubNC.RequestWithContext(ctx, "orders.placed", []byte(`not json `+strconv.Itoa(i)))
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			answers[i] = gjson.GetBytes(reply.Data, "executionArn").String()
		}()
	}
	wg.Wait()

	want := int64(2*named + plain + requests)
	for started.Load() < want && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if got := started.Load(); got != want {
		t.Fatalf("Started called %d times, want %d (one per event)", got, want)
	}

	// The stream holds exactly one start per distinct event.
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	distinct := named + plain + requests
	if info.State.Msgs != uint64(distinct) {
		t.Fatalf("%d starts stored, want %d (one per distinct event)", info.State.Msgs, distinct)
	}
	ids := map[string]int{}
	arns := map[string]bool{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := stream.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("start %d: %v", seq, err)
		}
		ids[m.Header.Get(wire.HeaderMsgID)]++
		if a := m.Header.Get(wire.HeaderExecutionArn); a != "" {
			arns[a] = true
		}
	}
	if len(ids) != distinct {
		t.Fatalf("%d distinct Nats-Msg-Ids among %d starts, want %d", len(ids), info.State.Msgs, distinct)
	}
	for i := range named {
		if id := wire.DedupID("orders", "event-"+strconv.Itoa(i)); ids[id] != 1 {
			t.Fatalf("event-%d stored %d times", i, ids[id])
		}
	}
	for i, a := range answers {
		if !arns[a] {
			t.Fatalf("request %d answered %q, which no stored start carries", i, a)
		}
	}
}

// A request whose event is named is answered with the ARN of the execution that runs, for the
// event and its re-send alike (the second start is de-duplicated).
func TestStarterNamedRequestAnswersTheFirstArn(t *testing.T) {
	env := testenv.New(t)
	st := startStarter(t, env, triggers.StarterOptions{Layout: env.Layout})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bind(t, env, st)
	var got []string
	for range 2 {
		m := nats.NewMsg("orders.placed")
		m.Data = []byte(`{"id":1}`)
		m.Header.Set(wire.HeaderMsgID, "order-1")
		reply, err := env.NC.RequestMsgWithContext(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, gjson.GetBytes(reply.Data, "executionArn").String())
	}
	if got[0] == "" || got[0] != got[1] {
		t.Fatalf("answers %q: want the same execution's ARN twice", got)
	}
}

// After Shutdown an event is answered ServiceUnavailable, never silently dropped.
func TestStarterAfterShutdownAnswersUnavailable(t *testing.T) {
	env := testenv.New(t)
	st := startStarter(t, env, triggers.StarterOptions{Layout: env.Layout})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := st.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	bind(t, env, st)
	reply, err := env.NC.RequestWithContext(ctx, "orders.placed", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if typ := gjson.GetBytes(reply.Data, "__type").String(); typ != "ServiceUnavailable" {
		t.Fatalf("answer %s, want ServiceUnavailable", reply.Data)
	}
}

// bind subscribes st to orders.placed on a connection of its own with no pending limits, as the
// executor does, and returns once the server has the subscription.
func bind(t *testing.T, env *testenv.Env, st *triggers.Starter) {
	t.Helper()
	nc := env.Connect()
	sub, err := nc.Subscribe("orders.placed", func(m *nats.Msg) { st.Fire("orders", m) })
	if err != nil {
		t.Fatal(err)
	}
	_ = sub.SetPendingLimits(-1, -1)
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
}

// startStarter starts a Starter on env's connection; the test's cleanup shuts it down.
func startStarter(t *testing.T, env *testenv.Env, o triggers.StarterOptions) *triggers.Starter {
	t.Helper()
	st := triggers.NewStarter(env.JS, o)
	if err := st.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Shutdown(context.Background()) })
	return st
}
