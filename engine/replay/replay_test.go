package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/mock"
	"github.com/tidwall/gjson"
)

var update = flag.Bool("update", false, "rewrite the golden files (and record the histories anew)")

// workers are the functions the recorded runs called, by function name. They answer by their
// input and run concurrently where the engine lets them (Map iterations, Parallel branches), as
// NATS workers do, so a recorded Map's events interleave as a real one's do.
func workers() engine.TaskInvoker {
	var mu sync.Mutex
	calls := map[string]int{} // by function and payload
	return engine.TaskFunc(func(_ context.Context, req engine.TaskRequest) ([]byte, error) {
		fn, payload := req.Resource[strings.LastIndexByte(req.Resource, ':')+1:], req.Input
		invoke := req.Resource == "arn:aws:states:::lambda:invoke"
		if invoke {
			fn, payload = gjson.GetBytes(req.Input, "FunctionName").String(), []byte(gjson.GetBytes(req.Input, "Payload").Raw)
		}
		mu.Lock()
		calls[fn+string(payload)]++
		n := calls[fn+string(payload)]
		mu.Unlock()
		time.Sleep(time.Duration(len(payload)%4) * time.Millisecond) // let iterations overtake each other
		var out []byte
		switch fn {
		case "echo", "audit":
			out = payload
		case "double":
			v := gjson.GetBytes(payload, "n").Int()
			if v%3 == 0 && n == 1 {
				return nil, &failure.Error{Name: "Busy", Cause: fmt.Sprintf("busy with %d", v)}
			}
			out = []byte(fmt.Sprintf(`{"n": %d}`, 2*v))
		case "flaky":
			if n <= 2 {
				return nil, &failure.Error{Name: "Busy", Cause: fmt.Sprintf("attempt %d", n)}
			}
			out = []byte(`{"ok": true}`)
		case "boom":
			return nil, &failure.Error{Name: "Boom", Cause: "it broke"}
		default:
			return nil, &failure.Error{Name: failure.TaskFailed, Cause: "no function " + fn}
		}
		if invoke {
			return []byte(`{"StatusCode": 200, "Payload": ` + string(out) + `}`), nil
		}
		return out, nil
	})
}

// recorder keeps a run's events as GetExecutionHistory returns them (without timestamps, which
// replay does not read), one JSON object a line.
type recorder struct {
	mu    sync.Mutex
	lines [][]byte
}

func (r *recorder) Event(ev engine.HistoryEvent) {
	m := map[string]any{"id": ev.ID, "previousEventId": ev.PreviousEventID, "type": ev.Type}
	if ev.DetailsKey != "" && len(ev.Details) > 0 {
		m[ev.DetailsKey] = json.RawMessage(ev.Details)
	}
	b, _ := json.Marshal(m)
	r.mu.Lock()
	r.lines = append(r.lines, b)
	r.mu.Unlock()
}

// record runs def with the workers and returns its history as NDJSON.
func record(t *testing.T, def, input []byte) []byte {
	t.Helper()
	m, err := engine.Compile(def, engine.CompileOptions{Type: "EXPRESS"})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	m.Run(context.Background(), input, engine.RunOptions{Tasks: workers(), Events: rec})
	return append(bytes.Join(rec.lines, []byte("\n")), '\n')
}

func parseNDJSON(t *testing.T, b []byte) []Event {
	t.Helper()
	var evs []Event
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		ev, err := ParseEvent(line)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	return evs
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got with the file, or writes it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs (run with -update if the change is right):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func reportJSON(r *Report) []byte {
	b, _ := json.MarshalIndent(r, "", "  ")
	return append(b, '\n')
}

// TestReplayCases: for each case in testdata, the recorded history (history.ndjson, recorded
// anew with -update from a run whose workers answer concurrently) becomes the mock
// configuration in mock-config.json; replaying the definition that ran gives the same path and
// outcome, and the same mock configuration under `stepjet run --mock-config` (engine/mock
// alone) gives the recorded outcome; replaying changed.asl.json gives report-changed.json.
func TestReplayCases(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/definition.asl.json")
	if err != nil || len(dirs) == 0 {
		t.Fatal("no cases", err)
	}
	for _, d := range dirs {
		dir := filepath.Dir(d)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			def, input := read(t, d), read(t, filepath.Join(dir, "input.json"))
			histPath := filepath.Join(dir, "history.ndjson")
			if _, err := os.Stat(histPath); *update || err != nil {
				if err := os.WriteFile(histPath, record(t, def, input), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rec, err := Read(parseNDJSON(t, read(t, histPath)), def)
			if err != nil {
				t.Fatal(err)
			}
			cfg := rec.MockConfig("sm", "tc")
			golden(t, filepath.Join(dir, "mock-config.json"), cfg)

			same, err := Run(context.Background(), def, rec, Options{Machine: "sm", TestCase: "tc"})
			if err != nil {
				t.Fatal(err)
			}
			if r := Compare(rec, same); !r.Same {
				t.Errorf("replaying the recorded definition differs:\n%s", reportJSON(r))
			}

			// The written configuration alone, as stepjet run --mock-config uses it.
			c, err := mock.Load(cfg)
			if err != nil {
				t.Fatal(err)
			}
			inv, err := c.Invoker("sm", "tc")
			if err != nil {
				t.Fatal(err)
			}
			m, _ := engine.Compile(def, engine.CompileOptions{Type: "EXPRESS"})
			res := m.Run(context.Background(), input, engine.RunOptions{Tasks: inv})
			if string(res.Status) != rec.Outcome.Status || string(res.Output) != string(rec.Outcome.Output) || res.Error != rec.Outcome.Error {
				t.Errorf("the mock configuration alone ran %s %s %s; recorded %+v", res.Status, res.Output, res.Error, rec.Outcome)
			}

			changed := filepath.Join(dir, "changed.asl.json")
			if _, err := os.Stat(changed); err != nil {
				return
			}
			run, err := Run(context.Background(), read(t, changed), rec, Options{Machine: "sm", TestCase: "tc"})
			if err != nil {
				t.Fatal(err)
			}
			r := Compare(rec, run)
			if r.Same {
				t.Errorf("replaying changed.asl.json reports no difference")
			}
			golden(t, filepath.Join(dir, "report-changed.json"), reportJSON(r))
		})
	}
}

// TestConcurrentMapReplaysInItemOrder: a Map whose iterations ran concurrently, finishing in
// any order and retrying some items, replays the same, run after run: each invocation index
// goes to the iteration that made it in item order.
func TestConcurrentMapReplaysInItemOrder(t *testing.T) {
	def := read(t, "testdata/map/definition.asl.json")
	input := []byte(`{"items": [{"n": 3}, {"n": 1}, {"n": 12}, {"n": 6}, {"n": 5}, {"n": 9}, {"n": 4}, {"n": 15}, {"n": 2}, {"n": 8}]}`)
	for round := 0; round < 20; round++ {
		rec, err := Read(parseNDJSON(t, record(t, def, input)), def)
		if err != nil {
			t.Fatal(err)
		}
		run, err := Run(context.Background(), def, rec, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r := Compare(rec, run); !r.Same {
			t.Fatalf("round %d differs:\n%s", round, reportJSON(r))
		}
		if n := rec.Invocations("Double"); n != 15 { // 10 items, 5 of them retried once
			t.Fatalf("round %d: %d invocations of Double, want 15", round, n)
		}
	}
}

// TestReadRefuses: what cannot be replayed is refused with an error that says why.
func TestReadRefuses(t *testing.T) {
	def := read(t, "testdata/choice/definition.asl.json")
	full := parseNDJSON(t, read(t, "testdata/choice/history.ndjson"))
	if _, err := Read(nil, def); !errors.Is(err, ErrNoHistory) {
		t.Errorf("no events: %v", err)
	}
	var stripped []Event
	for _, ev := range full {
		ev.Details = []byte(gjson.GetBytes(ev.Details, `@this`).Raw)
		if ev.Details != nil {
			ev.Details = []byte(strings.NewReplacer(`"output"`, `"x"`, `"input"`, `"y"`).Replace(string(ev.Details)))
		}
		stripped = append(stripped, ev)
	}
	if _, err := Read(stripped, def); !errors.Is(err, ErrNoData) {
		t.Errorf("events without data: %v", err)
	}
	if _, err := Read(full[:len(full)-1], def); !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "still running") {
		t.Errorf("no terminal event: %v", err)
	}
	if _, err := Read(append(full[:1:1], full[2:]...), def); !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "not kept") {
		t.Errorf("an event missing: %v", err)
	}
	bogus := []Event{{ID: 1, Type: "ExecutionStarted", Details: []byte(`{"input":"{}"}`)},
		{ID: 2, Prev: 1, Type: "MapStateEntered", Details: []byte(`{"name":"M","input":"[]"}`)},
		{ID: 3, Prev: 2, Type: "MapIterationStarted", Details: []byte(`{"name":"M","index":-1}`)}}
	if _, err := Read(bogus, nil); !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("a negative Map iteration index: %v", err)
	}
	if _, err := ParseEvent([]byte(`[1]`)); err == nil {
		t.Error("an array read as an event")
	}
}

// TestUnansweredStopsTheReplay: a new definition that calls a Task the recording never called
// is stopped there (ABORTED), and the report names the state, not an invented answer.
func TestUnansweredStopsTheReplay(t *testing.T) {
	def := read(t, "testdata/unanswered/definition.asl.json")
	rec, err := Read(parseNDJSON(t, read(t, "testdata/unanswered/history.ndjson")), def)
	if err != nil {
		t.Fatal(err)
	}
	run, err := Run(context.Background(), read(t, "testdata/unanswered/changed.asl.json"), rec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if run.Outcome.Status != "ABORTED" || run.Unanswered == nil || run.Unanswered.State != "Audit" || run.Outcome.Error != AbortName {
		t.Fatalf("%+v %+v", run.Outcome, run.Unanswered)
	}
	if !strings.Contains(run.Unanswered.String(), `state "Audit"`) {
		t.Fatal(run.Unanswered.String())
	}
}

// TestInvalidDefinition: a definition that does not validate comes back as the engine's
// InvalidDefinitionError, with its diagnostics.
func TestInvalidDefinition(t *testing.T) {
	rec, err := Read(parseNDJSON(t, read(t, "testdata/choice/history.ndjson")), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), []byte(`{"StartAt":"Nope","States":{"A":{"Type":"Pass","End":true}}}`), rec, Options{})
	var inv *engine.InvalidDefinitionError
	if !errors.As(err, &inv) || len(inv.Diagnostics) == 0 {
		t.Fatalf("%v", err)
	}
}

// TestOutputDiff: outputs differ by JSON path; numbers by value; odd keys quoted.
func TestOutputDiff(t *testing.T) {
	d := &differ{}
	d.diff("$", gjson.Parse(`{"a":1,"b":[1,2,{"c":"x"}],"odd key":true,"n":1.0}`), gjson.Parse(`{"a":2,"b":[1,2,{"c":"y"},4],"n":1,"new":null}`))
	var got []string
	for _, x := range d.out {
		got = append(got, fmt.Sprintf("%s %s→%s", x.Path, x.Recorded, x.Replayed))
	}
	want := []string{"$.a 1→2", `$.b[2].c "x"→"y"`, "$.b[3] →4", "$['odd key'] true→", "$.new →null"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
