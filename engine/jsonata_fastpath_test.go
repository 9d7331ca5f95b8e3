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

// TestJSONataReusedBuffers: JSONata's Scope finds the documents a state read before by their
// memory (jsonata.Scope.TrustCarried), so no memory it refers to may change within an
// execution. An invoker that writes its next result over the buffer of the last one, and a
// caller that writes the next execution's input over the last one's, must not be read as
// the bytes that were there.
func TestJSONataReusedBuffers(t *testing.T) {
	// A's result is B's input, which B reads before and after its own call.
	def := []byte(`{"QueryLanguage":"JSONata","StartAt":"A","States":{
		"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Next":"B"},
		"B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Arguments":"{% $states.input.v %}",
			"Output":"{% {'before': $states.input.v, 'w': $states.input.w, 'now': $states.result.v} %}","End":true}}}`)
	m, err := engine.Compile(def, engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	results := []string{`{"v":"aaaa","w":1}`, `{"w":22,"v":"bb"}`}
	buf := make([]byte, len(results[0]))
	calls := 0
	tasks := engine.TaskFunc(func(_ context.Context, req engine.TaskRequest) ([]byte, error) {
		copy(buf, results[calls%2]) // the same buffer every time
		calls++
		return buf, nil
	})
	res := m.Run(context.Background(), []byte(`{}`), engine.RunOptions{Tasks: tasks})
	if want := `{"before":"aaaa","w":1,"now":"bb"}`; res.Status != engine.StatusSucceeded || string(res.Output) != want {
		t.Errorf("%s %s %s: %s; want %s", res.Status, res.Error, res.Cause, res.Output, want)
	}

	// The caller writes the next execution's input over the last one's, as long.
	one, err := engine.Compile([]byte(`{"QueryLanguage":"JSONata","StartAt":"P","States":{
		"P":{"Type":"Pass","Output":"{% [$states.input.k, $states.input.n] %}","End":true}}}`), engine.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	input := []byte(`{"k":"one","n":1}`)
	for _, next := range []string{`{"n":2,"k":"two"}`, `{"k":"333","n":3}`, `{"k":"444","n":4}`} {
		if res := one.Run(context.Background(), input, engine.RunOptions{}); res.Status != engine.StatusSucceeded {
			t.Fatalf("%s: %s %s", input, res.Error, res.Cause)
		}
		copy(input, next)
		res := one.Run(context.Background(), input, engine.RunOptions{})
		var want [2]any
		if err := json.Unmarshal(input, &struct {
			K *any `json:"k"`
			N *any `json:"n"`
		}{&want[0], &want[1]}); err != nil {
			t.Fatal(err)
		}
		w, _ := json.Marshal(want)
		if res.Status != engine.StatusSucceeded || string(res.Output) != string(w) {
			t.Errorf("on %s: %s %s: %s; want %s", input, res.Status, res.Cause, res.Output, w)
		}
	}
}
