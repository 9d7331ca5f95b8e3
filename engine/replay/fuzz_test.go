package replay

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzRead: any history, however broken, is read or refused with an error; never a panic, and
// a recording read from one makes a mock configuration that loads and replays.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/history.ndjson")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"id":1,"previousEventId":0,"type":"ExecutionStarted","executionStartedEventDetails":{"input":"{}"}}
{"id":2,"previousEventId":1,"type":"MapIterationStarted","mapIterationStartedEventDetails":{"index":-1}}`))
	def := []byte(`{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		began := time.Now()
		defer func() {
			if d := time.Since(began); d > 3*time.Second {
				t.Fatalf("took %s", d)
			}
		}()
		var evs []Event
		for _, line := range bytes.Split(data, []byte("\n")) {
			if ev, err := ParseEvent(line); err == nil {
				evs = append(evs, ev)
			}
		}
		rec, err := Read(evs, def)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := Run(ctx, def, rec, Options{}); err != nil {
			t.Fatalf("a recording that was read does not replay: %v", err)
		}
	})
}
