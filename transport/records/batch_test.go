package records_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/records"
)

// TestBatchedWrites: the writer publishes records and history as fast-ingest batches. Streams
// made before batches were allowed get them allowed; every record of a burst is stored and
// none dropped; after the writer has been idle (its batch ended) the next writes start a new
// batch and are stored too; Close leaves nothing unstored.
func TestBatchedWrites(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	cfg := records.Config{NC: env.NC, Memory: true}
	// The streams as an older stepjet made them: without batch publishing.
	for _, sc := range cfg.Streams() {
		sc.AllowBatchPublish = false
		if _, err := env.JS.CreateStream(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	putMachine(t, env, "ok", passDef, nil)
	putMachine(t, env, "quiet", passDef, map[string]string{records.TagHistory: "OFF"})
	_, rec := startRecorded(t, env, env.Connect(), executor.Config{})
	for _, name := range []string{cfg.RecordsStream(), cfg.HistoryStream()} {
		s, err := env.JS.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if !s.CachedInfo().Config.AllowBatchPublish {
			t.Fatalf("stream %s does not allow batch publishing", name)
		}
	}
	rs, err := env.JS.Stream(ctx, cfg.RecordsStream())
	if err != nil {
		t.Fatal(err)
	}
	stored := func(want uint64) func() bool {
		return func() bool {
			info, err := rs.Info(ctx)
			return err == nil && info.State.Msgs == want
		}
	}
	burst := func(n int) {
		t.Helper()
		for i := range n {
			machine := "ok"
			if i%2 == 1 {
				machine = "quiet"
			}
			if _, err := client.StartAsync(ctx, env.JS, env.Layout, machine, []byte(fmt.Sprintf(`{"i":%d}`, i)), client.StartOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	burst(600)
	until(t, "600 records stored", stored(600))
	// Idle past the writer's batch lifetime: the next writes go in a new batch.
	time.Sleep(1500 * time.Millisecond)
	burst(100)
	until(t, "700 records stored", stored(700))
	st := records.NewStore(env.JS, cfg)
	list, err := st.List(ctx, "ok", records.ListFilter{Status: "SUCCEEDED"})
	if err != nil || len(list) != 350 {
		t.Fatalf("%d SUCCEEDED records of ok (want 350): %v", len(list), err)
	}
	if evs, err := st.History(ctx, list[0].ExecutionArn); err != nil || len(evs) != 4 {
		t.Fatalf("history of %s: %d events, %v", list[0].ExecutionArn, len(evs), err)
	}
	closeCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := rec.Close(closeCtx); err != nil {
		t.Fatal(err)
	}
	if s := rec.Stats(); s.Dropped != 0 || s.Written != 700 {
		t.Fatalf("stats %+v, want 700 written, none dropped", s)
	}
}

// TestBatchRefusedIsCounted: records the store refuses (larger than the stream's MaxMsgSize)
// are counted as dropped; the executions end as ever and every other record is stored. A
// refusal ends its fast batch (the client gives it up), so of the refusals in flight behind
// it only the first is reported: the count is at least one per batch, at most the refusals.
func TestBatchRefusedIsCounted(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	cfg := records.Config{NC: env.NC, Memory: true}
	for _, sc := range cfg.Streams() {
		if sc.Name == cfg.RecordsStream() {
			sc.MaxMsgSize = 2048
		}
		if _, err := env.JS.CreateStream(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	putMachine(t, env, "quiet", passDef, map[string]string{records.TagHistory: "OFF"})
	_, rec := startRecorded(t, env, env.Connect(), executor.Config{})
	results := env.WatchResults()
	big := `{"pad":"` + strings.Repeat("x", 4096) + `"}`
	for i := range 30 {
		in := fmt.Sprintf(`{"i":%d}`, i)
		if i%3 == 1 {
			in = big
		}
		if _, err := client.StartAsync(ctx, env.JS, env.Layout, "quiet", []byte(in), client.StartOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	results.Wait(t, 30, 20*time.Second)
	rs, err := env.JS.Stream(ctx, cfg.RecordsStream())
	if err != nil {
		t.Fatal(err)
	}
	var msgs uint64
	deadline := time.Now().Add(20 * time.Second)
	for {
		if info, err := rs.Info(ctx); err == nil {
			msgs = info.State.Msgs
		}
		if s := rec.Stats(); s.Dropped >= 1 && s.Dropped <= 10 && msgs == 20 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("stats %+v, %d records stored: want 1 to 10 dropped (refused), 20 stored", s, msgs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
