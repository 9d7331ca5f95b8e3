package records

import (
	"bytes"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/tidwall/gjson"
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

// dataFields are the members of event details that carry execution data.
var dataFields = []string{"input", "inputDetails", "output", "outputDetails", "parameters", "result", "resultDetails", "assignedVariables", "assignedVariablesDetails"}

// KeepsData implements engine.DatalessSink: without data the engine does not build what would
// be stripped (quoting each state's input and output was most of history's cost). A sink the
// executor tees with a log sink still gets the data, and strips it (appendEvent).
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
		if ev.Build != nil {
			ev.Details, ev.Build = ev.Build(make([]byte, 0, 128)), nil
		}
		s.appendLocked(ev)
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

// appendEvent appends ev as one NDJSON line of AWS's HistoryEvent shape:
// {"timestamp":…,"type":…,"id":…,"previousEventId":…,"<detailsKey>":{…}}.
func appendEvent(b []byte, ev engine.HistoryEvent, data bool) []byte {
	b = append(b, `{"timestamp":`...)
	b = strconv.AppendFloat(b, epoch(ev.Timestamp), 'f', -1, 64)
	b = append(b, `,"type":"`...)
	b = append(b, ev.Type...) // AWS's type names: letters only
	b = append(b, `","id":`...)
	b = strconv.AppendInt(b, ev.ID, 10)
	b = append(b, `,"previousEventId":`...)
	b = strconv.AppendInt(b, ev.PreviousEventID, 10)
	if ev.DetailsKey != "" && len(ev.Details) > 0 {
		d := ev.Details
		if !data {
			d = StripData(d)
		}
		b = append(b, `,"`...)
		b = append(b, ev.DetailsKey...)
		b = append(b, `":`...)
		b = append(b, d...)
	}
	return append(b, '}', '\n')
}

// hasData reports whether details may hold a data member: a quick scan for their names (a
// name inside a string value only costs the full pass).
func hasData(details []byte) bool {
	for _, k := range dataKeys {
		if bytes.Contains(details, k) {
			return true
		}
	}
	return false
}

var dataKeys = [][]byte{[]byte(`"input`), []byte(`"output`), []byte(`"parameters"`), []byte(`"result`), []byte(`"assignedVariables`)}

// StripData returns event details without their execution data (inputs, outputs,
// parameters, results, assigned variables), as includeExecutionData false asks: one pass over
// the object's members.
func StripData(details []byte) []byte {
	if !hasData(details) {
		return details // (the engine built it without data: the common case)
	}
	out := make([]byte, 0, 128)
	out = append(out, '{')
	gjson.ParseBytes(details).ForEach(func(k, v gjson.Result) bool {
		if slices.Contains(dataFields, k.Str) {
			return true
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, k.Raw...)
		out = append(out, ':')
		out = append(out, v.Raw...)
		return true
	})
	return append(out, '}')
}
