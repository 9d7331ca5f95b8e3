package executor

import (
	"context"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/wire"
)

// Redriver reads what a redrive start (wire.Start.RedriveCount > 0, sent by RedriveExecution)
// resumes from. The executor runs redrives when its Recorder implements Redriver too (package
// records' does); without one, a redrive start fails with States.Runtime saying so.
type Redriver interface {
	// Redriven returns the execution's kept history up to the end of the run before st's
	// redrive (every earlier run's events, in order) and when the execution first started.
	Redriven(ctx context.Context, st wire.Start) (Redriven, error)
}

// Redriven is what a redrive resumes from.
type Redriven struct {
	StartDate time.Time
	Events    []engine.HistoryEvent
}

// planRedrive reads and plans the redrive st asks for, on the definition revision c (the one
// the execution first ran: the start is pinned to it). On failure it returns the FAILED
// result to end the redrive with.
func (e *Executor) planRedrive(ctx context.Context, c *compiled, st wire.Start, res *wire.Result) (*engine.Redrive, time.Time, bool) {
	rd, ok := e.cfg.Recorder.(Redriver)
	if !ok {
		*res = finish(*res, st.Date, engine.StatusFailed, "States.Runtime", "This executor keeps no execution records, which a redrive resumes from.")
		return nil, time.Time{}, false
	}
	got, err := rd.Redriven(ctx, st)
	if err == nil {
		res.StartDate = epoch(got.StartDate)
		var plan *engine.Redrive
		if plan, err = c.machine.PlanRedrive(got.Events, st.RedriveCount, st.Date); err == nil {
			return plan, got.StartDate, true
		}
	}
	*res = finish(*res, st.Date, engine.StatusFailed, "States.Runtime", "The execution could not be redriven: "+err.Error())
	return nil, time.Time{}, false
}
