package history

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/tidwall/gjson"
)

// Options says how AppendJSON writes an event. The zero value writes it whole.
type Options struct {
	// WithoutData leaves the execution data out of the event's details (StripData), as
	// GetExecutionHistory answers with includeExecutionData false.
	WithoutData bool
}

// AppendJSON appends ev to b as AWS's HistoryEvent JSON object, with no newline:
//
//	{"timestamp":<epoch seconds>,"type":…,"id":…,"previousEventId":…,"<DetailsKey>":{…}}
//
// The details member is written when the event has a DetailsKey and details (Details, or what
// Build appends), as they are: the engine built them as JSON.
func AppendJSON(b []byte, ev engine.HistoryEvent, opts Options) []byte {
	b = append(b, `{"timestamp":`...)
	b = appendEpoch(b, ev.Timestamp)
	b = append(b, `,"type":`...)
	b = appendString(b, ev.Type)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, ev.ID, 10)
	b = append(b, `,"previousEventId":`...)
	b = strconv.AppendInt(b, ev.PreviousEventID, 10)
	if ev.DetailsKey == "" {
		return append(b, '}')
	}
	mark := len(b)
	b = append(b, ',')
	b = appendString(b, ev.DetailsKey)
	b = append(b, ':')
	at := len(b)
	b = appendDetails(b, ev, opts.WithoutData)
	if len(b) == at { // no details after all
		b = b[:mark]
	}
	return append(b, '}')
}

// appendDetails appends ev's details (without their data when asked), building them in place
// when the event carries a builder: no copy of the documents they quote.
func appendDetails(b []byte, ev engine.HistoryEvent, withoutData bool) []byte {
	switch {
	case len(ev.Details) > 0 && withoutData:
		return appendStripped(b, ev.Details)
	case len(ev.Details) > 0:
		return append(b, ev.Details...)
	case ev.Build != nil && withoutData:
		return appendStripped(b, ev.Build(make([]byte, 0, 128)))
	case ev.Build != nil:
		return appendBuilt(b, ev.Build)
	}
	return b
}

// appendBuilt appends what build writes. A builder starts a fresh object (the engine's decide
// their commas by what their buffer holds), so it is given an empty slice of b's spare room:
// when the details fit, they are built in place, with no copy.
func appendBuilt(b []byte, build func([]byte) []byte) []byte {
	at := len(b)
	d := build(b[at:at])
	if len(d) > 0 && cap(b) > at && &d[0] == &b[:at+1][at] {
		return b[:at+len(d)]
	}
	return append(b, d...)
}

// dataMembers are the members of event details that carry execution data: what
// includeExecutionData false leaves out (and what the engine does not build for a sink that
// keeps no data, engine.RunOptions.EventsWithoutData).
var dataMembers = []string{"input", "inputDetails", "output", "outputDetails", "parameters", "result", "resultDetails", "assignedVariables", "assignedVariablesDetails"}

// dataKeys find details that may hold a data member: the openings of their names.
var dataKeys = [][]byte{[]byte(`input`), []byte(`output`), []byte(`parameters"`), []byte(`result`), []byte(`assignedVariables`)}

// hasData reports whether details may hold a data member: one pass over the quotes, looking
// for the names' openings after each (a name inside a string value only costs the full pass).
func hasData(details []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(details[i:], '"')
		if j < 0 {
			return false
		}
		i += j + 1
		if i == len(details) {
			return false
		}
		switch details[i] {
		case 'i', 'o', 'p', 'r', 'a':
			for _, k := range dataKeys {
				if bytes.HasPrefix(details[i:], k) {
					return true
				}
			}
		}
	}
}

// StripData returns event details without their execution data (inputs, outputs, parameters,
// results, assigned variables, and the …Details member of each), as includeExecutionData false
// asks. Details with none are returned as they are.
func StripData(details []byte) []byte {
	if !hasData(details) {
		return details // (the engine built them without data: the common case)
	}
	return appendWithout(make([]byte, 0, len(details)), details)
}

// appendStripped appends details without their data members.
func appendStripped(b, details []byte) []byte {
	if !hasData(details) {
		return append(b, details...)
	}
	return appendWithout(b, details)
}

// appendWithout appends details without their data members: one pass over the object's
// members, each kept one copied as it is.
func appendWithout(b, details []byte) []byte {
	b = append(b, '{')
	open := len(b)
	gjson.ParseBytes(details).ForEach(func(k, v gjson.Result) bool {
		if slices.Contains(dataMembers, k.Str) {
			return true
		}
		if len(b) > open {
			b = append(b, ',')
		}
		b = append(b, k.Raw...)
		b = append(b, ':')
		b = append(b, v.Raw...)
		return true
	})
	return append(b, '}')
}

// appendEpoch appends t as AWS's JSON 1.0 protocol writes a timestamp: epoch seconds, with
// the milliseconds as a fraction without trailing zeros (1796637600.99, 1796637601). It
// writes what strconv.AppendFloat(float64(ms)/1000, 'f', -1) writes, without the float.
func appendEpoch(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	if ms < 0 {
		return strconv.AppendFloat(b, float64(ms)/1000, 'f', -1, 64)
	}
	b = strconv.AppendInt(b, ms/1000, 10)
	frac := ms % 1000
	if frac == 0 {
		return b
	}
	digits := [4]byte{'.', byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 4
	for digits[n-1] == '0' {
		n--
	}
	return append(b, digits[:n]...)
}

// appendString appends s as a JSON string. Event types and details keys are AWS's names,
// letters only, and are copied as they are; anything else is quoted by encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			q, _ := json.Marshal(s) // (a string always marshals)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
