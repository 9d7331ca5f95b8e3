package history_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine/history"
)

// FuzzParse: any bytes are read or refused, never a panic, in bounded time; an event read is
// written back as a line that reads as the same event, and that line is what it writes again.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.ndjson")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
	}
	f.Add([]byte(`{"timestamp":"2026-12-07T11:00:00.998+01:00","type":"T","id":2,"previousEventId":1,"xEventDetails":{}}`))
	f.Add([]byte(`{"type":"A\"b","id":1,"a\nEventDetails":{"k":[1,{"input":2}]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		began := time.Now()
		defer func() {
			if d := time.Since(began); d > 2*time.Second {
				t.Fatalf("took %s on %d bytes", d, len(raw))
			}
		}()
		ev, err := history.Parse(raw)
		if err != nil {
			return
		}
		for _, opts := range []history.Options{{}, {WithoutData: true}} {
			line := history.AppendJSON(nil, ev, opts)
			back, err := history.Parse(line)
			if err != nil {
				t.Fatalf("%s\nwritten as %s\ndoes not read back: %v", raw, line, err)
			}
			if back.ID != ev.ID || back.Type != ev.Type || back.PreviousEventID != ev.PreviousEventID || back.Timestamp.UnixMilli() != ev.Timestamp.UnixMilli() {
				t.Fatalf("%s\nreads back as %+v, was %+v", line, back, ev)
			}
			if !opts.WithoutData && !bytes.Equal(back.Details, ev.Details) {
				t.Fatalf("%s\ndetails %s, were %s", line, back.Details, ev.Details)
			}
			if again := history.AppendJSON(nil, back, opts); !bytes.Equal(again, line) {
				t.Fatalf("written again as\n%s\nnot\n%s", again, line)
			}
		}
		if _, err := history.AppendLogJSON(nil, ev, history.LogOptions{WithoutData: true}); err != nil {
			t.Fatalf("%s: no log line: %v", raw, err)
		}
	})
}
