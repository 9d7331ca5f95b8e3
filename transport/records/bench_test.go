package records

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/wire"
)

var benchRecords = flag.Int("records", 20000, "records BenchmarkListPage keeps of the listed machine")

// BenchmarkListPage measures a ListExecutions page (100 items, newest first, the first page and
// one deep in the listing) over -records kept records of the machine (and as many of another,
// interleaved), and reports the stored bytes per record: terminal records of a 1 KiB input and
// output, as End writes them.
func BenchmarkListPage(b *testing.B) {
	env := testenv.New(b)
	cfg := Config{NC: env.NC, MaxBytes: -1} // every record stays
	ctx := context.Background()
	if err := Ensure(ctx, env.JS, cfg); err != nil {
		b.Fatal(err)
	}
	r, err := NewRecorder(cfg)
	if err != nil {
		b.Fatal(err)
	}
	payload := `{"data":"` + string(make([]byte, 0)) + fmt.Sprintf("%01000d", 0) + `"}`
	start := time.Now().Add(-time.Hour)
	for i := range 2 * *benchRecords {
		machine := []string{"order", "other"}[i%2]
		arn := env.Layout.ExecutionArn(machine, fmt.Sprintf("exec-%d", i), fmt.Sprintf("%08d-0000-4000-8000-000000000000", i))
		d := epoch(start.Add(time.Duration(i) * time.Millisecond))
		rec := Record{ExecutionArn: arn, StateMachineArn: env.Layout.StateMachineArn(machine), Name: fmt.Sprintf("exec-%d", i), Status: "SUCCEEDED",
			StartDate: d, StopDate: d + 0.05, Input: &payload, Output: &payload, InputDetails: &wire.PayloadDetails{Included: true}}
		m, n, id, _ := cfg.ExecutionArn(arn)
		if i%4096 == 0 { // keep the publish window open
			<-r.js.PublishAsyncComplete()
		}
		if _, err := r.js.PublishMsgAsync(r.recordMsg(key(m, n, id), &rec, "")); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-r.js.PublishAsyncComplete():
	case <-time.After(5 * time.Minute):
		b.Fatal("publishing the records took over five minutes")
	}
	st, _ := env.JS.Stream(ctx, cfg.RecordsStream())
	info, _ := st.Info(ctx)
	store := NewStore(env.JS, cfg)
	_, deep, err := store.Page(ctx, "order", ListFilter{}, *benchRecords/2, 0)
	if err != nil || deep == 0 {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		before := uint64(0)
		if i%2 == 1 {
			before = deep
		}
		l, _, err := store.Page(ctx, "order", ListFilter{}, 100, before)
		if err != nil || len(l) != 100 {
			b.Fatalf("%d listed, %v", len(l), err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(info.State.Bytes)/float64(info.State.Msgs), "stored-B/record")
	var _ jetstream.Stream = st
}
