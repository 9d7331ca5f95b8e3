package harness

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/transport/worker"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// holdFunction is the NATS worker function the inflight phase's slow executions call: it
// answers after the hold.
const holdFunction = "bench-hold"

// InFlightRun is the inflight phase: N executions of the order workflow held in flight at once,
// half of them by a Wait state of Hold at their start, half by a Task at their start that a
// slow NATS worker (a transport/worker service on the phase's own connection) answers after
// Hold. Both kinds are in flight at once, as when a service's executions wait on timers and
// on slow external calls.
type InFlightRun struct {
	N    int
	Hold time.Duration // whole seconds
	// Definition, Input and Expected are the workflow after the hold (the order workload).
	Definition, Input, Expected []byte
	// WorkerProcess runs the slow worker in a child process (this program again, see
	// serveSlowWorker), so that the phase's RSS is the server's and executor's, as a stepjet
	// serve process with its workers elsewhere; false runs it in this process.
	WorkerProcess bool
	// MemProfile, when set, is a heap profile written when the in-flight gauge first reaches N
	// (after a GC, so that it shows what is live).
	MemProfile string
}

// PhaseMemory is the process's memory before a phase and at its peak, for bytes per execution.
type PhaseMemory struct {
	Before Memory `json:"before"`
	// Peak is read when the executor's in-flight gauge first reached the phase's target (or,
	// when it never did, at its highest); Reached says whether it did.
	Peak    Memory `json:"at_peak"`
	Reached bool   `json:"reached"`
	// AfterGC is read after the GC that precedes the heap profile (--memprofile only).
	AfterGC *Memory `json:"after_gc,omitempty"`
	// MaxRSS is read when the sampled RSS was highest (usually later, as the executions end).
	MaxRSS Memory `json:"at_max_rss"`
}

// InFlight runs the inflight phase.
func (e *Env) InFlight(ctx context.Context, r InFlightRun, prog io.Writer) (Phase, error) {
	holdDef, err := holdDefinition(r.Definition, r.Hold)
	if err != nil {
		return Phase{Name: PhaseInFlight}, err
	}
	slowDef, err := slowDefinition(r.Definition, FunctionArn(holdFunction))
	if err != nil {
		return Phase{Name: PhaseInFlight}, err
	}
	hold, err := e.RegisterMachine(ctx, "order-hold", holdDef)
	if err != nil {
		return Phase{Name: PhaseInFlight}, err
	}
	slow, err := e.RegisterMachine(ctx, "order-slow", slowDef)
	if err != nil {
		return Phase{Name: PhaseInFlight}, err
	}
	stopWorker, err := e.startSlowWorker(ctx, r)
	if err != nil {
		return Phase{Name: PhaseInFlight}, err
	}

	runtime.GC() // the earlier phases' garbage is not this phase's memory
	mem := &PhaseMemory{Before: ReadMemory()}
	mem.Before.InFlight = e.ExecutorInFlight()
	watch := e.watchPeak(int64(r.N), r.MemProfile, mem, prog)
	ph, _, err := e.RunAsync(ctx, AsyncRun{Name: PhaseInFlight, Machine: hold, Mix: []string{slow}, N: r.N,
		Input: r.Input, Expected: r.Expected, Limit: inFlightLimit(r.N, r.Hold)}, prog)
	if werr := watch(); werr != nil && err == nil {
		err = werr
	}
	workerRSS, werr := stopWorker()
	if werr != nil && err == nil {
		err = werr
	}
	if workerRSS > 0 {
		ph.Note = join(ph.Note, fmt.Sprintf("the slow worker ran in its own process (peak RSS %.0f MiB, not in the phase's figures)", float64(workerRSS)/(1<<20)))
	}
	ph.Memory = mem
	ph.Note = join(ph.Note, fmt.Sprintf("half the executions wait %s in a Wait state, half in a Task a NATS worker answers after %s, then run the order workflow", r.Hold, r.Hold))
	ph.Note = join(ph.Note, mem.summary())
	return ph, err
}

// inFlightLimit bounds the inflight phase: the hold, then n executions at no less than 200/s
// (a loaded 2-core host finished 100,000 at ~400/s once their holds had ended).
func inFlightLimit(n int, hold time.Duration) time.Duration { return hold + limit(n, 200) }

// watchPeak samples the in-flight gauge every 25 ms until the returned function is called, and
// fills mem.Peak when it first reaches target (then writes the heap profile, when asked, and
// says so on prog, the progress bars' writer), or else at its highest.
func (e *Env) watchPeak(target int64, profile string, mem *PhaseMemory, prog io.Writer) (stop func() error) {
	t0 := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	var perr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(25 * time.Millisecond)
		defer t.Stop()
		for {
			if rss := ReadProc().RSS; rss > mem.MaxRSS.RSS {
				mem.MaxRSS = ReadMemory()
				mem.MaxRSS.InFlight = e.ExecutorInFlight()
			}
			if n := e.ExecutorInFlight(); n > mem.Peak.InFlight && !mem.Reached {
				mem.Peak = ReadMemory()
				mem.Peak.InFlight = n
				if n >= target {
					mem.Reached = true
					if prog != nil {
						fmt.Fprintf(prog, "\n%s: all %d in flight after %.1f s, RSS %d MiB\n", PhaseInFlight, n, time.Since(t0).Seconds(), mem.Peak.RSS>>20)
					}
					if profile != "" {
						runtime.GC()
						after := ReadMemory()
						after.InFlight = e.ExecutorInFlight()
						mem.AfterGC = &after
						perr = writeHeapProfile(profile)
					}
				}
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() error { close(done); wg.Wait(); return perr }
}

// summary is the bytes per in-flight execution, for the report's notes.
func (m *PhaseMemory) summary() string {
	n := m.Peak.InFlight - m.Before.InFlight
	if n <= 0 {
		return "memory: no execution was seen in flight"
	}
	per := func(a, b int64) string { return fmt.Sprintf("%.1f KiB", float64(a-b)/float64(n)/1024) }
	var b strings.Builder
	at := "at the peak"
	if m.Reached {
		at = "when all were in flight"
	}
	fmt.Fprintf(&b, "memory %s (%d in flight, against before the phase), per execution: RSS %s, of which Go heap objects %s, goroutine stacks %s (%.2f goroutines each, new stacks start at %d KiB), heap spare %s, runtime metadata %s",
		at, m.Peak.InFlight, per(m.Peak.RSS, m.Before.RSS), per(m.Peak.HeapObjects, m.Before.HeapObjects), per(m.Peak.Stacks, m.Before.Stacks),
		float64(m.Peak.Goroutines-m.Before.Goroutines)/float64(n), m.Peak.StackStart>>10, per(m.Peak.HeapSpare, m.Before.HeapSpare), per(m.Peak.Runtime, m.Before.Runtime))
	if x := m.MaxRSS; x.RSS > 0 {
		mb := func(v int64) string { return fmt.Sprintf("%.0f MiB", float64(v)/(1<<20)) }
		fmt.Fprintf(&b, "; at the highest RSS sampled (%s, %d in flight): Go heap objects %s, heap spare %s, goroutine stacks %s (%d goroutines)",
			mb(x.RSS), x.InFlight, mb(x.HeapObjects), mb(x.HeapSpare), mb(x.Stacks), x.Goroutines)
	}
	if g := m.AfterGC; g != nil {
		fmt.Fprintf(&b, "; after a GC: live heap %s, stacks %s", per(g.HeapLive, m.Before.HeapLive), per(g.Stacks, m.Before.Stacks))
	}
	return b.String()
}

// slowWorker serves holdFunction on its own connection, answering every request after hold.
// It may run n requests at once, so that it is not what bounds the phase.
func slowWorker(nc *nats.Conn, prefix string, n int, hold time.Duration) (*worker.Service, error) {
	svc, err := worker.New(nc, "stepjet-bench-slow", worker.Options{Prefix: prefix, MaxConcurrent: n})
	if err != nil {
		return nil, err
	}
	if err := svc.Handle(holdFunction, func(ctx context.Context, _ []byte) ([]byte, error) {
		t := time.NewTimer(hold)
		defer t.Stop()
		select {
		case <-t.C:
			return []byte(`{}`), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}); err != nil {
		_ = svc.Stop()
		return nil, err
	}
	return svc, nil
}

// slowDefinition prefixes the workflow with a Task state calling the function at arn, whose
// result is discarded (the workflow's input and output stay the order workload's).
func slowDefinition(def []byte, arn string) ([]byte, error) {
	start, err := sjsonGet(def, "StartAt")
	if err != nil {
		return nil, err
	}
	state := map[string]any{"Type": "Task", "Resource": arn, "ResultPath": nil, "Next": start}
	if gjson.GetBytes(def, "QueryLanguage").Str == "JSONata" {
		state = map[string]any{"Type": "Task", "Resource": arn, "Output": "{% $states.input %}", "Next": start}
	}
	out, err := sjson.SetBytes(def, "States.BenchSlow", state)
	if err != nil {
		return nil, err
	}
	return sjson.SetBytes(out, "StartAt", "BenchSlow")
}
