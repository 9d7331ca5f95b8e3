package records

import (
	"strconv"

	"github.com/stepjet/stepjet/engine"
	"github.com/tidwall/sjson"
)

// sink receives one execution's history events from the engine (in order, one at a time) and
// queues each as a line of AWS's HistoryEvent JSON. At level ERROR it holds them until End
// knows whether the execution failed.
type sink struct {
	r       *Recorder
	subject string
	level   int
	data    bool
	n       int
	held    [][]byte
	heldLen int
}

// maxHeld bounds what level ERROR holds per execution; past it the oldest events give way.
const maxHeld = 1 << 20

// dataFields are the members of event details that carry execution data.
var dataFields = []string{"input", "inputDetails", "output", "outputDetails", "parameters", "result", "resultDetails", "assignedVariables", "assignedVariablesDetails"}

// Event implements engine.EventSink.
func (s *sink) Event(ev engine.HistoryEvent) {
	s.n++
	if s.n > MaxEvents {
		if s.n == MaxEvents+1 {
			s.r.dropped.Add(1)
		}
		return
	}
	line := encodeEvent(ev, s.data)
	if len(line) > maxLine {
		line = encodeEvent(ev, false)
	}
	if s.level == levelError {
		s.held = append(s.held, line)
		s.heldLen += len(line)
		for s.heldLen > maxHeld && len(s.held) > 1 {
			s.heldLen -= len(s.held[0])
			s.held = s.held[1:]
		}
		return
	}
	s.r.enqueue(write{subject: s.subject, line: line})
}

// encodeEvent is ev as one NDJSON line of AWS's HistoryEvent shape:
// {"timestamp":…,"type":…,"id":…,"previousEventId":…,"<detailsKey>":{…}}.
func encodeEvent(ev engine.HistoryEvent, data bool) []byte {
	b := make([]byte, 0, 96+len(ev.Details))
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
			d = StripData(append([]byte(nil), d...))
		}
		b = append(b, `,"`...)
		b = append(b, ev.DetailsKey...)
		b = append(b, `":`...)
		b = append(b, d...)
	}
	return append(b, '}', '\n')
}

// StripData removes the execution data (inputs, outputs, parameters, results) from event
// details, as includeExecutionData false asks.
func StripData(details []byte) []byte {
	for _, f := range dataFields {
		if d, err := sjson.DeleteBytes(details, f); err == nil {
			details = d
		}
	}
	return details
}
