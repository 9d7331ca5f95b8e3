package fastpub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Options configure a Publisher. The zero value works.
type Options struct {
	// Flow is how many messages the server stores between two flow acks (default 256). The
	// server may ask for fewer while other batches share the stream (it shares 500 among them).
	// A caller is released only by the flow ack (or commit) covering its message: while messages
	// arrive more often than Linger, a message waits for up to Flow-1 more (Flow/rate), so keep
	// Flow small where latency matters and raise MaxOutstandingAcks instead; and keep
	// Flow×MaxOutstandingAcks under the number of messages the callers can have waiting at once.
	Flow uint16
	// MaxOutstandingAcks is how many flow acks may be outstanding before the publisher stalls
	// until one arrives (default 4).
	MaxOutstandingAcks uint16
	// AckTimeout bounds every wait for the server: a batch's first ack, a stalled flow ack, a
	// commit, a lone message's publish ack (default 5s).
	AckTimeout time.Duration
	// Linger is how long an open batch with nothing queued stays open before it is committed
	// (default 1ms): a commit releases every message of the batch, so low-rate traffic is not
	// held for a flow ack that would only come with more messages.
	Linger time.Duration
	// Logger receives what the publisher cannot tell a caller (default slog.Default()).
	Logger *slog.Logger

	// Alone publishes every message by itself, with its own publish ack: for a stream known not
	// to allow batches (made without allow_batched). A publisher also turns to this for good
	// when the stream refuses a batch, and then calls Refused once with the server's error.
	Alone   bool
	Refused func(error)
	// Duplicate, when set, is called for each message published by itself that the stream
	// found a duplicate (by its Nats-Msg-Id). A batch does not say which of its messages were.
	Duplicate func()
	// MaxPending bounds the messages published by themselves awaiting their publish ack
	// (default 4,000, the client's); past it a publish waits briefly, then fails (done(err)).
	MaxPending int
}

const (
	defaultFlow               = 256
	defaultMaxOutstandingAcks = 4
	defaultAckTimeout         = 5 * time.Second
	defaultLinger             = time.Millisecond
	// minQueue is the smallest queue between Publish and the owner goroutine.
	minQueue = 1024
)

func (o Options) withDefaults() Options {
	if o.Flow == 0 {
		o.Flow = defaultFlow
	}
	if o.MaxOutstandingAcks == 0 {
		o.MaxOutstandingAcks = defaultMaxOutstandingAcks
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = defaultAckTimeout
	}
	if o.Linger <= 0 {
		o.Linger = defaultLinger
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// ErrClosed is given to done for a message published after Shutdown began, or still waiting
// when it ended: the message may or may not be stored.
var ErrClosed = errors.New("fastpub: publisher shut down before the message was known to be stored")

// ErrNotStored wraps every error given to done: the message may or may not be stored, so the
// caller publishes it again (de-duplicated by its Nats-Msg-Id) or gives up.
var ErrNotStored = errors.New("fastpub: message not known to be stored")

// item is one message waiting for its outcome.
type item struct {
	m    *nats.Msg
	done func(error)
	seq  uint64 // its sequence in the open batch, once added
}

// Publisher publishes messages to ONE stream as long fast-ingest batches on behalf of many
// goroutines, and tells each caller when its message is stored. Its methods are safe for
// concurrent use; one goroutine (started by Start) owns the batch.
type Publisher struct {
	js   jetstream.JetStream // the batches'
	opts Options
	q    chan item

	lone *lonePublisher // messages published by themselves when traffic is light
	// alone: every message goes by itself (Options.Alone, or the stream refused a batch).
	alone       atomic.Bool
	refusedOnce sync.Once

	// mu orders Publish against Shutdown: Publish holds it shared while it queues, Shutdown
	// takes it exclusively to close the door, so nothing is queued after the owner's last look.
	mu       sync.RWMutex
	closed   bool
	stopOnce sync.Once
	stopping chan struct{} // closed first by Shutdown: wakes a Publish blocked on a full queue
	sealed   chan struct{} // closed once nothing more can be queued

	// life orders Start against Shutdown (never mu: a Publish blocked on a full queue before
	// Start holds mu shared until the owner runs).
	life    sync.Mutex
	started bool
	cancel  context.CancelFunc // ends the owner's work at once (Shutdown's deadline)
	stopped chan struct{}      // closed when the owner has returned
}

// New returns a Publisher for the stream behind js that the messages' subjects belong to.
// Nothing is published before Start.
func New(js jetstream.JetStream, opts Options) *Publisher {
	opts = opts.withDefaults()
	size := max(minQueue, 2*int(opts.Flow)*int(opts.MaxOutstandingAcks))
	p := &Publisher{
		js:       js,
		opts:     opts,
		q:        make(chan item, size),
		stopping: make(chan struct{}),
		sealed:   make(chan struct{}),
		stopped:  make(chan struct{}),
	}
	p.lone = newLonePublisher(js.Conn(), opts)
	p.alone.Store(opts.Alone)
	return p
}

// refused turns the publisher to publishing every message by itself, for good: the stream
// refuses batches, and would refuse every later one at the cost of a round trip each.
func (p *Publisher) refused(err error) {
	p.alone.Store(true)
	p.refusedOnce.Do(func() {
		p.opts.Logger.Debug("fastpub: the stream refuses batches; messages are published one by one", "err", err)
		if p.opts.Refused != nil {
			p.opts.Refused(err)
		}
	})
}

// Start starts the goroutine that publishes. It runs until Shutdown, or until ctx ends; then
// every message not known to be stored gets done(err).
func (p *Publisher) Start(ctx context.Context) error {
	p.life.Lock()
	defer p.life.Unlock()
	switch {
	case p.started:
		return errors.New("fastpub: Start called twice")
	case isClosed(p.stopping):
		return ErrClosed
	}
	if err := p.lone.start(); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	p.cancel = cancel
	p.started = true
	go p.run(runCtx)
	return nil
}

// Publish queues m; done is called exactly once, off the caller's goroutine, with nil once the
// server stored m (or de-duplicated it by its Nats-Msg-Id), or with an error wrapping
// ErrNotStored when that is not known (the batch failed, a gap, a timeout, shut down): the
// caller then publishes m again itself (safe with a Nats-Msg-Id) or gives up.
//
// Backpressure: Publish blocks while the queue is full (at least 1024 messages, twice the
// messages a batch may have unacknowledged), until the owner takes one or Shutdown begins.
// done must return quickly: it runs on the publisher's goroutine or the NATS client's.
// m must not be changed after Publish.
func (p *Publisher) Publish(m *nats.Msg, done func(error)) {
	it := item{m: m, done: done}
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		go done(notStored(ErrClosed))
		return
	}
	select {
	case p.q <- it:
		p.mu.RUnlock()
	case <-p.stopping:
		p.mu.RUnlock()
		go done(notStored(ErrClosed))
	}
}

// Shutdown stops taking messages, publishes what is queued, commits the open batch and waits
// for every outcome. When ctx ends first, every message not yet known to be stored gets
// done(err) and Shutdown returns ctx's error.
func (p *Publisher) Shutdown(ctx context.Context) error {
	p.seal()
	p.life.Lock()
	started := p.started
	p.life.Unlock()
	if !started {
		p.failQueued(ErrClosed)
		p.lone.stop(ctx)
		return nil
	}
	select {
	case <-p.stopped:
		return nil
	case <-ctx.Done():
		p.cancel()
		<-p.stopped // bounded: the owner stops waiting at its context's end, or after AckTimeout
		return ctx.Err()
	}
}

// seal closes the door: Publish fails from now on, and the owner may end once the queue is empty.
func (p *Publisher) seal() {
	p.stopOnce.Do(func() {
		close(p.stopping)
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		close(p.sealed)
	})
}

// failQueued gives err to every message still queued (after seal, nothing more arrives).
func (p *Publisher) failQueued(err error) {
	var failed []item
	for {
		select {
		case it := <-p.q:
			failed = append(failed, it)
		default:
			failAll(failed, err)
			return
		}
	}
}

// notStored wraps err so that callers can tell with errors.Is(err, ErrNotStored).
func notStored(err error) error {
	if errors.Is(err, ErrNotStored) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrNotStored, err)
}

// failAll calls done(err) for items on a goroutine of its own: a caller's done may fall back to
// a synchronous publish, which must not hold up the owner.
func failAll(items []item, err error) {
	if len(items) == 0 {
		return
	}
	err = notStored(err)
	go func() {
		for _, it := range items {
			it.done(err)
		}
	}()
}
