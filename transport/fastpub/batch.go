package fastpub

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/synadia-io/orbit.go/jetstreamext"
)

// run is the owner goroutine: it takes queued messages one by one, adds them to the open batch
// (or publishes a lone one by itself), releases callers as flow acks cover their messages,
// and commits the batch when nothing more is queued for Linger.
func (p *Publisher) run(ctx context.Context) {
	defer close(p.stopped)
	b := &batch{p: p}
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for {
		it, ok := p.next(ctx, b, linger)
		if !ok {
			break
		}
		// A message alone, with no batch open, goes by itself: a batch would make it wait
		// for a start and a commit round trip instead of one publish ack.
		if p.alone.Load() || !b.open() && len(p.q) == 0 {
			p.lone.publish(it)
			continue
		}
		b.add(ctx, it)
	}
	if ctx.Err() != nil {
		// Cut short (Start's context, or Shutdown's deadline): nothing more is waited for.
		b.end(ctx, ErrClosed)
		p.seal()
		p.failQueued(ErrClosed)
	}
	p.lone.stop(ctx)
}

// next returns the next queued message. It commits the open batch when nothing was queued for
// Linger, and returns false once Shutdown sealed the queue and it is empty (after committing),
// or when ctx ends.
func (p *Publisher) next(ctx context.Context, b *batch, linger *time.Timer) (item, bool) {
	for {
		// Sealed first, then the queue: once sealed, nothing more can be queued, so an empty
		// queue seen after it stays empty.
		sealed := isClosed(p.sealed)
		select {
		case it := <-p.q:
			return it, true
		default:
		}
		if sealed {
			b.end(ctx, nil)
			return item{}, false
		}
		var lingered <-chan time.Time
		if b.open() {
			linger.Reset(p.opts.Linger)
			lingered = linger.C
		}
		select {
		case it := <-p.q:
			linger.Stop()
			return it, true
		case <-lingered:
			b.end(ctx, nil)
		case <-p.sealed:
			linger.Stop()
		case <-ctx.Done():
			linger.Stop()
			return item{}, false
		}
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// batch is the open fast-ingest batch and the messages in it not yet known to be stored.
type batch struct {
	p     *Publisher
	fp    jetstreamext.FastPublisher
	cause *cause
	items []item // added, not yet released, in batch order
}

// cause keeps the first error the server reported on a batch's control inbox (a gap, a
// refused message, no stream): it tells callers why their messages are not known stored.
type cause struct {
	mu  sync.Mutex
	err error
}

// report runs on the batch's subscription goroutine with the FastPublisher's lock held.
func (c *cause) report(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
}

func (c *cause) get() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (b *batch) open() bool { return b.fp != nil }

// add publishes it in the open batch (opening one if needed) and releases what the latest
// flow ack covers.
func (b *batch) add(ctx context.Context, it item) {
	for {
		if b.fp == nil {
			b.cause = &cause{}
			fp, err := jetstreamext.NewFastPublisher(b.p.js,
				jetstreamext.FastPublishFlowControl{Flow: b.p.opts.Flow, MaxOutstandingAcks: b.p.opts.MaxOutstandingAcks, AckTimeout: b.p.opts.AckTimeout},
				// Gap "fail": a flow ack for S then means every message up to S is stored.
				jetstreamext.WithFastPublisherContinueOnGap(false),
				jetstreamext.WithFastPublisherErrorHandler(b.cause.report))
			if err != nil {
				failAll([]item{it}, err)
				return
			}
			b.fp = fp
		}
		fresh := len(b.items) == 0
		ack, err := b.fp.AddMsg(it.m)
		if err == nil {
			it.seq = ack.BatchSequence
			b.items = append(b.items, it)
			b.release(ack.AckSequence)
			return
		}
		// A batch the server ended before this message (after an error it reported) did not
		// take it: the message starts the next batch. Any other failure leaves its fate unknown.
		if errors.Is(err, jetstreamext.ErrBatchClosed) && !fresh {
			b.end(ctx, err)
			continue
		}
		b.items = append(b.items, it)
		b.end(ctx, err)
		return
	}
}

// release tells every caller whose message is at or below batch sequence upTo that it is stored.
func (b *batch) release(upTo uint64) {
	n := 0
	for n < len(b.items) && b.items[n].seq <= upTo {
		b.items[n].done(nil)
		n++
	}
	if n == 0 {
		return
	}
	rest := copy(b.items, b.items[n:])
	clear(b.items[rest:])
	b.items = b.items[:rest]
}

// end commits the open batch, releases what the commit covers and gives every other message
// of it an error (why, the server's report or failure when known); the next message opens a
// new batch. failure is what went wrong before, if anything.
func (b *batch) end(ctx context.Context, failure error) {
	if b.fp == nil {
		return
	}
	if !b.fp.IsClosed() {
		// The commit's ack counts the messages of the batch the server stored (up to a gap, a
		// refused message or the last one); Close is bounded by AckTimeout and ctx.
		ack, err := b.fp.Close(ctx)
		switch {
		case err == nil && ack != nil:
			b.release(ack.BatchSize)
		case failure == nil && !errors.Is(err, jetstreamext.ErrEmptyBatch):
			failure = err
		}
	}
	if len(b.items) > 0 {
		why := b.cause.get()
		if why == nil {
			why = failure
		}
		if why == nil {
			why = errors.New("fastpub: the batch ended before the server acknowledged these messages")
		}
		if errors.Is(why, jetstreamext.ErrFastBatchNotEnabled) {
			b.p.refused(why)
		}
		b.p.opts.Logger.Debug("fastpub: batch ended with messages not known stored", "messages", len(b.items), "err", why)
		failAll(b.items, why)
	}
	b.fp, b.items, b.cause = nil, nil, nil
}
