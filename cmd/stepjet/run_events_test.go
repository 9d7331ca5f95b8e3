package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/history"
)

// TestRunEventsAreKeptHistoryLines: stepjet run --events writes each event as the server keeps
// it and GetExecutionHistory answers it (stepjet history --json prints those): AWS's member
// order, the timestamp in epoch seconds. It wrote them through a map, in alphabetical order,
// with an RFC 3339 timestamp string.
func TestRunEventsAreKeptHistoryLines(t *testing.T) {
	file := filepath.Join(t.TempDir(), "events.ndjson")
	cli("run", "../../examples/hello/hello.asl.json", "--input", "../../examples/hello/input.json", "--events", file).want(t, "run --events FILE", exitOK)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	toStderr := cli("run", "../../examples/hello/hello.asl.json", "--input", "../../examples/hello/input.json", "--events", "-")
	toStderr.want(t, "run --events -", exitOK)
	for what, out := range map[string][]byte{"file": b, "stderr": []byte(toStderr.stderr)} {
		lines := bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
		if len(lines) < 4 {
			t.Fatalf("%s: %d events:\n%s", what, len(lines), out)
		}
		head := regexp.MustCompile(`^\{"timestamp":\d+(\.\d{1,3})?,"type":"[A-Za-z]+","id":\d+,"previousEventId":\d+[,}]`)
		for i, line := range lines {
			ev, err := history.Parse(line)
			if err != nil {
				t.Fatalf("%s line %d: %v", what, i+1, err)
			}
			if !head.Match(line) || ev.ID != int64(i+1) {
				t.Errorf("%s line %d is not a kept history line: %s", what, i+1, line)
			}
			if kept := history.AppendJSON(nil, ev, history.Options{}); !bytes.Equal(kept, line) {
				t.Errorf("%s line %d:\n%s\nis kept as\n%s", what, i+1, line, kept)
			}
		}
		if !strings.Contains(string(lines[0]), `"type":"ExecutionStarted"`) || !strings.Contains(string(lines[len(lines)-1]), `"type":"ExecutionSucceeded"`) {
			t.Errorf("%s: events from %s to %s", what, lines[0], lines[len(lines)-1])
		}
	}
}
