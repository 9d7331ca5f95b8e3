package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/jsonata"
)

// TestJSONataFastPathsMatchEvaluator runs every recorded case (../shared/conformance and
// testdata/cases) twice, with the JSONata fast paths on and with every expression run by the
// evaluator, and requires the same status, output, error, cause and history event details,
// byte for byte: the fast paths are an optimization, never a second semantics.
//
// With the fast paths on, every text marked canonical (read by the next phase without a
// check) is checked, and one that is not fails the run.
func TestJSONataFastPathsMatchEvaluator(t *testing.T) {
	jsonata.CheckCanonicalMarks(true)
	defer jsonata.CheckCanonicalMarks(false)
	type outcome struct {
		Status, Error, Cause string
		Output               []byte
		Events               []string
	}
	run := func(def, input json.RawMessage, typ string, tasks engine.TaskInvoker, fast bool) outcome {
		jsonata.SetFastPaths(fast)
		defer jsonata.SetFastPaths(true)
		m, err := engine.Compile(def, engine.CompileOptions{Type: typ})
		if err != nil {
			return outcome{Status: "compile", Cause: err.Error()}
		}
		rec := &recorder{}
		res := m.Run(context.Background(), input, engine.RunOptions{
			Tasks: tasks, Events: rec, Clock: instantClock{}, Name: "conformance", StateMachineName: "sm",
			ExecutionArn: "arn:aws:states:us-east-1:111111111111:express:sm:conformance:1",
		})
		o := outcome{Status: string(res.Status), Error: res.Error, Cause: res.Cause, Output: res.Output}
		for _, ev := range rec.events {
			o.Events = append(o.Events, ev.Type+" "+ev.DetailsKey+" "+string(ev.Details))
		}
		return o
	}
	compare := func(t *testing.T, name string, def, input json.RawMessage, typ string, tasks func() engine.TaskInvoker) {
		fast := run(def, input, typ, tasks(), true)
		slow := run(def, input, typ, tasks(), false)
		if fast.Status != slow.Status || fast.Error != slow.Error || fast.Cause != slow.Cause ||
			!bytes.Equal(fast.Output, slow.Output) || fmt.Sprint(fast.Events) != fmt.Sprint(slow.Events) {
			t.Errorf("%s: fast paths give\n%+v\nthe evaluator gives\n%+v", name, fast, slow)
		}
	}
	jsonataCases := 0
	for _, c := range loadCases(t) {
		if !bytes.Contains(c.Definition, []byte("{%")) {
			continue // no JSONata: nothing to compare
		}
		jsonataCases++
		compare(t, c.ID, c.Definition, c.Input, c.Provenance.Type, func() engine.TaskInvoker { return caseInvoker(t, c) })
	}
	for _, c := range loadEngineCases(t) {
		if !bytes.Contains(c.Definition, []byte("{%")) {
			continue
		}
		jsonataCases++
		compare(t, c.Name, c.Definition, c.Input, c.Type, func() engine.TaskInvoker { return mockInvoker(t, c.Mocks) })
	}
	if jsonataCases < 50 {
		t.Fatalf("only %d cases use JSONata: the recordings are missing", jsonataCases)
	}
	t.Logf("%d JSONata cases compared", jsonataCases)
}
