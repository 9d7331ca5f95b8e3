package history_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/history"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// forms are the ways an event is written, each with its golden files under testdata/<dir>/.
var forms = []struct {
	dir    string
	encode func(t *testing.T, sc scenario, ev engine.HistoryEvent) []byte
}{
	{"events", func(t *testing.T, _ scenario, ev engine.HistoryEvent) []byte {
		return history.AppendJSON(nil, ev, history.Options{})
	}},
	{"events-nodata", func(t *testing.T, _ scenario, ev engine.HistoryEvent) []byte {
		return history.AppendJSON(nil, ev, history.Options{WithoutData: true})
	}},
	{"log", func(t *testing.T, sc scenario, ev engine.HistoryEvent) []byte {
		return logLine(t, ev, history.LogOptions{ExecutionArn: sc.arn()})
	}},
	{"log-nodata", func(t *testing.T, sc scenario, ev engine.HistoryEvent) []byte {
		return logLine(t, ev, history.LogOptions{ExecutionArn: sc.arn(), WithoutData: true})
	}},
}

func logLine(t *testing.T, ev engine.HistoryEvent, opts history.LogOptions) []byte {
	t.Helper()
	b, err := history.AppendLogJSON(nil, ev, opts)
	if err != nil {
		t.Fatalf("event %d: %v", ev.ID, err)
	}
	return b
}

// TestGolden writes every scenario's events in every form and compares them with the golden
// files: the bytes GetExecutionHistory answers, `stepjet history` and `stepjet run --events`
// print and the logs stream keeps. (go test -update rewrites them.)
func TestGolden(t *testing.T) {
	for _, sc := range scenarios {
		events := sc.run(t)
		for _, f := range forms {
			t.Run(f.dir+"/"+sc.name, func(t *testing.T) {
				var got []byte
				for _, ev := range events {
					got = append(got, f.encode(t, sc, ev)...)
					got = append(got, '\n')
				}
				path := filepath.Join("testdata", f.dir, sc.name+".ndjson")
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from its golden file:\ngot:\n%s\nwant:\n%s", path, got, want)
				}
			})
		}
	}
}
