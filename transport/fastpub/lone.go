package fastpub

import (
	"context"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// lonePublisher publishes a message by itself with an asynchronous publish (one publish ack
// per message): what a message arriving on its own costs least in latency, where a batch
// would cost a round trip to start and another to commit.
type lonePublisher struct {
	nc   *nats.Conn
	opts Options
	js   jetstream.JetStream

	mu      sync.Mutex
	pending map[*nats.Msg]func(error) // keyed by the copy handed to the client
	idle    chan struct{}             // set while stop waits; closed when pending empties
}

func newLonePublisher(nc *nats.Conn, opts Options) *lonePublisher {
	return &lonePublisher{nc: nc, opts: opts, pending: make(map[*nats.Msg]func(error))}
}

func (l *lonePublisher) start() error {
	opts := []jetstream.JetStreamOpt{
		jetstream.WithPublishAsyncAckHandler(l.acked),
		jetstream.WithPublishAsyncErrHandler(l.failed),
		jetstream.WithPublishAsyncTimeout(l.opts.AckTimeout),
	}
	if l.opts.MaxPending > 0 {
		opts = append(opts, jetstream.WithPublishAsyncMaxPending(l.opts.MaxPending))
	}
	js, err := jetstream.New(l.nc, opts...)
	if err != nil {
		return err
	}
	l.js = js
	return nil
}

// publish sends it's message; its done is called from the client's ack handlers.
func (l *lonePublisher) publish(it item) {
	// The client hands back the message it was given: a copy of its own makes the key unique
	// even when a caller publishes one message twice, and keeps the caller's message untouched.
	m := &nats.Msg{Subject: it.m.Subject, Header: it.m.Header, Data: it.m.Data}
	l.mu.Lock()
	l.pending[m] = it.done // before publishing: the ack can arrive before PublishMsgAsync returns
	l.mu.Unlock()
	if _, err := l.js.PublishMsgAsync(m); err != nil {
		if done := l.take(m); done != nil { // a synchronous failure calls no handler
			go done(notStored(err))
		}
	}
}

func (l *lonePublisher) take(m *nats.Msg) func(error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	done := l.pending[m]
	delete(l.pending, m)
	if len(l.pending) == 0 && l.idle != nil {
		close(l.idle)
		l.idle = nil
	}
	return done
}

// acked runs on the client's ack goroutine.
func (l *lonePublisher) acked(_ jetstream.JetStream, m *nats.Msg, pa *jetstream.PubAck) {
	if pa != nil && pa.Duplicate && l.opts.Duplicate != nil {
		l.opts.Duplicate()
	}
	if done := l.take(m); done != nil {
		done(nil)
	}
}

// failed may run with the client's publisher lock held (ack timeouts): done runs elsewhere, as
// a caller's fallback publishes.
func (l *lonePublisher) failed(_ jetstream.JetStream, m *nats.Msg, err error) {
	if done := l.take(m); done != nil {
		go done(notStored(err))
	}
}

// stop waits for the outcome of every message published, until ctx ends; the rest get
// ErrClosed (their acks, if they come, find nothing to call).
func (l *lonePublisher) stop(ctx context.Context) {
	l.mu.Lock()
	if len(l.pending) == 0 {
		l.mu.Unlock()
		return
	}
	idle := make(chan struct{})
	l.idle = idle
	l.mu.Unlock()
	select {
	case <-idle:
		return
	case <-ctx.Done():
	}
	l.mu.Lock()
	var failed []item
	for m, done := range l.pending {
		failed = append(failed, item{m: m, done: done})
		delete(l.pending, m)
	}
	l.idle = nil
	l.mu.Unlock()
	failAll(failed, ErrClosed)
}
