package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/mock"
)

// Cases under testdata/cases: a definition, an input, mocked task answers per state (Step
// Functions Local's invocation ranges), and the expected status, output, error, cause and,
// optionally, the history event types in order.
type engineCase struct {
	Name string `json:"name"`
	// Type is the machine type to validate for: EXPRESS (default) or STANDARD, for recordings
	// that use what only Standard machines may (a DISTRIBUTED Map).
	Type       string                     `json:"type"`
	Definition json.RawMessage            `json:"definition"`
	Input      json.RawMessage            `json:"input"`
	Mocks      map[string]json.RawMessage `json:"mocks"`
	Expected   struct {
		Status string          `json:"status"`
		Output json.RawMessage `json:"output"`
		Error  string          `json:"error"`
		Cause  *string         `json:"cause"`
	} `json:"expected"`
	Events []string `json:"events"`
}

// recorder is an EventSink keeping every event.
type recorder struct {
	mu     sync.Mutex
	events []engine.HistoryEvent
}

func (r *recorder) Event(ev engine.HistoryEvent) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

// mockInvoker builds a Step Functions Local configuration for the case's mocks.
func mockInvoker(t *testing.T, mocks map[string]json.RawMessage) engine.TaskInvoker {
	if len(mocks) == 0 {
		return nil
	}
	cases := map[string]string{}
	responses := map[string]json.RawMessage{}
	for state, answers := range mocks {
		cases[state] = state + "Response"
		responses[state+"Response"] = answers
	}
	cfg := map[string]any{
		"StateMachines":   map[string]any{"sm": map[string]any{"TestCases": map[string]any{"t": cases}}},
		"MockedResponses": responses,
	}
	b, _ := json.Marshal(cfg)
	c, err := mock.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Invoker("sm", "t")
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// loadEngineCases reads every case under testdata/cases.
func loadEngineCases(t *testing.T) []engineCase {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "cases", "*.json"))
	if len(files) == 0 {
		t.Fatal("no cases")
	}
	var all []engineCase
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var cases []engineCase
		if err := json.Unmarshal(raw, &cases); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		all = append(all, cases...)
	}
	return all
}

func TestCases(t *testing.T) {
	for _, c := range loadEngineCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			m, err := engine.Compile(c.Definition, engine.CompileOptions{Type: c.Type})
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			res := m.Run(context.Background(), c.Input, engine.RunOptions{
				Tasks: mockInvoker(t, c.Mocks), Events: rec, Clock: instantClock{},
				Name: "conformance", StateMachineName: "sm",
			})
			if string(res.Status) != c.Expected.Status {
				t.Fatalf("status %s (%s: %s), want %s", res.Status, res.Error, res.Cause, c.Expected.Status)
			}
			if c.Expected.Status == "SUCCEEDED" {
				var got, want any
				if err := json.Unmarshal(res.Output, &got); err != nil {
					t.Fatalf("output not JSON: %s", res.Output)
				}
				_ = json.Unmarshal(c.Expected.Output, &want)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("output %s, want %s", res.Output, c.Expected.Output)
				}
			} else {
				if res.Error != c.Expected.Error {
					t.Errorf("error %q, want %q (cause %q)", res.Error, c.Expected.Error, res.Cause)
				}
				if c.Expected.Cause != nil && res.Cause != *c.Expected.Cause {
					t.Errorf("cause\n got %q\nwant %q", res.Cause, *c.Expected.Cause)
				}
			}
			checkHistory(t, rec.events)
			if c.Events != nil {
				var types []string
				for _, ev := range rec.events {
					types = append(types, ev.Type)
				}
				if !reflect.DeepEqual(types, c.Events) {
					t.Errorf("events\n got %v\nwant %v", types, c.Events)
				}
			}
		})
	}
}

// checkHistory checks what holds for every history: ids count from 1 without gaps, and every
// details payload is JSON.
func checkHistory(t *testing.T, events []engine.HistoryEvent) {
	t.Helper()
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Errorf("event %d (%s) has id %d", i, ev.Type, ev.ID)
		}
		if ev.Details != nil && !json.Valid(ev.Details) {
			t.Errorf("event %s details are not JSON: %s", ev.Type, ev.Details)
		}
	}
}
