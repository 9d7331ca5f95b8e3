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
	"github.com/stepjet/stepjet/transport/fastpub"
	"github.com/stepjet/stepjet/transport/wire"
)

// resultAckTimeout bounds the wait for the results stream to acknowledge a result (its batch's
// acknowledgement, or its own); past it, the result is published again synchronously (storeSync).
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

// resultPublisher stores results without waiting for each one, and acks each start once its
// result is stored, so an execution's worker moves on at once while at-least-once holds (a
// start is never acked before its result is stored).
//
// Results go through one fast-ingest batch publisher (package fastpub): the results stream
// acknowledges every few hundred results instead of each, and a start is acked when the
// acknowledgement covering its result arrives. A results stream that does not allow batches
// (an operator's own, made without allow_batched) gets each result published asynchronously
// with its own publish ack instead (fastpub's Alone); a warning says so once. Either way, a
// result whose publish fails or times out is published again synchronously, with retries, and
// de-duplicated by its Nats-Msg-Id if it was stored after all.
type resultPublisher struct {
	e         *Executor
	fast      *fastpub.Publisher // made by start, which knows whether the stream takes batches
	warnOnce  sync.Once
	startOnce sync.Once
}

func newResultPublisher(e *Executor) (*resultPublisher, error) {
	return &resultPublisher{e: e}, nil
}

// resultFlow is how many results the stream stores between two acknowledgements. A start
// holds its in-flight slot, and its caller waits, until the acknowledgement covering its result
// arrives: while results come more often than the batch's 1 ms linger, a result waits for up to
// resultFlow more results (16 at 4,000 results/s is 4 ms; 256 would be 64 ms). 16 still saves
// fifteen publish acks in sixteen. It is at most an eighth of the in-flight limit, so that the
// results unacknowledged never hold every slot.
func resultFlow(maxInFlight int) uint16 {
	return uint16(min(16, max(1, maxInFlight/8)))
}

// resultOutstanding is how many flow acks may be outstanding: with resultFlow, up to 1,024
// results are in flight to the stream before the publisher waits for one.
const resultOutstanding = 64

// start chooses how results are stored: in batches unless the results stream exists and does
// not allow them (a missing stream is provisioned with them allowed), and starts the publisher.
func (p *resultPublisher) start(ctx context.Context) error {
	var err error
	p.startOnce.Do(func() {
		alone := false
		name := p.e.cfg.Layout.ResultsStream()
		if s, serr := p.e.js.Stream(ctx, name); serr == nil && !s.CachedInfo().Config.AllowBatchPublish {
			alone = true
			p.noBatches("the results stream " + name + " does not allow fast-ingest batches (allow_batched)")
		}
		p.fast = fastpub.New(p.e.js, fastpub.Options{
			Flow:               resultFlow(p.e.cfg.MaxInFlight),
			MaxOutstandingAcks: resultOutstanding,
			AckTimeout:         resultAckTimeout,
			Logger:             p.e.cfg.Logger,
			Alone:              alone,
			Refused:            func(error) { p.noBatches("the results stream refused a batch (allow_batched was turned off)") },
			Duplicate:          func() { p.e.metrics.deduplicated.Add(1) },
			// One result per in-flight slot at most, so publishing never stalls on this window.
			MaxPending: p.e.cfg.MaxInFlight + 1,
		})
		err = p.fast.Start(context.Background())
	})
	return err
}

// noBatches says, once, that results are published one by one.
func (p *resultPublisher) noBatches(why string) {
	p.warnOnce.Do(func() {
		p.e.cfg.Logger.Warn("results are published one by one, each with its own acknowledgement, which costs the stream and the executor more: "+why+
			"; allow them with `nats stream edit --allow-batch` or let stepjet provision the stream", "stream", p.e.cfg.Layout.ResultsStream())
	})
}

// shutdown ends the batches once nothing more is stored (after the executor's drain).
func (p *resultPublisher) shutdown(ctx context.Context) error {
	if p.fast == nil {
		return nil // never started
	}
	return p.fast.Shutdown(ctx)
}

// store publishes res for r; r's start is acked (or handed back) when the outcome is known.
func (p *resultPublisher) store(r *asyncRun, res *wire.Result, machine string) {
	m := p.e.resultMsg(res, machine, r.redrive)
	r.arn = res.ExecutionArn
	p.fast.Publish(m, func(err error) { p.stored(r, m, err) })
}

// stored runs on the publisher's goroutine (or the client's ack goroutine) when m's fate is
// known: it must not block. A duplicate result (a redelivered execution's) counts as stored.
func (p *resultPublisher) stored(r *asyncRun, m *nats.Msg, err error) {
	if err == nil {
		p.e.ackStart(r)
		return
	}
	go p.retry(r, m)
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
