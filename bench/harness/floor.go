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
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/fastpub"
	"github.com/stepjet/stepjet/transport/wire"
)

// Floor measures what the NATS layout's contract alone costs one async execution, with no
// engine: a start published as the API publishes it (de-duplicated by Nats-Msg-Id) to a
// work-queue stream; a relay on the executor's connection that fetches it, publishes a
// result-sized message de-duplicated by its own id to a results stream, and acks the start once
// that publish is acknowledged (the executor's at-least-once order); and the load generator
// reading every result. It is the best any executor could do with this layout on this server,
// so async executions are also reported against it: the ceiling counts one stored message per
// pair, an execution needs two.
func (e *Env) Floor(ctx context.Context, n int, input []byte, resultSize int, prog io.Writer) (Phase, error) {
	return e.floor(ctx, false, n, input, resultSize, prog)
}

// FloorBatch is the floor of the fast-ingest layout (issue 21): the same contract (starts and
// results de-duplicated by Nats-Msg-Id, a start acked only once its result is stored), with the
// starts published in bulk and the results streamed through fastpub (ADR-50 fast-ingest
// batches, acknowledged every few hundred messages instead of one by one): each start is acked
// when the batch acknowledgement covering its result arrives.
func (e *Env) FloorBatch(ctx context.Context, n int, input []byte, resultSize int, prog io.Writer) (Phase, error) {
	return e.floor(ctx, true, n, input, resultSize, prog)
}

// floor runs one floor phase; batch picks the fast-ingest layout (FloorBatch) over today's.
func (e *Env) floor(ctx context.Context, batch bool, n int, input []byte, resultSize int, prog io.Writer) (Phase, error) {
	name, tag := PhaseFloor, "FLOOR"
	if batch {
		name, tag = PhaseFloorBatch, "FLOORBATCH"
	}
	ph := Phase{Name: name}
	startStream := e.layout.ExecutionsStream() + "_" + tag + "_" + e.runID
	resultStream := e.layout.ResultsStream() + "_" + tag + "_" + e.runID
	startSubject := e.cfg.Prefix + ".bench" + name + "." + e.runID + ".start"
	resultSubject := e.cfg.Prefix + ".bench" + name + "." + e.runID + ".result"
	storage := jetstream.FileStorage
	if e.cfg.Memory {
		storage = jetstream.MemoryStorage
	}
	for _, sc := range []jetstream.StreamConfig{
		{Name: startStream, Subjects: []string{startSubject}, Retention: jetstream.WorkQueuePolicy, Storage: storage, AllowBatchPublish: batch},
		{Name: resultStream, Subjects: []string{resultSubject}, Storage: storage, AllowBatchPublish: batch},
	} {
		if _, err := e.js.CreateStream(ctx, sc); err != nil {
			return ph, fmt.Errorf("%s stream: %w", name, err)
		}
		defer func() { _ = e.js.DeleteStream(context.Background(), sc.Name) }()
	}
	cons, err := e.execJS.CreateOrUpdateConsumer(ctx, startStream, jetstream.ConsumerConfig{Durable: "floor",
		AckPolicy: jetstream.AckExplicitPolicy, MaxAckPending: -1})
	if err != nil {
		return ph, fmt.Errorf("%s consumer: %w", name, err)
	}

	// The load generator reads results as the async phases do: an ordered consumer.
	var received atomic.Int64
	done := make(chan struct{})
	rc, err := e.js.OrderedConsumer(ctx, resultStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return ph, fmt.Errorf("%s results consumer: %w", name, err)
	}
	cc, err := rc.Consume(func(jetstream.Msg) {
		if received.Add(1) == int64(n) {
			close(done)
		}
	}, consumeOpts()...)
	if err != nil {
		return ph, fmt.Errorf("%s results consumer: %w", name, err)
	}
	defer cc.Stop()

	relayCtx, stopRelay := context.WithCancel(ctx)
	relay := e.startRelay
	if batch {
		relay = e.startBatchRelay
	}
	relayDone, err := relay(relayCtx, cons, resultSubject, resultSize)
	if err != nil {
		stopRelay()
		return ph, err
	}
	defer func() { stopRelay(); <-relayDone }()

	// Starts in bulk: the load generator's own fast-ingest publisher, on the floor's stream.
	var bulk *fastpub.Publisher
	var bulkErrs atomic.Int64
	if batch {
		if bulk, err = e.newBulkPublisher(ctx, e.js); err != nil {
			return ph, fmt.Errorf("%s: %w", name, err)
		}
		defer shutdownPublisher(bulk)
	}

	prefix := e.namePrefix(name)
	bar := startProgress(prog, name, n, func() int { return int(received.Load()) })
	m := startMeter(nil)
	start := time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		id := prefix + strconv.Itoa(i)
		// The start as the API encodes it, on the floor's own stream (no executor reads it).
		msg, err := e.layout.StartMsg(wire.Start{Machine: "floor", Name: id, Date: time.Now().UTC(), Input: input})
		if err == nil {
			msg.Subject = startSubject
			if bulk != nil {
				bulk.Publish(msg, func(err error) {
					if err != nil {
						bulkErrs.Add(1)
					}
				})
			} else {
				err = publishAsync(ctx, e.js, msg)
			}
		}
		if err != nil {
			ph.Errors++
		}
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
	ph.Seconds = time.Since(start).Seconds()
	bar.end()
	ph.Count = int(received.Load())
	ph.Errors += int(bulkErrs.Load())
	m.finish(&ph)
	how := "the contract's JetStream work per async execution, no engine"
	if batch {
		how = "starts and results as fast-ingest batches (fastpub), each start acked once its result's batch ack arrives: the new layout's JetStream work per async execution, no engine"
	}
	ph.Note = join(ph.Note, fmt.Sprintf("%d-byte starts, %d-byte results, %s storage: %s", len(input), resultSize, storage, how))
	if ph.Count < n {
		return ph, fmt.Errorf("%s: %d of %d results: %w", name, ph.Count, n, errTimeout)
	}
	return ph, nil
}

// resultBody is a result-sized body for the relays.
func resultBody(size int) []byte {
	body := make([]byte, size)
	for i := range body {
		body[i] = 'x'
	}
	return body
}

// resultFor is the relay's result for start: its own Nats-Msg-Id, derived from the start's.
func resultFor(start jetstream.Msg, subject string, body []byte) *nats.Msg {
	res := nats.NewMsg(subject)
	res.Data = body
	res.Header.Set(wire.HeaderMsgID, "result-"+start.Headers().Get(wire.HeaderMsgID))
	return res
}

// relayLoop fetches starts as the executor does (up to 256 at a time, each fetch bounded by a
// second) and hands each to answer, until ctx ends.
func relayLoop(ctx context.Context, cons jetstream.Consumer, answer func(jetstream.Msg)) {
	for ctx.Err() == nil {
		fctx, cancel := context.WithTimeout(ctx, time.Second)
		batch, err := cons.Fetch(256, jetstream.FetchContext(fctx))
		if err != nil {
			cancel()
			continue
		}
		for start := range batch.Messages() {
			answer(start)
		}
		cancel()
	}
}

// startRelay consumes starts from cons and answers each with a result as the executor does:
// fetches sized up to 256, the result published asynchronously, the start acked from the
// publish-ack callback. The returned channel closes when the relay has stopped.
func (e *Env) startRelay(ctx context.Context, cons jetstream.Consumer, subject string, size int) (<-chan struct{}, error) {
	body := resultBody(size)
	var mu sync.Mutex
	pending := make(map[*nats.Msg]jetstream.Msg)
	take := func(m *nats.Msg) jetstream.Msg {
		mu.Lock()
		defer mu.Unlock()
		start := pending[m]
		delete(pending, m)
		return start
	}
	js, err := jetstream.New(e.execNC,
		jetstream.WithPublishAsyncMaxPending(4096),
		jetstream.WithPublishAsyncAckHandler(func(_ jetstream.JetStream, m *nats.Msg, _ *jetstream.PubAck) {
			if start := take(m); start != nil {
				_ = start.Ack()
			}
		}),
		jetstream.WithPublishAsyncErrHandler(func(_ jetstream.JetStream, m *nats.Msg, _ error) {
			if start := take(m); start != nil {
				_ = start.Nak() // redelivered; its result is de-duplicated
			}
		}))
	if err != nil {
		return nil, err
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		relayLoop(ctx, cons, func(start jetstream.Msg) {
			res := resultFor(start, subject, body)
			mu.Lock()
			pending[res] = start
			mu.Unlock()
			if err := publishAsync(ctx, js, res); err != nil && take(res) != nil {
				_ = start.Nak()
			}
		})
	}()
	return stopped, nil
}

// startBatchRelay is startRelay in the fast-ingest layout: results go through one fastpub
// publisher on the executor's connection, and each start is acked when its result is reported
// stored (or de-duplicated), nakked when the batch failed (redelivered; its result is then
// de-duplicated).
func (e *Env) startBatchRelay(ctx context.Context, cons jetstream.Consumer, subject string, size int) (<-chan struct{}, error) {
	body := resultBody(size)
	pub, err := e.newBulkPublisher(ctx, e.execJS)
	if err != nil {
		return nil, err
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		defer shutdownPublisher(pub)
		relayLoop(ctx, cons, func(start jetstream.Msg) {
			pub.Publish(resultFor(start, subject, body), func(err error) {
				if err != nil {
					_ = start.Nak()
					return
				}
				_ = start.Ack()
			})
		})
	}()
	return stopped, nil
}

// resultSize is the size of the result body one execution of machine with input produces (a
// sync execution's reply has the async result's shape), so the floor stores results as large
// as the executor's.
func (e *Env) resultSize(ctx context.Context, machine string, input []byte) (int, error) {
	name := e.namePrefix("size") + "0"
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	msg, err := e.layout.SyncMsg(wire.Start{Machine: machine, Name: name, Arn: e.layout.ExecutionArn(machine, name, e.runID+"-size"), Input: input})
	if err != nil {
		return 0, err
	}
	reply, err := e.nc.RequestMsgWithContext(rctx, msg)
	if err != nil {
		return 0, fmt.Errorf("measuring the result size: %w", err)
	}
	return len(reply.Data), nil
}
