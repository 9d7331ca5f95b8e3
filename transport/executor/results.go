package executor

import (
	"context"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
)

// resultAckTimeout bounds the wait for the results stream to acknowledge a result published
// asynchronously; past it, the result is published again synchronously (storeSync).
const resultAckTimeout = 5 * time.Second

// asyncRun is one async start from its delivery until it is acked (or handed back).
type asyncRun struct {
	e   *Executor
	msg jetstream.Msg
	arn string

	hbMu      sync.Mutex
	hb        *time.Timer
	hbEvery   time.Duration
	hbStopped bool
}

// startHeartbeat tells JetStream the start is still being worked on, every AckWait/3, from a
// timer: most executions end long before the first beat, and then cost no goroutine at all.
func (r *asyncRun) startHeartbeat(every time.Duration) {
	r.hbMu.Lock()
	r.hbEvery = every
	r.hb = time.AfterFunc(every, r.beat)
	r.hbMu.Unlock()
}

func (r *asyncRun) beat() {
	r.hbMu.Lock()
	defer r.hbMu.Unlock()
	if r.hbStopped {
		return // stopped while this beat was due: re-arming would beat forever
	}
	_ = r.msg.InProgress()
	r.hb.Reset(r.hbEvery)
}

func (r *asyncRun) stopHeartbeat() {
	r.hbMu.Lock()
	r.hbStopped = true
	if r.hb != nil {
		r.hb.Stop()
	}
	r.hbMu.Unlock()
}

// resultPublisher stores results without waiting for each one: a result is published
// asynchronously and its start is acked from the publish-ack callback, so an execution's
// worker moves on at once while at-least-once holds (a start is never acked before its result
// is stored). A result whose publish fails or times out is published again synchronously,
// with retries, off the callback.
type resultPublisher struct {
	e  *Executor
	js jetstream.JetStream

	mu      sync.Mutex
	pending map[*nats.Msg]*asyncRun // results published and not yet acknowledged
}

func newResultPublisher(e *Executor) (*resultPublisher, error) {
	p := &resultPublisher{e: e, pending: make(map[*nats.Msg]*asyncRun)}
	js, err := jetstream.New(e.cfg.NC,
		// One result per in-flight slot at most, so publishing never stalls on this window.
		jetstream.WithPublishAsyncMaxPending(e.cfg.MaxInFlight+1),
		jetstream.WithPublishAsyncTimeout(resultAckTimeout),
		jetstream.WithPublishAsyncAckHandler(p.acked),
		jetstream.WithPublishAsyncErrHandler(p.failed))
	if err != nil {
		return nil, err
	}
	p.js = js
	return p, nil
}

// store publishes res for r; r's start is acked (or handed back) when the outcome is known.
func (p *resultPublisher) store(r *asyncRun, res *wire.Result, machine string) {
	m := p.e.resultMsg(res, machine)
	r.arn = res.ExecutionArn
	// Registered before publishing: the ack can arrive before PublishMsgAsync returns.
	p.mu.Lock()
	p.pending[m] = r
	p.mu.Unlock()
	if _, err := p.js.PublishMsgAsync(m); err != nil {
		if p.take(m) != nil { // a synchronous failure calls no handler
			go p.retry(r, m)
		}
	}
}

func (p *resultPublisher) take(m *nats.Msg) *asyncRun {
	p.mu.Lock()
	r := p.pending[m]
	delete(p.pending, m)
	p.mu.Unlock()
	return r
}

// acked runs on the publish-ack goroutine: it must not block.
func (p *resultPublisher) acked(_ jetstream.JetStream, m *nats.Msg, _ *jetstream.PubAck) {
	if r := p.take(m); r != nil {
		p.e.ackStart(r)
	}
}

// failed may run with the publisher's lock held (ack timeouts): never publish from it.
func (p *resultPublisher) failed(_ jetstream.JetStream, m *nats.Msg, _ error) {
	if r := p.take(m); r != nil {
		go p.retry(r, m)
	}
}

// retry stores the result synchronously; when that fails too, the start is handed back to be
// redelivered (its result, if it was stored after all, is de-duplicated).
func (p *resultPublisher) retry(r *asyncRun, m *nats.Msg) {
	if err := p.e.storeSync(m); err != nil {
		p.e.metrics.storeErrors.Add(1)
		p.e.cfg.Logger.Error("storing result failed; the start will be redelivered", "executionArn", r.arn, "err", err)
		_ = r.msg.NakWithDelay(time.Second)
		p.e.done(r)
		return
	}
	p.e.ackStart(r)
}

// ackStart acks a start whose result is stored, and releases it.
func (e *Executor) ackStart(r *asyncRun) {
	if err := r.msg.Ack(); err != nil {
		e.cfg.Logger.Warn("ack failed; a redelivery will be de-duplicated", "executionArn", r.arn, "err", err)
	}
	e.done(r)
}

// resultMsg is res as a results-stream message, de-duplicated by its execution ARN.
func (e *Executor) resultMsg(res *wire.Result, machine string) *nats.Msg {
	m := nats.NewMsg(e.cfg.Layout.ResultSubject(machine))
	m.Data = appendResult(make([]byte, 0, resultSize(res)), res)
	m.Header.Set(wire.HeaderMsgID, res.ExecutionArn)
	m.Header.Set(wire.HeaderExecutionArn, res.ExecutionArn)
	return m
}

// storeSync publishes a result message and waits for the stream's ack, retrying briefly. It
// gives up early when Shutdown's deadline aborts executions.
func (e *Executor) storeSync(m *nats.Msg) error {
	var last error
	for attempt := range 5 {
		ctx, cancel := context.WithTimeout(e.runCtx, 5*time.Second)
		_, last = e.js.PublishMsg(ctx, m)
		cancel()
		if last == nil {
			return nil
		}
		select {
		case <-time.After(time.Duration(100<<attempt) * time.Millisecond):
		case <-e.runCtx.Done():
			return last
		}
	}
	return last
}
