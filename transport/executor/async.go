package executor

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/wire"
)

// maxBatch bounds one pull request; slots beyond it are filled by the next pull.
const maxBatch = 256

// fetchWait is how long one pull waits at the server for starts.
const fetchWait = time.Second

// handBackDelay delays the redelivery of a start a draining executor hands back until its last
// pull has ended: an immediate redelivery could reach that pull, be handed back again, and use
// up the start's deliveries (MaxDeliver) in a loop.
const handBackDelay = fetchWait + 2*time.Second

// pull fetches starts while there are free in-flight slots, until Shutdown.
func (e *Executor) pull(cons jetstream.Consumer) {
	defer close(e.pullDone)
	for {
		n := e.acquireUpTo(maxBatch)
		if n == 0 {
			return
		}
		// The pull expires at the server after fetchWait, and the client waits a second longer
		// for the expiry status: every message the server delivered before it is read, even
		// when CPU-heavy executions delay this process. (A context ending the fetch on the
		// client's side dropped the messages still in flight; they came back only after
		// AckWait.) Shutdown therefore waits for at most one pull to end.
		batch, err := cons.Fetch(n, jetstream.FetchMaxWait(fetchWait))
		if err != nil {
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
			if !e.admit() {
				// Shutdown began after this pull: hand the start back.
				_ = msg.NakWithDelay(handBackDelay)
				e.release()
				continue
			}
			// The heartbeat starts on delivery, not when a worker takes the start: a start
			// waiting for a busy scheduler must not wait out AckWait.
			r := &asyncRun{e: e, msg: msg}
			r.startHeartbeat(e.cfg.AckWait / 3)
			e.dispatch(job{start: r})
		}
		for range n {
			e.release()
		}
		if err := batch.Error(); err != nil && e.bgCtx.Err() == nil && !isFetchTimeout(err) {
			e.cfg.Logger.Debug("pull ended", "err", err)
		}
	}
}

// acquireUpTo waits for one in-flight slot and takes up to most-1 more that are free; it
// returns how many it took (0 once shutdown began).
func (e *Executor) acquireUpTo(most int) int {
	if !e.acquire(e.bgCtx) {
		return 0
	}
	n := 1
	for n < most {
		select {
		case e.sem <- struct{}{}:
			n++
			continue
		default:
		}
		break
	}
	return n
}

// admit counts a delivered start in flight unless Shutdown has begun. Shutdown waits for the
// in-flight count without waiting for the pull under way to end, so the check and the count
// are made under the lock Shutdown sets stopping with.
func (e *Executor) admit() bool {
	e.subsMu.Lock()
	defer e.subsMu.Unlock()
	if e.stopping.Load() {
		return false
	}
	e.inflight.Add(1)
	return true
}

func isFetchTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout)
}

// handle runs one async start: execute, then store the result. The start is acked only once
// the results stream has acknowledged the result (see results.go), so any failure before that
// leaves it unacked and JetStream redelivers it; the result's Nats-Msg-Id (the execution ARN)
// suppresses a duplicate. handle returns once the result is published; the in-flight slot and
// the heartbeat are held until the start is acked.
func (e *Executor) handle(r *asyncRun) {
	e.metrics.inflight.Add(1)
	msg := r.msg
	meta, err := msg.Metadata()
	if err != nil {
		e.cfg.Logger.Error("start without metadata; terminating it", "subject", msg.Subject(), "err", err)
		_ = msg.Term()
		e.done(r)
		return
	}
	subject, header, accepted, seq := msg.Subject(), msg.Headers(), meta.Timestamp, meta.Sequence.Stream
	var waited waitedStart
	var bad error
	if r.waited {
		waited, bad = e.limiter.unwrap(msg, meta)
		subject, header, accepted, seq = waited.subject, waited.header, waited.accepted, waited.seq
	}
	var st wire.Start
	if bad == nil {
		st, bad = e.cfg.Layout.DecodeStart(subject, header, msg.Data(), accepted, seq)
	}
	var se *wire.StartError
	if errors.As(bad, &se) && se.Fatal {
		// No machine to store a result for: nothing from this start may reach a NATS request.
		e.metrics.refused.Add(1)
		e.cfg.Logger.Error("start refused; terminating it", "subject", truncate(msg.Subject()), "seq", meta.Sequence.Stream, "err", bad)
		_ = msg.TermWithReason(truncate(bad.Error()))
		e.done(r)
		return
	}
	if !r.waited && meta.NumDelivered < uint64(e.cfg.MaxDeliver) {
		if lim := e.limitsOf(e.runCtx, st.Machine); !lim.None() {
			e.moveToWait(r, meta, st.Machine)
			return
		}
	}
	if waited.reply != "" {
		e.serveWaitedSync(r, meta, st, bad, waited)
		return
	}
	if r.waited {
		// A waiting start's execution begins when it leaves the wait: its startDate and its
		// 5-minute deadline count from now, not from when it was accepted (st.Accepted still
		// chooses the definition's revision).
		st.Date = time.Now().UTC()
	}
	r.arn, r.redrive = st.Arn, st.RedriveCount
	e.track(st.Arn, r)

	var res wire.Result
	if meta.NumDelivered > 1 {
		e.metrics.redelivered.Add(1)
	}
	if meta.NumDelivered >= uint64(e.cfg.MaxDeliver) {
		// The last delivery: every earlier one ended without a stored result (the executor died,
		// or was stopped). Do not risk it again (nor look anything up); report it.
		e.metrics.maxDelivered.Add(1)
		res = e.abandoned(st, meta.NumDelivered)
	} else {
		e.metrics.started.Add(1)
		arn, machine := st.Arn, st.Machine
		e.executeParking(e.runCtx, st, bad, delivery{header: msg.Headers(), attempt: int(meta.NumDelivered)},
			func(res wire.Result) { e.finishStart(r, arn, machine, res) })
		return
	}
	e.finishStart(r, st.Arn, st.Machine, res)
}

// finishStart stores an async start's result, or hands the start back when Shutdown's deadline
// aborted its execution.
func (e *Executor) finishStart(r *asyncRun, arn, machine string, res wire.Result) {
	e.untrack(arn)
	if e.runCtx.Err() != nil {
		// Shutdown's deadline aborted this execution: hand it back for another executor.
		_ = r.msg.NakWithDelay(handBackDelay)
		e.done(r)
		return
	}
	e.record(&res)
	e.results.store(r, &res, machine)
}

// moveToWait moves a start of a limited machine to the waiting stream and acks it; when the
// move fails the start is handed back, to be moved (or run, if its limits went) later. A
// draining executor still moves the starts it holds: the move is quick and leaves them where
// every executor finds them.
func (e *Executor) moveToWait(r *asyncRun, meta *jetstream.MsgMetadata, machine string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err := e.limiter.move(ctx, r.msg, meta, machine)
	cancel()
	if err != nil {
		e.cfg.Logger.Warn("limits: a start could not be moved to wait for its machine's limits; handed back", "machine", machine, "err", err)
		_ = r.msg.NakWithDelay(handBackDelay)
	} else {
		_ = r.msg.Ack()
	}
	e.done(r)
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

// abandoned is the FAILED result of a start delivered MaxDeliver times; it neither runs it nor
// resolves its machine (a lookup is what may have killed the earlier deliveries).
func (e *Executor) abandoned(st wire.Start, deliveries uint64) wire.Result {
	e.metrics.failed.Add(1)
	return finish(e.identity(st), st.Date, engine.StatusFailed, "States.Runtime",
		"The execution was delivered "+itoa64(deliveries)+" times without completing (each executor that ran it stopped before storing its result); stepjet does not run it again.")
}

func itoa64(n uint64) string { b, _ := json.Marshal(n); return string(b) }

// truncate bounds text taken from a message before it is logged or sent back.
func truncate(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
