// Package executor runs state machine executions from NATS JetStream: async starts from the
// executions work queue (results stored in the results stream, then acked), sync starts as core
// requests answered by a queue group, and event triggers bound in the triggers bucket. Executors
// are stateless; any number of them share the work.
//
//	ex, err := executor.New(executor.Config{NC: nc})
//	if err != nil { ... }
//	if err := ex.Start(ctx); err != nil { ... }
//	<-sigterm
//	ex.Shutdown(drainCtx) // stop pulling, finish in-flight executions, hand back the rest
package executor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/provision"
)

// Executor consumes and runs executions. Create it with New, then Start; stop it with Shutdown.
type Executor struct {
	cfg      Config
	js       jetstream.JetStream
	tasks    engine.TaskInvoker
	gate     engine.Gate // turns at computing, shared by every execution (Config.MaxComputing)
	machines *machineCache
	sem      chan struct{} // bounds in-flight executions, async and sync

	// runCtx is the parent of every execution; cancelled only when Shutdown's ctx ends, so
	// in-flight executions are aborted (and their starts handed back) rather than left behind.
	runCtx    context.Context
	runCancel context.CancelFunc
	// bgCtx ends the watchers and the pull loop.
	bgCtx    context.Context
	bgCancel context.CancelFunc

	pullDone chan struct{}
	inflight sync.WaitGroup
	jobs     chan job       // hands executions to idle workers (pool.go)
	workers  sync.WaitGroup // worker goroutines
	resumes  resumeQueue    // parked executions whose wait is over (pool.go)
	results  *resultPublisher
	subsMu   sync.Mutex
	syncSub  *nats.Subscription
	triggers *triggerSet
	limiter  *limiter // per-machine limits (limited.go)

	syncQ      chan *syncCall // sync requests waiting for a slot (bounded)
	syncBytes  atomic.Int64   // their input bytes
	syncDone   chan struct{}  // closed when syncLoop ends
	syncLoopOn atomic.Bool
	heldMu     sync.Mutex
	held       map[*syncCall]struct{} // sync calls running
	running    sync.Map               // execution ARN -> "async" | "sync", for Shutdown's log

	started  atomic.Bool
	stopping atomic.Bool
	metrics  metrics
	// cons is the executions consumer (its backlog is a metric); stopObserving ends the
	// metrics' collection.
	cons          jetstream.Consumer
	stopObserving func()
}

// New checks cfg and prepares an executor; it does no I/O.
func New(cfg Config) (*Executor, error) {
	if cfg.NC == nil {
		return nil, errors.New("executor: Config.NC is required")
	}
	cfg.setDefaults()
	js, err := jetstream.New(cfg.NC)
	if err != nil {
		return nil, err
	}
	e := &Executor{cfg: cfg, js: js, tasks: cfg.Tasks, gate: engine.NewGate(cfg.MaxComputing), sem: make(chan struct{}, cfg.MaxInFlight), pullDone: make(chan struct{}),
		syncQ: make(chan *syncCall, cfg.MaxSyncPending), syncDone: make(chan struct{}), held: map[*syncCall]struct{}{}}
	if e.tasks == nil {
		e.tasks = DefaultTasks(cfg.NC, js, cfg.Layout, cfg.Funcs)
	}
	e.tasks = cfg.Telemetry.Tasks(e.tasks)
	e.jobs = make(chan job)
	if e.results, err = newResultPublisher(e); err != nil {
		return nil, err
	}
	e.runCtx, e.runCancel = context.WithCancel(context.Background())
	e.bgCtx, e.bgCancel = context.WithCancel(context.Background())
	return e, nil
}

// Start provisions (when configured), opens the machines bucket and its watch, and begins
// consuming starts, serving sync requests and triggers. It returns once all are in place.
func (e *Executor) Start(ctx context.Context) (err error) {
	if !e.started.CompareAndSwap(false, true) {
		return errors.New("executor: already started")
	}
	defer func() {
		if err != nil { // undo what did start: watchers and subscriptions
			e.bgCancel()
			e.subsMu.Lock()
			if e.syncSub != nil {
				_ = e.syncSub.Unsubscribe()
			}
			e.subsMu.Unlock()
			if e.triggers != nil {
				e.triggers.close()
			}
			e.stopping.Store(true)
			close(e.pullDone)
			if e.limiter != nil {
				e.limiter.wait()
			}
		}
	}()
	if e.cfg.Provision != nil {
		pc := *e.cfg.Provision
		pc.Layout = e.cfg.Layout
		if err := provision.Ensure(ctx, e.js, pc); err != nil {
			return fmt.Errorf("executor: %w", err)
		}
	}
	kv, err := e.js.KeyValue(ctx, e.cfg.Layout.MachinesBucket())
	if err != nil {
		return fmt.Errorf("executor: machines bucket %s: %w", e.cfg.Layout.MachinesBucket(), err)
	}
	e.machines = newMachineCache(kv, e.cfg.Layout)
	if err := e.machines.watch(e.bgCtx); err != nil {
		return fmt.Errorf("executor: watch machines: %w", err)
	}
	if e.limiter, err = newLimiter(ctx, e); err != nil {
		return fmt.Errorf("executor: limits: %w", err)
	}
	cons, err := e.js.CreateOrUpdateConsumer(ctx, e.cfg.Layout.ExecutionsStream(), jetstream.ConsumerConfig{
		Durable:     e.cfg.Consumer,
		Description: "stepjet executors",
		AckPolicy:   jetstream.AckExplicitPolicy,
		AckWait:     e.cfg.AckWait,
		MaxDeliver:  e.cfg.MaxDeliver,
		// Unlimited: each executor bounds what it holds by MaxInFlight, so the starts pending
		// across executors grow with their number. The server keeps ~0.8 KiB per pending start
		// (its pending map and consumer state; docs/bench.md, "100,000 in flight").
		MaxAckPending: -1,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return fmt.Errorf("executor: consumer %s: %w", e.cfg.Consumer, err)
	}
	if !e.cfg.DisableSync {
		if err := e.startSync(); err != nil {
			return err
		}
	}
	if !e.cfg.DisableTriggers {
		// The triggers bucket is created when missing: a server provisioned by an older or
		// partial setup still gets triggers.
		tkv, err := provision.EnsureBucket(ctx, e.js, provision.Config{Layout: e.cfg.Layout}.Buckets()[1])
		if err != nil {
			return fmt.Errorf("executor: triggers bucket %s: %w", e.cfg.Layout.TriggersBucket(), err)
		}
		e.triggers = newTriggerSet(e, tkv)
		if err := e.triggers.watch(e.bgCtx); err != nil {
			return fmt.Errorf("executor: watch triggers: %w", err)
		}
	}
	e.cons = cons
	if err := e.observe(); err != nil {
		return fmt.Errorf("executor: metrics: %w", err)
	}
	if err := e.results.start(ctx); err != nil {
		return fmt.Errorf("executor: results: %w", err)
	}
	e.limiter.start()
	go e.pull(cons)
	e.cfg.Logger.Info("executor started", "consumer", e.cfg.Consumer, "maxInFlight", e.cfg.MaxInFlight,
		"timeout", e.cfg.Timeout, "ackWait", e.cfg.AckWait, "maxDeliver", e.cfg.MaxDeliver)
	return nil
}

// Shutdown drains: it stops pulling starts and taking sync requests and triggers, answers the
// sync requests still queued with ServiceUnavailable, then waits for in-flight executions to
// finish. When ctx ends first, the remaining executions are told to stop: their starts are
// handed back to JetStream for another executor and their sync callers answered with
// ServiceUnavailable at once. An execution that ignores being stopped is abandoned after
// Config.AbandonAfter (logged by ARN; its start stays unacked and is redelivered), so Shutdown
// always returns.
func (e *Executor) Shutdown(ctx context.Context) error {
	e.subsMu.Lock()
	if !e.stopping.CompareAndSwap(false, true) {
		e.subsMu.Unlock()
		return errors.New("executor: already shut down")
	}
	if e.stopObserving != nil {
		defer e.stopObserving() // the counters are reported until the drain ends
	}
	if e.syncSub != nil {
		_ = e.syncSub.Unsubscribe()
	}
	e.subsMu.Unlock()
	if e.triggers != nil {
		e.triggers.close()
	}
	e.bgCancel()
	if e.syncLoopOn.Load() {
		<-e.syncDone
	}
	const draining = "this stepjet executor is shutting down; retry (another executor takes it)"
	e.answerHeld(draining)
	// The pull under way is not waited for here: from now on it hands back what it receives
	// (admit), and nothing else adds to the in-flight count.
	done := make(chan struct{})
	go func() { e.inflight.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		if isClosed(done) { // both were ready: the drain did finish
			break
		}
		e.cfg.Logger.Warn("drain deadline reached; handing back in-flight executions", "inflight", e.metrics.inflight.Load())
		e.runCancel()
		e.answerHeld("this stepjet executor stopped the execution at its drain deadline; it did not complete")
		err = ctx.Err()
		select {
		case <-done:
		case <-time.After(e.cfg.AbandonAfter):
			var arns []string
			e.running.Range(func(k, v any) bool {
				kind := "sync"
				if r, _ := v.(*asyncRun); r != nil {
					kind = "async"
					r.stopHeartbeat() // so that JetStream redelivers the start after AckWait
				}
				if len(arns) < 50 {
					arns = append(arns, kind+" "+k.(string))
				}
				return true
			})
			e.cfg.Logger.Error("executions ignored the stop and were abandoned; their starts stay unacked and will be redelivered",
				"count", e.metrics.inflight.Load(), "executions", arns)
			e.endResults()
			return fmt.Errorf("executor: %d executions abandoned after the drain deadline: %w", len(arns), err)
		}
	}
	if e.started.Load() {
		<-e.pullDone // ends with its pull: at most fetchWait and a second later
		if e.limiter != nil {
			e.limiter.wait() // its lanes end with their pulls too
		}
	}
	e.runCancel()
	e.workers.Wait()
	e.endResults()
	e.cfg.Logger.Info("executor stopped")
	return err
}

// endResults ends the results batches once every start is acked or handed back (or
// abandoned): nothing is left for them to wait for.
func (e *Executor) endResults() {
	ctx, cancel := context.WithTimeout(context.Background(), resultAckTimeout)
	defer cancel()
	if err := e.results.shutdown(ctx); err != nil {
		e.cfg.Logger.Warn("ending the results batches", "err", err)
	}
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// track and untrack record the executions running, for Shutdown's log of abandoned ones.
func (e *Executor) track(arn string, r *asyncRun) { e.running.Store(arn, r) }
func (e *Executor) untrack(arn string)            { e.running.Delete(arn) }

// Ready reports whether the executor is consuming.
func (e *Executor) Ready() bool { return e.started.Load() && !e.stopping.Load() }

// acquire takes an in-flight slot, or reports false once shutdown began.
func (e *Executor) acquire(ctx context.Context) bool {
	select {
	case e.sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (e *Executor) release() { <-e.sem }
