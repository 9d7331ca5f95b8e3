package executor

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/wire"
)

// maxBatch bounds one pull request; slots beyond it are filled by the next pull.
const maxBatch = 256

// pull fetches starts while there are free in-flight slots, until Shutdown.
func (e *Executor) pull(cons jetstream.Consumer) {
	defer close(e.pullDone)
	for {
		if !e.acquire(e.bgCtx) {
			return
		}
		n := 1
		for n < maxBatch {
			select {
			case e.sem <- struct{}{}:
				n++
				continue
			default:
			}
			break
		}
		// A context (not FetchMaxWait) bounds the pull, so Shutdown ends it at once, and a pull
		// whose expiry status is slow to come back cannot stall the loop.
		fctx, cancel := context.WithTimeout(e.bgCtx, time.Second)
		batch, err := cons.Fetch(n, jetstream.FetchContext(fctx))
		if err != nil {
			cancel()
			for range n {
				e.release()
			}
			if e.bgCtx.Err() != nil {
				return
			}
			e.cfg.Logger.Warn("fetch failed", "err", err)
			select {
			case <-time.After(time.Second):
			case <-e.bgCtx.Done():
				return
			}
			continue
		}
		for msg := range batch.Messages() {
			n--
			if e.bgCtx.Err() != nil {
				// Shutdown began after this pull: hand the start back at once.
				_ = msg.Nak()
				e.release()
				continue
			}
			e.inflight.Add(1)
			e.dispatch(job{start: msg})
		}
		cancel()
		for range n {
			e.release()
		}
		if err := batch.Error(); err != nil && e.bgCtx.Err() == nil && !isFetchTimeout(err) {
			e.cfg.Logger.Debug("pull ended", "err", err)
		}
	}
}

func isFetchTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout)
}

// handle runs one async start: execute, then store the result. The start is acked only once
// the results stream has acknowledged the result (see results.go), so any failure before that
// leaves it unacked and JetStream redelivers it; the result's Nats-Msg-Id (the execution ARN)
// suppresses a duplicate. handle returns once the result is published; the in-flight slot and
// the heartbeat are held until the start is acked.
func (e *Executor) handle(msg jetstream.Msg) {
	e.metrics.inflight.Add(1)
	meta, err := msg.Metadata()
	if err != nil {
		e.cfg.Logger.Error("start without metadata; terminating it", "subject", msg.Subject(), "err", err)
		_ = msg.Term()
		e.done(nil)
		return
	}
	st := e.startFromMsg(msg.Subject(), msg.Headers(), meta)
	r := &asyncRun{e: e, msg: msg}
	r.startHeartbeat(e.cfg.AckWait / 3)

	var res wire.Result
	var machine string
	if meta.NumDelivered > 1 {
		e.metrics.redelivered.Add(1)
	}
	if meta.NumDelivered >= uint64(e.cfg.MaxDeliver) {
		// The last delivery: every earlier one ended without a stored result (the executor died,
		// or was stopped). Do not risk it again; report it.
		e.metrics.maxDelivered.Add(1)
		res, machine = e.abandoned(st, msg.Data(), meta.NumDelivered)
	} else {
		e.metrics.started.Add(1)
		res, machine = e.execute(e.runCtx, st, msg.Data())
	}
	if e.runCtx.Err() != nil {
		// Shutdown's deadline aborted this execution: hand it back for another executor.
		_ = msg.Nak()
		e.done(r)
		return
	}
	e.results.store(r, &res, machine)
}

// done ends an async start's hold on the executor: its heartbeat, slot and in-flight count.
func (e *Executor) done(r *asyncRun) {
	if r != nil {
		r.stopHeartbeat()
	}
	e.metrics.inflight.Add(-1)
	e.release()
	e.inflight.Done()
}

// abandoned is the FAILED result of a start delivered MaxDeliver times; it does not run it.
func (e *Executor) abandoned(st start, input []byte, deliveries uint64) (wire.Result, string) {
	_, res, machine, done := e.prepare(e.runCtx, st, input)
	if done {
		return res, machine
	}
	e.metrics.failed.Add(1)
	return finish(res, st.startDate, engine.StatusFailed, "States.Runtime",
		"The execution was delivered "+itoa64(deliveries)+" times without completing (each executor that ran it stopped before storing its result); stepjet does not run it again."), machine
}

func itoa64(n uint64) string { b, _ := json.Marshal(n); return string(b) }

// startFromMsg reads an execution's identity from a start message.
func (e *Executor) startFromMsg(subject string, h nats.Header, meta *jetstream.MsgMetadata) start {
	st := start{
		machineRef:  h.Get(wire.HeaderStateMachineArn),
		arn:         h.Get(wire.HeaderExecutionArn),
		name:        h.Get(wire.HeaderExecutionName),
		traceHeader: h.Get(wire.HeaderTraceParent),
	}
	if i := strings.LastIndexByte(subject, '.'); i >= 0 {
		st.subjectName, _ = wire.DecodeKey(subject[i+1:])
	}
	st.seq = meta.Sequence.Stream
	if st.name == "" {
		st.name = h.Get(wire.HeaderMsgID)
	}
	if st.name == "" {
		// Derived from the message's place in the stream, so every redelivery agrees on it.
		st.name = client.DeriveName(e.cfg.Layout, st.seq)
	}
	st.startDate = meta.Timestamp
	if t, err := time.Parse(time.RFC3339Nano, h.Get(wire.HeaderStartDate)); err == nil {
		st.startDate = t
	}
	return st
}
