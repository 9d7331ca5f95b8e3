package engine

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// StepKind says what a Step is.
type StepKind uint8

const (
	// StepState is one entry of a state, with all its retries.
	StepState StepKind = iota
	// StepMapIteration is one iteration of a Map state.
	StepMapIteration
	// StepParallelBranch is one branch of a Parallel state.
	StepParallelBranch
)

// Step is a unit of an execution an Observer hears about.
type Step struct {
	Kind StepKind
	// Name is the state's name (the Map's or Parallel's, for an iteration or a branch).
	Name string
	// Type is the state's type as ASL spells it: "Task", "Pass", "Map", ...
	Type string
	// Index is the iteration's or the branch's index.
	Index int
}

// StepEnd is how a Step ended.
type StepEnd struct {
	// Error and Cause are set when the step failed (an error caught by a Catch included).
	Error, Cause string
	// Retries counts the state's retries.
	Retries int
}

// Observer is told when each state, Map iteration and Parallel branch begins and ends, so that
// a transport can make spans and metrics of them without the engine knowing how. Begin returns
// the context the step runs in (its task invocations, iterations and branches get it); End is
// called once with that context. Both are called from the goroutine running the step. A nil
// Observer costs nothing.
type Observer interface {
	Begin(ctx context.Context, s Step) context.Context
	End(ctx context.Context, s Step, e StepEnd)
}

// typeName is ASL's name of each state type.
var typeName = [...]string{"Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}

// history numbers an execution's events exactly as AWS does, whether or not anyone listens:
// causes quote the id of the event a state was entered at. With no sink, an event costs one
// locked increment and nothing is built.
type history struct {
	mu   sync.Mutex
	last int64
	sink EventSink
	now  func() time.Time
	// data: the events carry execution data (inputs, outputs, parameters, assigned
	// variables); false builds them without (RunOptions.EventsWithoutData).
	data bool
	// deferred hands the sink each event's builder instead of its details (DeferringSink).
	deferred bool
}

// emit records one event and returns its id. build appends the event's details JSON; it is
// called only when there is a sink.
func (h *history) emit(prev int64, typ, key string, build func(b []byte) []byte) int64 {
	h.mu.Lock()
	h.last++
	id := h.last
	if h.sink != nil {
		ev := HistoryEvent{Timestamp: h.now(), Type: typ, ID: id, PreviousEventID: prev, DetailsKey: key}
		switch {
		case build == nil:
		case h.deferred:
			ev.Build = build
		default:
			ev.Details = build(make([]byte, 0, 128))
		}
		h.sink.Event(ev)
	}
	h.mu.Unlock()
	return id
}

// detail helpers append JSON members to a details object under construction.

func jsonString[T string | []byte](b []byte, s T) []byte {
	b = append(b, '"')
	// Event details quote whole documents (inputs, outputs): ASCII JSON whose quotes come
	// every few bytes, too often for copying runs between them to pay. Such a prefix is
	// written byte by byte into room reserved for the worst case (every byte escaped as two);
	// the first control or non-ASCII byte hands the rest to the general loop below.
	n := len(b)
	room := 2 * len(s)
	if doc, ok := any(s).([]byte); ok { // a document: reserve what it needs, not twice its size
		room = len(doc) + bytes.Count(doc, quote) + bytes.Count(doc, backslash)
	}
	b = slices.Grow(b, room+1)
	out := b[n : n+room]
	i, j := 0, 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		if c == '"' || c == '\\' {
			out[j] = '\\'
			j++
		}
		out[j] = c
		j++
	}
	b = b[:n+j]
	// Runs of bytes that need no escaping are copied at once.
	start := i
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigit(c>>4), hexDigit(c&0xF))
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

var quote, backslash = []byte{'"'}, []byte{'\\'}

func hexDigit(c byte) byte {
	if c < 10 {
		return '0' + c
	}
	return 'a' + c - 10
}

// member appends "key":"string value".
func member(b []byte, key, value string) []byte {
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = jsonString(b, key)
	b = append(b, ':')
	return jsonString(b, value)
}

// rawMember appends "key":raw.
func rawMember(b []byte, key string, raw []byte) []byte {
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = jsonString(b, key)
	b = append(b, ':')
	return append(b, raw...)
}

func intMember(b []byte, key string, n int64) []byte {
	return rawMember(b, key, strconv.AppendInt(nil, n, 10))
}

// payloadMember appends "key":"<json as a string>","keyDetails":{"truncated":false}, the way AWS
// reports inputs and outputs in history.
func payloadMember(b []byte, key string, doc []byte) []byte {
	b = slices.Grow(b, len(doc)+bytes.Count(doc, quote)+bytes.Count(doc, backslash)+len(key)+40)
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = jsonString(b, key)
	b = append(b, ':')
	b = jsonString(b, doc) // quoted as it is, without a string copy
	return rawMember(b, key+"Details", []byte(`{"truncated":false}`))
}

// Common detail builders.

func stateEnteredDetails(name string, input []byte, data bool) func([]byte) []byte {
	return func(b []byte) []byte {
		b = append(b, '{')
		b = member(b, "name", name)
		if data {
			b = payloadMember(b, "input", input)
		}
		return append(b, '}')
	}
}

func stateExitedDetails(name string, output []byte, assigned []byte, data bool) func([]byte) []byte {
	return func(b []byte) []byte {
		b = append(b, '{')
		b = member(b, "name", name)
		if !data {
			return append(b, '}')
		}
		b = payloadMember(b, "output", output)
		if assigned != nil {
			// AWS reports each assigned value as its JSON text.
			b = rawMember(b, "assignedVariables", []byte("{"))
			n := 0
			gjson.ParseBytes(assigned).ForEach(func(k, v gjson.Result) bool {
				if n > 0 {
					b = append(b, ',')
				}
				n++
				b = jsonString(b, k.String())
				b = append(b, ':')
				b = jsonString(b, v.Raw)
				return true
			})
			b = append(b, '}')
			b = rawMember(b, "assignedVariablesDetails", []byte(`{"truncated":false}`))
		}
		return append(b, '}')
	}
}

func errorDetails(extra func([]byte) []byte, name, cause string) func([]byte) []byte {
	return func(b []byte) []byte {
		b = append(b, '{')
		if extra != nil {
			b = extra(b)
		}
		b = member(b, "error", capError(name))
		b = member(b, "cause", capCause(cause))
		return append(b, '}')
	}
}

// abortDetails is executionAbortedEventDetails: error and cause, each only when given.
func abortDetails(name, cause string) func([]byte) []byte {
	return func(b []byte) []byte {
		b = append(b, '{')
		if name != "" {
			b = member(b, "error", name)
		}
		if cause != "" {
			b = member(b, "cause", cause)
		}
		return append(b, '}')
	}
}
