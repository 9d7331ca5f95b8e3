package executor

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
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
	// redrive is the start's redrive count: its result's de-duplication id carries it.
	redrive int
	// waited: the start comes from the waiting stream (a limited machine's, limited.go).
	waited bool

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
	m := p.e.resultMsg(res, machine, r.redrive)
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
func (p *resultPublisher) acked(_ jetstream.JetStream, m *nats.Msg, pa *jetstream.PubAck) {
	if pa != nil && pa.Duplicate {
		p.e.metrics.deduplicated.Add(1)
	}
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
	err := p.e.storeSync(m)
	if err != nil && permanent(err) {
		// This result can never be stored: store why instead, rather than hand the start back to
		// run its tasks again, and fail the same way, until MaxDeliver.
		p.e.cfg.Logger.Error("result refused by the results stream; storing a FAILED result instead", "executionArn", r.arn, "err", err)
		m = p.e.unstorable(m, err)
		err = p.e.storeSync(m)
	}
	if err != nil {
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

// resultMsg is res as a results-stream message, de-duplicated by its execution ARN and redrive
// count (wire.ResultID).
func (e *Executor) resultMsg(res *wire.Result, machine string, redrive int) *nats.Msg {
	m := nats.NewMsg(e.cfg.Layout.ResultSubject(machine))
	m.Data = e.encodeResult(res)
	m.Header.Set(wire.HeaderMsgID, wire.ResultID(res.ExecutionArn, redrive))
	m.Header.Set(wire.HeaderExecutionArn, res.ExecutionArn)
	return m
}

// resultHeadroom is what a result message needs beside its body (its headers, the execution
// ARN twice, at most 256 characters each).
const resultHeadroom = 2048

// encodeResult encodes res as a results-stream body or sync reply. A result NATS could not
// carry (its server's max_payload; a 256 KiB input of backslashes is ~1 MiB escaped twice) is
// replaced by a FAILED result with error States.DataLimitExceeded, without input and output,
// so every execution has a result and every sync caller an answer.
func (e *Executor) encodeResult(res *wire.Result) []byte {
	b := appendResult(make([]byte, 0, resultSize(res)), res)
	limit := int(e.cfg.NC.MaxPayload()) - resultHeadroom
	if len(b) <= limit {
		return b
	}
	e.metrics.tooLarge.Add(1)
	small := *res
	small.Status = "FAILED"
	small.Error = "States.DataLimitExceeded"
	small.Cause = "The execution's result is " + strconv.Itoa(len(b)) + " bytes encoded, over the " + strconv.Itoa(limit) +
		" bytes a NATS message can carry here (the server's max_payload less headers); the result is stored without its input, output and cause."
	small.Input, small.Output = "", ""
	small.InputDetails = &wire.PayloadDetails{Included: false}
	small.OutputDetails = nil
	if res.Status == "SUCCEEDED" {
		e.metrics.succeeded.Add(-1)
		e.metrics.failed.Add(1)
	}
	return appendResult(nil, &small)
}

// permanent reports a publish error that no retry can cure: the message is too large for the
// connection or the stream.
func permanent(err error) bool {
	var apiErr *jetstream.APIError
	return errors.Is(err, nats.ErrMaxPayload) ||
		errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamMessageExceedsMaximum
}

// unstorable replaces a result message the stream refused with a small FAILED result saying why.
func (e *Executor) unstorable(m *nats.Msg, cause error) *nats.Msg {
	var res wire.Result
	_ = json.Unmarshal(m.Data, &res)
	res.Status, res.Error = "FAILED", "States.Runtime"
	res.Cause = "stepjet could not store this execution's result (" + truncate(cause.Error()) + "); it is stored without its input and output."
	res.Input, res.Output, res.OutputDetails = "", "", nil
	res.InputDetails = &wire.PayloadDetails{Included: false}
	out := nats.NewMsg(m.Subject)
	out.Header = m.Header
	out.Data = appendResult(nil, &res)
	return out
}

// storeSync publishes a result message and waits for the stream's ack, retrying briefly. It
// gives up early when Shutdown's deadline aborts executions.
func (e *Executor) storeSync(m *nats.Msg) error {
	var last error
	for attempt := range 5 {
		ctx, cancel := context.WithTimeout(e.runCtx, 5*time.Second)
		var pa *jetstream.PubAck
		pa, last = e.js.PublishMsg(ctx, m)
		cancel()
		if last == nil {
			if pa.Duplicate {
				e.metrics.deduplicated.Add(1)
			}
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
