package executor

import (
	"context"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/wire"
)

// Recorder keeps execution records and history off the executor's hot path (package
// transport/records implements it). It must not block: a slow store drops, it never slows or
// fails an execution.
type Recorder interface {
	// Begin is called when an execution is about to run, its machine resolved. It returns the
	// context to run it with (the recorder cancels it with an *engine.Abort cause to stop it),
	// the sink for its history events (nil for none), and, when the execution was stopped
	// before this delivery ran it, its final result instead (then it is not run). For a
	// redrive (Start.RedriveCount > 0) the history goes on after the kept one.
	Begin(ctx context.Context, b Begin) (context.Context, engine.EventSink, *wire.Result)
	// End is called once with an execution's final result, before it is stored or answered:
	// not for a run the executor hands back unfinished (a drain), which runs again.
	End(res *wire.Result)
}

// Begin describes an execution about to run.
type Begin struct {
	Start   wire.Start
	Machine wire.Machine // the record that runs (its Tags hold the history settings)
	// Revision is the KV revision of that record: a redrive runs it again (Start.RedriveCount).
	Revision uint64
	Result   *wire.Result // the result's identity so far (ARNs, dates, input)
	Rerun    bool         // a redelivery: an earlier run may have left records behind
}
