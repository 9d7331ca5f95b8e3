package executor

import (
	"context"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/tidwall/gjson"
)

// TestLogLinesSayTheRedriveCount: every log line of a redriven run says which redrive it is
// (redrive_count), as AWS logs it; a first run's say 0. Every line said 0.
func TestLogLinesSayTheRedriveCount(t *testing.T) {
	env := testenv.New(t)
	m, err := engine.Compile([]byte(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"End":true}}}`),
		engine.CompileOptions{Type: "EXPRESS"})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := env.NC.SubscribeSync("logs.test")
	if err != nil {
		t.Fatal(err)
	}
	// lines runs the machine with a log sink (and a recorder, as the executor tees them) and
	// returns the redrive_count of each line it published.
	lines := func(opts engine.RunOptions, rec *recording) []string {
		ls := &logSink{nc: env.NC, subject: "logs.test", executionArn: "arn:aws:states:us-east-1:123456789012:express:m:e:1", cfg: logConfig{level: levelAll, includeData: true}}
		opts.Events = teeSink{ls, rec}
		before := len(rec.events)
		m.Run(context.Background(), []byte(`{}`), opts)
		var counts []string
		for range len(rec.events) - before {
			msg, err := sub.NextMsg(10 * time.Second)
			if err != nil {
				t.Fatalf("a log line did not arrive: %v", err)
			}
			counts = append(counts, gjson.GetBytes(msg.Data, "redrive_count").String())
		}
		return counts
	}
	fail := engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) {
		return nil, &engine.Error{Name: "Boom", Cause: "first run"}
	})
	succeed := engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) { return []byte(`{}`), nil })
	rec := &recording{}
	for i, c := range lines(engine.RunOptions{Tasks: fail}, rec) {
		if c != "0" {
			t.Errorf("first run, line %d: redrive_count %q", i+1, c)
		}
	}
	plan, err := m.PlanRedrive(rec.events, 2, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	counts := lines(engine.RunOptions{Tasks: succeed, Redrive: plan}, rec)
	if len(counts) < 2 {
		t.Fatalf("the redrive logged %d lines", len(counts))
	}
	for i, c := range counts {
		if c != "2" {
			t.Errorf("second redrive, line %d: redrive_count %q, want 2", i+1, c)
		}
	}
}

// recording keeps an execution's events.
type recording struct{ events []engine.HistoryEvent }

func (r *recording) Event(ev engine.HistoryEvent) { r.events = append(r.events, ev) }
