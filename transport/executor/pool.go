package executor

import (
	"time"
)

// workerIdle is how long an idle worker goroutine waits for its next execution before it
// exits. Long enough to bridge the gaps between fetches under load, short enough that the
// goroutines of a burst (10,000 in flight) do not linger.
const workerIdle = 2 * time.Second

// job is one execution for a worker: an async start, a sync request, or the rest of a parked
// execution whose wait is over.
type job struct {
	start  *asyncRun
	req    *syncCall
	resume func()
}

// dispatch runs j on an idle worker, or on a new one when none is waiting. Workers are reused
// because an execution grows its goroutine's stack (the engine's payload code recurses): a
// fresh goroutine per execution paid for that growth every time. The number of workers is
// bounded by the in-flight slots (plus those idling), as executions were before.
func (e *Executor) dispatch(j job) {
	select {
	case e.jobs <- j:
	default:
		e.workers.Add(1)
		go e.worker(j)
	}
}

// worker runs j, then further jobs handed to it, until it has been idle for workerIdle or the
// executor stops.
func (e *Executor) worker(j job) {
	defer e.workers.Done()
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		switch {
		case j.start != nil:
			e.handle(j.start)
		case j.resume != nil:
			j.resume()
		default:
			e.serveSync(j.req)
		}
		idle.Reset(workerIdle)
		select {
		case j = <-e.jobs:
		case <-idle.C:
			return
		case <-e.bgCtx.Done():
			return
		}
	}
}
