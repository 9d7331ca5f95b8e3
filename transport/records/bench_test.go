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

var benchRecords = flag.Int("records", 20000, "records BenchmarkList keeps of the listed machine")

// BenchmarkList measures ListExecutions' read (every record's headers of one machine, then a
// sort) over -records kept records, and reports the stored bytes per record. The records are
// the terminal records End writes for a 1 KiB input and output.
func BenchmarkList(b *testing.B) {
	env := testenv.New(b)
	cfg := Config{NC: env.NC}
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
	for i := range *benchRecords {
		arn := env.Layout.ExecutionArn("order", fmt.Sprintf("exec-%d", i), fmt.Sprintf("%08d-0000-4000-8000-000000000000", i))
		d := epoch(start.Add(time.Duration(i) * time.Millisecond))
		rec := Record{ExecutionArn: arn, StateMachineArn: env.Layout.StateMachineArn("order"), Name: fmt.Sprintf("exec-%d", i), Status: "SUCCEEDED",
			StartDate: d, StopDate: d + 0.05, Input: &payload, Output: &payload, InputDetails: &wire.PayloadDetails{Included: true}}
		m, n, id, _ := cfg.ExecutionArn(arn)
		if _, err := r.js.PublishMsgAsync(r.recordMsg(key(m, n, id), &rec)); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-r.js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		b.Fatal("publishing the records took over a minute")
	}
	st, _ := env.JS.Stream(ctx, cfg.RecordsStream())
	info, _ := st.Info(ctx)
	store := NewStore(env.JS, cfg)
	b.ResetTimer()
	for range b.N {
		l, err := store.List(ctx, "order", ListFilter{})
		if err != nil || len(l) != *benchRecords {
			b.Fatalf("%d listed, %v", len(l), err)
		}
	}
	b.ReportMetric(float64(info.State.Bytes)/float64(info.State.Msgs), "stored-B/record")
	var _ jetstream.Stream = st
}
