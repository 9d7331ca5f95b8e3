package records

import (
	"sync"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/history"
)

// sink receives one execution's history events from the engine and appends each, as a line of
// AWS's HistoryEvent JSON, to the execution's own buffer: the buffer is queued as one history
// message when it reaches flushBytes, flushAfter after the execution began (so that a follower
// sees a waiting execution's events), then after each later event at intervals that double up
// to maxFlushAfter, and at the end (where the terminal record carries it). At level ERROR it is
// held until End knows whether the execution failed.
type sink struct {
	r       *Recorder
	subject string
	level   int
	data    bool
	ttl     string // Nats-TTL of its messages (TagHistoryMaxAge), if any

	mu      sync.Mutex
	n       int
	buf     []byte
	timer   *time.Timer
	held    [][]byte              // level ERROR: the buffers, oldest first
	pending []engine.HistoryEvent // level ERROR: the latest events, not built yet
	heldLen int
	flushed bool          // a buffer was flushed (the run's timer has fired)
	every   time.Duration // how long the last flush timer waited
}

const (
	flushBytes    = 64 << 10
	flushAfter    = 200 * time.Millisecond
	maxFlushAfter = 3200 * time.Millisecond
	// maxHeld bounds what level ERROR holds per execution; past it the oldest events give way.
	maxHeld = 1 << 20
	// maxTail bounds the events a terminal record carries (its own input and output are at
	// most 256 KiB each: the message stays under NATS's default 1 MiB payload).
	maxTail = 256 << 10
)

// KeepsData implements engine.DatalessSink: without data the engine does not build what would
// be stripped (quoting each state's input and output was most of history's cost). A sink the
// executor tees with a log sink still gets the data, and strips it (history.AppendJSON).
func (s *sink) KeepsData() bool { return s.data }

// DefersDetails implements engine.DeferringSink: at level ERROR most executions succeed and
// keep no history, so their events' details are built only if the execution fails.
func (s *sink) DefersDetails() bool { return s.level == levelError }

// maxPending bounds the events level ERROR keeps unbuilt (each holds on to the documents its
// details quote); past it they are built, and maxHeld bounds them.
const maxPending = 256

// Event implements engine.EventSink.
func (s *sink) Event(ev engine.HistoryEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if s.n > MaxEvents {
		if s.n == MaxEvents+1 {
			s.r.dropped.Add(1)
		}
		return
	}
	if ev.Build != nil || len(s.pending) > 0 { // (an event without details waits its turn too)
		s.pending = append(s.pending, ev)
		if len(s.pending) >= maxPending {
			s.buildPending()
		}
		return
	}
	s.appendLocked(ev)
}

// buildPending builds the events kept unbuilt, in order, into the buffer.
func (s *sink) buildPending() {
	p := s.pending
	s.pending = nil
	for _, ev := range p {
		s.appendLocked(ev) // (their details are built straight into the buffer)
	}
}

// appendLocked appends an event with its details to the buffer, and flushes as it fills.
func (s *sink) appendLocked(ev engine.HistoryEvent) {
	if s.buf == nil {
		s.buf = make([]byte, 0, 8<<10) // most histories fit, or double once or twice
	}
	mark := len(s.buf)
	s.buf = appendEvent(s.buf, ev, s.data)
	if len(s.buf)-mark > maxLine {
		s.buf = appendEvent(s.buf[:mark], ev, false)
	}
	switch {
	case len(s.buf) >= flushBytes:
		s.flushLocked()
	case s.level == levelAll && s.timer == nil && s.flushed:
		// (The execution's first events are flushed by its run's timer.)
		// Each later flush waits twice as long as the one before (up to maxFlushAfter): a
		// follower still sees a waiting execution's events soon, while an execution that
		// runs long, as thousands do at once on a saturated host, writes a few messages
		// rather than one every 200 ms.
		s.every = min(max(2*s.every, 2*flushAfter), maxFlushAfter)
		s.timer = time.AfterFunc(s.every, s.flush)
	}
}

func (s *sink) flush() {
	s.mu.Lock()
	s.flushLocked()
	s.mu.Unlock()
}

// flushLocked queues the buffer (or, at level ERROR, holds it).
func (s *sink) flushLocked() {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	s.flushed = true
	if len(s.buf) == 0 {
		return
	}
	b := s.buf
	s.buf = nil
	if s.level == levelError {
		s.held = append(s.held, b)
		s.heldLen += len(b)
		for s.heldLen > maxHeld && len(s.held) > 1 {
			s.heldLen -= len(s.held[0])
			s.held = s.held[1:]
		}
		return
	}
	s.r.enqueue(write{subject: s.subject, line: b, ttl: s.ttl})
}

// end queues what is left: at level ERROR, everything held when the execution did not succeed.
//
// With attach, it returns the last events (up to maxTail bytes) instead of queueing them, for
// the terminal record to carry: one message fewer per execution, and for most executions, which
// end before their first flush, their whole history in the record's single write.
func (s *sink) end(succeeded, attach bool) (tail []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if s.level == levelError && !succeeded {
		s.buildPending()
		s.held = append(s.held, s.buf)
		s.buf = nil
		if n := len(s.held); attach && n > 0 && len(s.held[n-1]) <= maxTail {
			tail = s.held[n-1]
			s.held = s.held[:n-1]
		}
		for _, b := range s.held {
			if len(b) > 0 {
				s.r.enqueue(write{subject: s.subject, line: b, ttl: s.ttl})
			}
		}
	} else if s.level == levelAll && attach && len(s.buf) <= maxTail {
		tail = s.buf
		s.buf = nil
	} else if s.level == levelAll {
		s.flushLocked()
	}
	s.held, s.buf, s.pending = nil, nil, nil
	return tail
}

// appendEvent appends ev as one NDJSON line of AWS's HistoryEvent shape (engine/history owns
// it), building its details in place when the engine deferred them.
func appendEvent(b []byte, ev engine.HistoryEvent, data bool) []byte {
	return append(history.AppendJSON(b, ev, history.Options{WithoutData: !data}), '\n')
}
