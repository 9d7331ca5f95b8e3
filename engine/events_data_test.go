package engine_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/mock"
	"github.com/tidwall/gjson"
)

// dataMembers are what includeExecutionData false leaves out of event details (the list
// engine/history.StripData removes).
var dataMembers = []string{"input", "inputDetails", "output", "outputDetails", "parameters", "result", "resultDetails", "assignedVariables", "assignedVariablesDetails"}

func stripData(details []byte) string {
	out := []byte{'{'}
	gjson.ParseBytes(details).ForEach(func(k, v gjson.Result) bool {
		if slices.Contains(dataMembers, k.Str) {
			return true
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(append(append(out, k.Raw...), ':'), v.Raw...)
		return true
	})
	return string(append(out, '}'))
}

// dataless is a sink that says it keeps no data.
type dataless struct{ recorder }

func (*dataless) KeepsData() bool { return false }

// TestEventsWithoutData runs every recorded conformance case with events built with their data
// and without (RunOptions.EventsWithoutData, and a DatalessSink): the events are the same, each
// without data exactly what the full one is with its data members removed.
func TestEventsWithoutData(t *testing.T) {
	run := func(c confCase, m *engine.Machine, noData, sinkSays bool) []string {
		opts := engine.RunOptions{Clock: fixedClock{}, Name: "conformance", StateMachineName: "sm", RoleArn: "arn:aws:iam::111111111111:role/sfn",
			ExecutionArn: "arn:aws:states:us-east-1:111111111111:express:sm:conformance:0d4b6c1e-1111-2222-3333-444455556666", MapConcurrency: 1}
		if len(c.Mocks) > 0 && string(c.Mocks) != "null" {
			cfg, err := mock.Load(c.Mocks)
			if err != nil {
				t.Skip(err)
			}
			if opts.Tasks, err = cfg.Invoker("sm", "conformance"); err != nil {
				t.Skip(err)
			}
		}
		var evs []engine.HistoryEvent
		if sinkSays {
			s := &dataless{}
			opts.Events = s
			m.Run(context.Background(), c.Input, opts)
			evs = s.events
		} else {
			s := &recorder{}
			opts.Events, opts.EventsWithoutData = s, noData
			m.Run(context.Background(), c.Input, opts)
			evs = s.events
		}
		var out []string
		for _, ev := range evs {
			d := ""
			if ev.DetailsKey != "" {
				d = string(ev.Details)
				if !noData && !sinkSays {
					d = stripData(ev.Details)
				}
			}
			out = append(out, ev.Type+" "+ev.DetailsKey+" "+d)
		}
		slices.Sort(out) // Parallel branches interleave differently from run to run
		return out
	}
	n := 0
	for _, c := range loadCases(t) {
		m, err := engine.Compile(c.Definition, engine.CompileOptions{Type: c.Provenance.Type})
		if err != nil {
			continue
		}
		full, bare, sunk := run(c, m, false, false), run(c, m, true, false), run(c, m, false, true)
		if !slices.Equal(full, bare) || !slices.Equal(full, sunk) {
			t.Errorf("%s: events without data differ from the full events stripped:\n full stripped: %q\n without data:  %q\n dataless sink: %q", c.ID, full, bare, sunk)
		}
		n++
	}
	if n < 100 {
		t.Fatalf("only %d cases ran", n)
	}
}

// deferring is a sink that takes builders: it builds each event's details when it gets the
// event, and keeps the builder to build them again later.
type deferring struct {
	recorder
	now [][]byte
}

func (*deferring) DefersDetails() bool { return true }

func (d *deferring) Event(ev engine.HistoryEvent) {
	var b []byte
	if ev.Build != nil {
		b = ev.Build(nil)
	}
	d.mu.Lock()
	d.now = append(d.now, b)
	d.mu.Unlock()
	d.recorder.Event(ev)
}

// TestDeferredDetails runs every recorded conformance case with a DeferringSink that builds each
// event's details when it gets the event and again after the execution ended: they are the same
// byte for byte, so nothing a builder reads changes after its event.
func TestDeferredDetails(t *testing.T) {
	n := 0
	for _, c := range loadCases(t) {
		m, err := engine.Compile(c.Definition, engine.CompileOptions{Type: c.Provenance.Type})
		if err != nil {
			continue
		}
		s := &deferring{}
		opts := engine.RunOptions{Clock: fixedClock{}, Name: "conformance", StateMachineName: "sm", RoleArn: "arn:aws:iam::111111111111:role/sfn",
			ExecutionArn: "arn:aws:states:us-east-1:111111111111:express:sm:conformance:0d4b6c1e-1111-2222-3333-444455556666", Events: s}
		if len(c.Mocks) > 0 && string(c.Mocks) != "null" {
			cfg, err := mock.Load(c.Mocks)
			if err != nil {
				t.Skip(err)
			}
			if opts.Tasks, err = cfg.Invoker("sm", "conformance"); err != nil {
				t.Skip(err)
			}
		}
		m.Run(context.Background(), c.Input, opts)
		for i, ev := range s.events {
			if ev.Details != nil {
				t.Fatalf("%s: %s has details built for a deferring sink", c.ID, ev.Type)
			}
			var later []byte
			if ev.Build != nil {
				later = ev.Build(nil)
			}
			if string(later) != string(s.now[i]) {
				t.Errorf("%s: %s's details changed after the event:\n then: %s\n now:  %s", c.ID, ev.Type, s.now[i], later)
			}
		}
		n++
	}
	if n < 100 {
		t.Fatalf("only %d cases ran", n)
	}
}

// fixedClock is instantClock at one fixed time: the three runs compared must not differ in the
// timestamps their causes may quote ($now, Wait timestamps).
type fixedClock struct{}

var fixedNow = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func (fixedClock) Now() time.Time { return fixedNow }
func (fixedClock) After(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- fixedNow
	return c
}
