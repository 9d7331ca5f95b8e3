package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
)

const cfg = `{
 "StateMachines": {"sm": {"TestCases": {"tc": {"Pay": "PayR", "Ship": "ShipR"}}}},
 "MockedResponses": {
  "PayR": {"0": {"Throw": {"Error": "Lambda.Busy", "Cause": "try later"}}, "1-2": {"Return": {"ok": true}}},
  "ShipR": {"0": {"Return": 7}}
 }
}`

func TestInvoker(t *testing.T) {
	c, err := Load([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Invoker("sm", "tc")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		state   string
		attempt int
		want    string
		errName string
	}{
		{"Pay", 0, "", "Lambda.Busy"},
		{"Pay", 1, `{"ok": true}`, ""},
		{"Pay", 2, `{"ok": true}`, ""},
		{"Pay", 3, "", failure.TaskFailed},
		{"Ship", 0, `7`, ""},
		{"Other", 0, "", failure.TaskFailed},
	}
	for _, tt := range tests {
		got, err := inv.Invoke(context.Background(), engine.TaskRequest{StateName: tt.state, Attempt: tt.attempt})
		if tt.errName != "" {
			var fe *failure.Error
			if !errors.As(err, &fe) || fe.Name != tt.errName {
				t.Errorf("%s#%d: err = %v, want %s", tt.state, tt.attempt, err, tt.errName)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("%s#%d = %s, %v; want %s", tt.state, tt.attempt, got, err, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	bad := map[string]string{
		"not json":     `{`,
		"bad range":    `{"MockedResponses": {"R": {"x": {"Return": 1}}}}`,
		"reversed":     `{"MockedResponses": {"R": {"3-1": {"Return": 1}}}}`,
		"both":         `{"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}}`,
		"overlap":      `{"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}`,
		"unknown resp": `{"StateMachines": {"sm": {"TestCases": {"tc": {"A": "Nope"}}}}}`,
	}
	for name, in := range bad {
		if _, err := Load([]byte(in)); err == nil {
			t.Errorf("%s: Load accepted %s", name, in)
		}
	}
	c, _ := Load([]byte(cfg))
	if _, err := c.Invoker("nope", "tc"); err == nil {
		t.Error("unknown machine accepted")
	}
	if _, err := c.Invoker("sm", "nope"); err == nil {
		t.Error("unknown test case accepted")
	}
}

// A Map state's iterations get the numbered answers in item order on every run, however many
// iterations could run at once.
func TestMapIterationsTakeAnswersInItemOrder(t *testing.T) {
	const def = `{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
	 "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Task",
	  "Resource": "arn:aws:lambda:us-east-1:111111111111:function:f", "End": true}}}}}}`
	// Answer n is n, for 40 iterations.
	answers := map[string]any{}
	for n := 0; n < 40; n++ {
		answers[strconv.Itoa(n)] = map[string]any{"Return": n}
	}
	config, _ := json.Marshal(map[string]any{
		"StateMachines":   map[string]any{"sm": map[string]any{"TestCases": map[string]any{"tc": map[string]string{"F": "FR"}}}},
		"MockedResponses": map[string]any{"FR": answers},
	})
	input, _ := json.Marshal(make([]int, 40))
	want := strings.ReplaceAll(strings.Trim(fmt.Sprint(rangeTo(40)), "[]"), " ", ",")
	m, err := engine.Compile([]byte(def), engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(config)
	if err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 50; run++ {
		inv, err := c.Invoker("sm", "tc")
		if err != nil {
			t.Fatal(err)
		}
		res := m.Run(context.Background(), input, engine.RunOptions{Tasks: inv, Events: &sink{}})
		if string(res.Output) != "["+want+"]" {
			t.Fatalf("run %d: %s %s %s", run, res.Status, res.Output, res.Cause)
		}
	}
}

func rangeTo(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}

// sink keeps history events, as the CLI does; writing them widens the window in which
// concurrent iterations would overtake each other.
type sink struct {
	mu     sync.Mutex
	events []engine.HistoryEvent
}

func (s *sink) Event(ev engine.HistoryEvent) {
	s.mu.Lock()
	s.events = append(s.events, ev)
	s.mu.Unlock()
}
