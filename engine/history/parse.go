package history

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stepjet/stepjet/engine"
	"github.com/tidwall/gjson"
)

// ErrInvalid is the error of every refused history event (errors.Is); its message says what is
// wrong with it.
var ErrInvalid = errors.New("invalid history event")

// maxEpoch bounds a timestamp: epoch seconds before the year 10000.
const maxEpoch = 253402300800

// Parse reads one HistoryEvent JSON object: a line AppendJSON wrote, an event of a
// GetExecutionHistory answer, or the aws CLI's printing of one (its timestamp an ISO 8601
// string). Whitespace around it is ignored. It needs an id (a positive integer) and a type (a
// string); a missing timestamp or previousEventId is zero. The details are the first member
// whose name ends in "EventDetails" (an object; other members are ignored). Parse is
// AppendJSON's inverse: Parse(AppendJSON(nil, ev, Options{})) is ev, to the millisecond.
func Parse(raw []byte) (engine.HistoryEvent, error) {
	raw = bytes.TrimSpace(raw)
	if !gjson.ValidBytes(raw) || len(raw) == 0 || raw[0] != '{' {
		return engine.HistoryEvent{}, fmt.Errorf("%w: not a JSON object: %.200s", ErrInvalid, raw)
	}
	if !utf8.Valid(raw) {
		return engine.HistoryEvent{}, fmt.Errorf("%w: not UTF-8 text: %.200q", ErrInvalid, raw)
	}
	var ev engine.HistoryEvent
	var err error
	hasID := false
	gjson.ParseBytes(raw).ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "timestamp":
			ev.Timestamp, err = parseTimestamp(v)
		case "type":
			if v.Type != gjson.String {
				err = errors.New("its type is not a string")
			}
			ev.Type = v.Str
		case "id":
			ev.ID, err = parseID(v, "id")
			hasID = err == nil
		case "previousEventId":
			ev.PreviousEventID, err = parseID(v, "previousEventId")
		default:
			if ev.DetailsKey != "" || !strings.HasSuffix(k.Str, "EventDetails") {
				break
			}
			if !v.IsObject() {
				err = fmt.Errorf("its %s is not an object", k.Str)
				break
			}
			ev.DetailsKey, ev.Details = k.Str, []byte(v.Raw)
		}
		return err == nil
	})
	switch {
	case err != nil:
		return engine.HistoryEvent{}, fmt.Errorf("%w: %w: %.200s", ErrInvalid, err, raw)
	case !hasID || ev.ID <= 0 || ev.Type == "":
		return engine.HistoryEvent{}, fmt.Errorf("%w: no id or type: %.200s", ErrInvalid, raw)
	}
	return ev, nil
}

// parseID reads an event id: a whole number, not negative.
func parseID(v gjson.Result, name string) (int64, error) {
	if v.Type != gjson.Number || v.Num != math.Trunc(v.Num) || v.Num < 0 || v.Num >= math.MaxInt64 {
		return 0, fmt.Errorf("its %s is not a whole number", name)
	}
	return v.Int(), nil
}

// parseTimestamp reads epoch seconds (AWS's JSON protocol) or an RFC 3339 time (the aws CLI's
// printing), to the millisecond for the former.
func parseTimestamp(v gjson.Result) (time.Time, error) {
	switch v.Type {
	case gjson.Number:
		if math.IsNaN(v.Num) || math.Abs(v.Num) >= maxEpoch {
			return time.Time{}, errors.New("its timestamp is out of range")
		}
		return time.UnixMilli(int64(math.Round(v.Num * 1000))), nil
	case gjson.String:
		t, err := time.Parse(time.RFC3339Nano, v.Str)
		if err != nil {
			return time.Time{}, errors.New("its timestamp is neither epoch seconds nor an RFC 3339 time")
		}
		return t, nil
	}
	return time.Time{}, errors.New("its timestamp is neither epoch seconds nor an RFC 3339 time")
}
