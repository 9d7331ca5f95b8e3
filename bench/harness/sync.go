package harness

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/transport/wire"
)

// SyncRun is one sync phase: StartSyncExecution-style core requests to the machine's sync
// subject, either at a fixed rate (open loop) or from Concurrency clients that each send the next
// request when the last one is answered (closed loop: saturation).
type SyncRun struct {
	Name     string
	Machine  string
	Rate     float64 // 0: saturation with Concurrency clients
	Duration time.Duration
	// Concurrency is the number of closed-loop clients (saturation; default 64), or the bound on
	// requests outstanding at once at a fixed rate (default 4096).
	Concurrency int
	Input       []byte
	Expected    []byte
	// RequestTimeout bounds each request (default 10 s).
	RequestTimeout time.Duration
}

// RunSync runs the phase. Latency at a fixed rate counts from when each request was due, so a
// load generator falling behind shows up as latency instead of hiding it.
func (e *Env) RunSync(ctx context.Context, r SyncRun, prog io.Writer) (Phase, *Tally, error) {
	if r.Duration <= 0 {
		r.Duration = 2 * time.Second
	}
	if r.RequestTimeout <= 0 {
		r.RequestTimeout = 10 * time.Second
	}
	if r.Concurrency <= 0 {
		r.Concurrency = 64
		if r.Rate > 0 {
			r.Concurrency = 4096
		}
	}
	if r.Name == "" {
		r.Name = "sync"
	}
	ph := Phase{Name: r.Name, Tasks: e.cfg.Tasks, Offered: r.Rate}
	if r.Rate == 0 {
		ph.Concurrency = r.Concurrency
	}
	tally := NewTally(nil)
	var check outputCheck
	var errs atomic.Int64
	var seq atomic.Int64
	prefix := e.namePrefix(r.Name)

	// one sends request i (due at due) and records its reply.
	one := func(due time.Time) {
		i := int(seq.Add(1) - 1)
		name := prefix + strconv.Itoa(i)
		arn := e.layout.ExecutionArn(r.Machine, name, e.runID+"-"+strconv.Itoa(i))
		idx := tally.Expect(arn)
		tally.Started(idx, due)
		rctx, cancel := context.WithTimeout(ctx, r.RequestTimeout)
		deadline, _ := rctx.Deadline()
		msg, err := e.layout.SyncMsg(wire.Start{Machine: r.Machine, Name: name, Arn: arn, Input: r.Input, Deadline: deadline})
		var reply *nats.Msg
		if err == nil {
			reply, err = e.nc.RequestMsgWithContext(rctx, msg)
		}
		cancel()
		if err != nil {
			errs.Add(1)
			return
		}
		recordResult(tally, reply.Data, &check, r.Expected)
	}

	total := int(r.Rate * r.Duration.Seconds())
	barTotal := total
	if r.Rate == 0 {
		barTotal = 0
	}
	bar := startProgress(prog, r.Name, barTotal, tally.Distinct)
	m := startMeter(e.ExecutorInFlight)
	t0 := time.Now()
	var wg sync.WaitGroup
	if r.Rate > 0 {
		sem := make(chan struct{}, r.Concurrency)
		interval := time.Duration(float64(time.Second) / r.Rate)
		for i := 0; i < total && ctx.Err() == nil; i++ {
			due := t0.Add(time.Duration(i) * interval)
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				one(due)
			}()
		}
	} else {
		stop := t0.Add(r.Duration)
		for range r.Concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) && ctx.Err() == nil {
					one(time.Now())
				}
			}()
		}
	}
	wg.Wait()
	bar.end()
	ph.Seconds = tally.Span().Seconds()
	ph.Errors = int(errs.Load())
	c := tally.Check()
	ph.Check = &c
	ph.Count = tally.Distinct()
	ph.Latency = Summarize(tally.Latencies())
	m.finish(&ph)
	if check.err != "" {
		ph.Note = join(ph.Note, check.err)
		ph.Check.OK = false
	}
	if ph.Errors > 0 {
		return ph, tally, fmt.Errorf("%s: %d of %d requests failed", r.Name, ph.Errors, tally.Expected())
	}
	return ph, tally, nil
}
