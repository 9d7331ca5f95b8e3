package engine

import (
	"context"
	"time"
)

// Gate bounds how many threads of control — an execution, a Parallel branch, a Map iteration —
// run engine code at once, across every execution that shares it. A thread holds a slot while
// it computes and gives it back whenever it waits (a Task, a Wait state or a retry's backoff,
// its own branches or iterations) and between two states once it has held the slot for a
// time slice. A process running many executions then has at most that many goroutines busy in
// the engine: a handful of CPU-bound executions take turns with the rest instead of crowding
// out everything else in the process (its NATS traffic, heartbeats, the API), and slots are
// handed out in arrival order.
//
// RunOptions.Gate nil means no gate: every thread runs when the Go scheduler lets it.
type Gate interface {
	// Enter blocks until the thread may run, or ctx ends (then it returns ctx's error).
	Enter(ctx context.Context) error
	// Leave gives the slot back.
	Leave()
}

// GateSlice is how long a thread keeps its slot between two states while others wait.
const GateSlice = 5 * time.Millisecond

// NewGate returns a Gate of n slots (at least 1). Waiting threads are served first come, first
// served (a Go channel queues its blocked senders in order).
func NewGate(n int) Gate {
	if n < 1 {
		n = 1
	}
	return chanGate(make(chan struct{}, n))
}

type chanGate chan struct{}

func (g chanGate) Enter(ctx context.Context) error {
	select {
	case g <- struct{}{}:
		return nil
	default:
	}
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g chanGate) Leave() { <-g }

// full reports whether every slot is taken: only then may another thread be waiting for one.
func (g chanGate) full() bool { return len(g) == cap(g) }

// enter takes a slot for the frame's thread (no-op without a gate or when it holds one).
func (f *frame) enter() *stateError {
	g := f.ex.opts.Gate
	if g == nil || f.gated {
		return nil
	}
	if err := g.Enter(f.ctx); err != nil {
		return f.ctxError()
	}
	f.gated, f.since = true, time.Now()
	return nil
}

// leave gives the frame's slot back before it waits.
func (f *frame) leave() {
	if f.gated {
		f.gated = false
		f.ex.opts.Gate.Leave()
	}
}

// yield lets a waiting thread run between two states once this one has had its slice.
func (f *frame) yield() *stateError {
	if !f.gated || time.Since(f.since) < GateSlice {
		return nil
	}
	if cg, ok := f.ex.opts.Gate.(chanGate); ok && !cg.full() {
		f.since = time.Now() // a slot is free: no one is waiting for this one
		return nil
	}
	f.leave()
	return f.enter()
}
