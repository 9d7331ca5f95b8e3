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
	ph := Phase{Name: "floor"}
	startStream := e.layout.ExecutionsStream() + "_FLOOR_" + e.runID
	resultStream := e.layout.ResultsStream() + "_FLOOR_" + e.runID
	startSubject := e.cfg.Prefix + ".benchfloor." + e.runID + ".start"
	resultSubject := e.cfg.Prefix + ".benchfloor." + e.runID + ".result"
	storage := jetstream.FileStorage
	if e.cfg.Memory {
		storage = jetstream.MemoryStorage
	}
	for _, sc := range []jetstream.StreamConfig{
		{Name: startStream, Subjects: []string{startSubject}, Retention: jetstream.WorkQueuePolicy, Storage: storage},
		{Name: resultStream, Subjects: []string{resultSubject}, Storage: storage},
	} {
		if _, err := e.js.CreateStream(ctx, sc); err != nil {
			return ph, fmt.Errorf("floor stream: %w", err)
		}
		defer func() { _ = e.js.DeleteStream(context.Background(), sc.Name) }()
	}
	cons, err := e.execJS.CreateOrUpdateConsumer(ctx, startStream, jetstream.ConsumerConfig{Durable: "floor",
		AckPolicy: jetstream.AckExplicitPolicy, MaxAckPending: -1})
	if err != nil {
		return ph, fmt.Errorf("floor consumer: %w", err)
	}

	// The load generator reads results as the async phases do: an ordered consumer.
	var received atomic.Int64
	done := make(chan struct{})
	rc, err := e.js.OrderedConsumer(ctx, resultStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return ph, fmt.Errorf("floor results consumer: %w", err)
	}
	cc, err := rc.Consume(func(jetstream.Msg) {
		if received.Add(1) == int64(n) {
			close(done)
		}
	}, consumeOpts()...)
	if err != nil {
		return ph, fmt.Errorf("floor results consumer: %w", err)
	}
	defer cc.Stop()

	relayCtx, stopRelay := context.WithCancel(ctx)
	relayDone, err := e.startRelay(relayCtx, cons, resultSubject, resultSize)
	if err != nil {
		stopRelay()
		return ph, err
	}
	defer func() { stopRelay(); <-relayDone }()

	prefix := e.namePrefix("floor")
	bar := startProgress(prog, "floor", n, func() int { return int(received.Load()) })
	m := startMeter(nil)
	start := time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		name := prefix + strconv.Itoa(i)
		// The start as the API encodes it, on the floor's own stream (no executor reads it).
		msg, err := e.layout.StartMsg(wire.Start{Machine: "floor", Name: name, Date: time.Now().UTC(), Input: input})
		if err == nil {
			msg.Subject = startSubject
			err = publishAsync(ctx, e.js, msg)
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
	m.finish(&ph)
	ph.Note = join(ph.Note, fmt.Sprintf("%d-byte starts, %d-byte results, %s storage: the contract's JetStream work per async execution, no engine", len(input), resultSize, storage))
	if ph.Count < n {
		return ph, fmt.Errorf("floor: %d of %d results: %w", ph.Count, n, errTimeout)
	}
	return ph, nil
}

// startRelay consumes starts from cons and answers each with a result as the executor does:
// fetches sized up to 256, the result published asynchronously, the start acked from the
// publish-ack callback. The returned channel closes when the relay has stopped.
func (e *Env) startRelay(ctx context.Context, cons jetstream.Consumer, subject string, size int) (<-chan struct{}, error) {
	body := make([]byte, size)
	for i := range body {
		body[i] = 'x'
	}
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
		for ctx.Err() == nil {
			fctx, cancel := context.WithTimeout(ctx, time.Second)
			batch, err := cons.Fetch(256, jetstream.FetchContext(fctx))
			if err != nil {
				cancel()
				continue
			}
			for start := range batch.Messages() {
				res := nats.NewMsg(subject)
				res.Data = body
				res.Header.Set(wire.HeaderMsgID, "result-"+start.Headers().Get(wire.HeaderMsgID))
				mu.Lock()
				pending[res] = start
				mu.Unlock()
				if err := publishAsync(ctx, js, res); err != nil && take(res) != nil {
					_ = start.Nak()
				}
			}
			cancel()
		}
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
