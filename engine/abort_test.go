package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
)

// TestAbortStopsExecution: a context cancelled with an *engine.Abort cause (StopExecution) ends
// the execution ABORTED with the given error and cause, and AWS's ExecutionAborted event.
func TestAbortStopsExecution(t *testing.T) {
	m := compileT(t, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`)
	rec := &recorder{}
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(20*time.Millisecond, func() { cancel(&engine.Abort{Name: "Ops.Stop", Cause: "by hand"}) })
	res := m.Run(ctx, []byte(`{}`), engine.RunOptions{Events: rec})
	if res.Status != engine.StatusAborted || res.Error != "Ops.Stop" || res.Cause != "by hand" {
		t.Fatalf("got %s %q %q", res.Status, res.Error, res.Cause)
	}
	last := rec.events[len(rec.events)-1]
	if last.Type != "ExecutionAborted" || last.DetailsKey != "executionAbortedEventDetails" || string(last.Details) != `{"error":"Ops.Stop","cause":"by hand"}` {
		t.Fatalf("last event %s %s %s", last.Type, last.DetailsKey, last.Details)
	}
}
