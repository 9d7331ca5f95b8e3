package executor

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
)

// syncCall is one sync request the executor holds, queued or running. It is answered exactly
// once: by the worker that runs it, or by Shutdown when the executor drains.
type syncCall struct {
	m    *nats.Msg
	at   time.Time // when it arrived (for the sync latency histogram)
	once sync.Once
}

func (c *syncCall) answer(b []byte) { c.once.Do(func() { _ = c.m.Respond(b) }) }

// startSync subscribes the sync responder: core requests on <prefix>.sync.<machine> (the whole
// remainder is the machine, see wire.Layout.SubjectMachine) in the executors' queue group, so
// exactly one executor answers each (at-most-once).
func (e *Executor) startSync() error {
	subject := strings.TrimSuffix(e.cfg.Layout.SyncSubject("x"), "x") + ">"
	sub, err := e.cfg.NC.QueueSubscribe(subject, e.cfg.Layout.SyncQueue(), e.onSync)
	if err != nil {
		return err
	}
	// The callback only queues (or refuses) a request, so the subscription's own buffer stays
	// small; its limits bound memory should the callback ever fall behind.
	_ = sub.SetPendingLimits(max(4*e.cfg.MaxSyncPending, 4096), int(2*e.cfg.MaxSyncPendingBytes))
	e.subsMu.Lock()
	e.syncSub = sub
	e.subsMu.Unlock()
	e.syncLoopOn.Store(true)
	go e.syncLoop()
	return nil
}

// onSync queues a sync request, or answers at once: ServiceUnavailable when the executor is
// draining, ThrottlingException when its queue is full (MaxSyncPending requests or
// MaxSyncPendingBytes of input wait already). No goroutine is spent on a request before it has
// a slot.
func (e *Executor) onSync(m *nats.Msg) {
	if m.Reply == "" {
		return // nobody to answer: not a request
	}
	c := &syncCall{m: m, at: time.Now()}
	e.subsMu.Lock()
	defer e.subsMu.Unlock()
	if e.stopping.Load() {
		c.answer(wire.SyncErrorReply(wire.SyncUnavailable, "this stepjet executor is shutting down; retry (another executor takes it)"))
		return
	}
	n := int64(len(m.Data))
	if e.syncBytes.Add(n) > e.cfg.MaxSyncPendingBytes {
		e.syncBytes.Add(-n)
		e.busy(c)
		return
	}
	select {
	case e.syncQ <- c:
	default:
		e.syncBytes.Add(-n)
		e.busy(c)
	}
}

func (e *Executor) busy(c *syncCall) {
	e.metrics.syncBusy.Add(1)
	c.answer(wire.SyncErrorReply(wire.SyncBusy, "this stepjet executor's sync queue is full (max-inflight executions running and the queue's limit waiting); retry later"))
}

// syncLoop hands queued sync requests to workers as in-flight slots free, dropping those whose
// caller has stopped waiting. It ends when Shutdown begins; Shutdown answers what is left.
func (e *Executor) syncLoop() {
	defer close(e.syncDone)
	for {
		var c *syncCall
		select {
		case <-e.bgCtx.Done():
			return
		case c = <-e.syncQ:
		}
		e.syncBytes.Add(-int64(len(c.m.Data)))
		if gone(c.m) {
			e.metrics.syncDropped.Add(1)
			continue
		}
		if !e.acquire(e.bgCtx) {
			e.unavailable(c, "this stepjet executor is shutting down; retry (another executor takes it)")
			return
		}
		if gone(c.m) { // it may have waited for its slot a long time
			e.release()
			e.metrics.syncDropped.Add(1)
			continue
		}
		e.hold(c)
		e.inflight.Add(1)
		e.dispatch(job{req: c})
	}
}

// gone reports that a sync request's caller has stopped waiting (its Stepjet-Deadline passed).
func gone(m *nats.Msg) bool {
	if m.Header == nil {
		return false
	}
	t, err := time.Parse(time.RFC3339Nano, m.Header.Get(wire.HeaderDeadline))
	return err == nil && time.Now().After(t)
}

func (e *Executor) unavailable(c *syncCall, msg string) {
	c.answer(wire.SyncErrorReply(wire.SyncUnavailable, msg))
}

// hold and unhold track the running sync calls Shutdown answers at its deadline.
func (e *Executor) hold(c *syncCall) {
	e.heldMu.Lock()
	e.held[c] = struct{}{}
	e.heldMu.Unlock()
}

func (e *Executor) unhold(c *syncCall) {
	e.heldMu.Lock()
	delete(e.held, c)
	e.heldMu.Unlock()
}

// answerHeld answers every queued and running sync call with ServiceUnavailable.
func (e *Executor) answerHeld(msg string) {
	for {
		select {
		case c := <-e.syncQ:
			e.syncBytes.Add(-int64(len(c.m.Data)))
			e.unavailable(c, msg)
			continue
		default:
		}
		break
	}
	e.heldMu.Lock()
	calls := make([]*syncCall, 0, len(e.held))
	for c := range e.held {
		calls = append(calls, c)
	}
	e.heldMu.Unlock()
	for _, c := range calls {
		e.unavailable(c, msg)
	}
}

// serveSync runs one sync request on a worker (its slot already taken) and answers it.
func (e *Executor) serveSync(c *syncCall) {
	defer e.inflight.Done()
	defer e.release()
	defer e.unhold(c)
	e.metrics.inflight.Add(1)
	defer e.metrics.inflight.Add(-1)
	st, bad := e.cfg.Layout.DecodeStart(c.m.Subject, c.m.Header, c.m.Data, time.Now(), 0)
	var se *wire.StartError
	if errors.As(bad, &se) && se.Fatal {
		e.metrics.refused.Add(1)
		c.answer(wire.SyncErrorReply(se.Type, se.Message))
		return
	}
	if lim := e.limitsOf(e.runCtx, st.Machine); !lim.None() {
		// Counted in the machine's limits: moved to wait its turn (run and answered by the
		// executor that takes it), or refused now (limited.go).
		ctx, cancel := context.WithTimeout(e.bgCtx, 10*time.Second)
		e.limiter.admitSync(ctx, c, st.Machine, lim)
		cancel()
		return
	}
	e.metrics.syncStarted.Add(1)
	e.track(st.Arn, nil)
	res := e.execute(e.runCtx, st, bad, delivery{header: c.m.Header, sync: true})
	e.untrack(st.Arn)
	if e.runCtx.Err() != nil {
		e.unavailable(c, "this stepjet executor stopped the execution at its drain deadline; it did not complete")
		return
	}
	e.record(&res)
	c.answer(e.encodeResult(&res))
	e.cfg.Telemetry.RecordSync(time.Since(c.at), res.Status)
}

// serveWaitedSync runs a sync start that waited for its machine's limits (moved there by the
// executor that received it) and answers its caller on the reply subject it carries. Sync
// starts are at-most-once: a redelivered one (the executor that took it stopped) is not run
// again; its caller, if still waiting, is told so.
func (e *Executor) serveWaitedSync(r *asyncRun, meta *jetstream.MsgMetadata, st wire.Start, bad error, w waitedStart) {
	defer e.done(r)
	reply := func(b []byte) { _ = e.cfg.NC.Publish(w.reply, b) }
	if meta.NumDelivered > 1 {
		reply(wire.SyncErrorReply(wire.SyncUnavailable, "the stepjet executor running this execution stopped before it answered; sync executions are not run twice"))
		_ = r.msg.Term()
		return
	}
	if !st.Deadline.IsZero() && time.Now().After(st.Deadline) {
		e.metrics.syncDropped.Add(1) // its caller stopped waiting
		_ = r.msg.Term()
		return
	}
	e.metrics.syncStarted.Add(1)
	st.Date = time.Now().UTC() // it begins now, as async waited starts do
	e.track(st.Arn, r)
	res := e.execute(e.runCtx, st, bad, delivery{header: w.header, sync: true})
	e.untrack(st.Arn)
	if e.runCtx.Err() != nil {
		reply(wire.SyncErrorReply(wire.SyncUnavailable, "this stepjet executor stopped the execution at its drain deadline; it did not complete"))
		_ = r.msg.Term()
		return
	}
	e.record(&res)
	reply(e.encodeResult(&res))
	_ = r.msg.Ack()
	e.cfg.Telemetry.RecordSync(time.Since(w.accepted), res.Status)
}
