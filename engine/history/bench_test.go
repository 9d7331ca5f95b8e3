package history_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/history"
)

// benchEvent is a state's entry quoting a 1 KiB input, as the records sink appends thousands
// of a second (withData false: the same event as the engine builds it for a sink keeping no
// data).
func benchEvent(withData bool) engine.HistoryEvent {
	d := []byte(`{"name":"Charge"}`)
	if withData {
		doc := `{"data":"` + fmt.Sprintf("%01000d", 0) + `"}`
		d = []byte(`{"name":"Charge","input":` + strconv.Quote(doc) + `,"inputDetails":{"truncated":false}}`)
	}
	return engine.HistoryEvent{Timestamp: time.UnixMilli(1796627893845), Type: "TaskStateEntered", ID: 12, PreviousEventID: 11,
		DetailsKey: "stateEnteredEventDetails", Details: d}
}

// BenchmarkAppendJSON: the records sink's hot path. "strip" is an event built with data for
// a sink that keeps none (a history without data teed with a log that has it).
func BenchmarkAppendJSON(b *testing.B) {
	built := benchEvent(true)
	deferred := built
	deferred.Details, deferred.Build = nil, func(b []byte) []byte { return append(b, built.Details...) }
	for _, c := range []struct {
		name string
		ev   engine.HistoryEvent
		opts history.Options
	}{
		{"data", built, history.Options{}},
		{"dataless", benchEvent(false), history.Options{WithoutData: true}},
		{"strip", built, history.Options{WithoutData: true}},
		{"build", deferred, history.Options{}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 8<<10)
			for b.Loop() {
				buf = history.AppendJSON(buf[:0], c.ev, c.opts)
			}
		})
	}
}

func BenchmarkAppendLogJSON(b *testing.B) {
	ev := benchEvent(true)
	b.ReportAllocs()
	buf := make([]byte, 0, 8<<10)
	for b.Loop() {
		buf, _ = history.AppendLogJSON(buf[:0], ev, history.LogOptions{ExecutionArn: "arn:aws:states:us-east-1:123456789012:express:sm:e:0d4b6c1e-1111-2222-3333-444455556666"})
	}
}

func BenchmarkParse(b *testing.B) {
	line := history.AppendJSON(nil, benchEvent(true), history.Options{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := history.Parse(line); err != nil {
			b.Fatal(err)
		}
	}
}
