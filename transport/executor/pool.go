package executor

import (
	"sync"
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

// maxResuming bounds the parked executions resumed at once. Parked executions whose waits end
// together (a burst of starts that waited alike) would otherwise each take a goroutine, all
// but a few of them blocked on the engine's Gate holding a stack and the heap their next steps
// allocate: 80,000 of them cost 3 GiB where, parked, they cost 1 GiB. A resumed execution
// computes until it parks again or ends, so a few hundred runners keep the Gate busy; the
// rest wait in resumeQueue at a few dozen bytes each.
const maxResuming = 256

// resumeQueue holds the parked executions whose wait is over, for at most maxResuming runners.
type resumeQueue struct {
	mu      sync.Mutex
	waiting []func()
	running int
}

// resume runs f (a parked execution's rest) on a worker, or queues it behind maxResuming
// others.
func (e *Executor) resume(f func()) {
	q := &e.resumes
	q.mu.Lock()
	if q.running >= maxResuming {
		q.waiting = append(q.waiting, f)
		q.mu.Unlock()
		return
	}
	q.running++
	q.mu.Unlock()
	e.dispatch(job{resume: func() { e.runResumes(f) }})
}

// runResumes runs f, then the queued resumes, until none is left.
func (e *Executor) runResumes(f func()) {
	q := &e.resumes
	for f != nil {
		f()
		q.mu.Lock()
		if len(q.waiting) > 0 {
			f = q.waiting[0]
			q.waiting[0] = nil
			q.waiting = q.waiting[1:]
		} else {
			f = nil
			q.running--
		}
		q.mu.Unlock()
	}
}
