package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/stepjet/stepjet/engine"
	"github.com/tidwall/gjson"
)

// Event is one history event: its id, the id of the event before it in its thread of control
// (the chain a Map iteration or Parallel branch keeps apart from its siblings), its type and
// its details object (nil when it has none).
type Event struct {
	ID      int64
	Prev    int64
	Type    string
	Details []byte
}

// ParseEvent reads one HistoryEvent as AWS's API shapes it (GetExecutionHistory's events, or a
// line of `stepjet run --events` / `stepjet history --json`).
func ParseEvent(raw []byte) (Event, error) {
	raw = bytes.TrimSpace(raw)
	if !gjson.ValidBytes(raw) || !gjson.ParseBytes(raw).IsObject() {
		return Event{}, errors.New("a history event is not a JSON object")
	}
	r := gjson.ParseBytes(raw)
	ev := Event{ID: r.Get("id").Int(), Prev: r.Get("previousEventId").Int(), Type: r.Get("type").String()}
	if ev.ID <= 0 || ev.Type == "" {
		return Event{}, fmt.Errorf("a history event has no id or type: %.200s", raw)
	}
	r.ForEach(func(k, v gjson.Result) bool {
		if strings.HasSuffix(k.String(), "EventDetails") && v.IsObject() {
			ev.Details = []byte(v.Raw)
			return false
		}
		return true
	})
	return ev, nil
}

// ParseEvents reads HistoryEvents given as JSON objects.
func ParseEvents(raws []json.RawMessage) ([]Event, error) {
	out := make([]Event, 0, len(raws))
	for _, raw := range raws {
		ev, err := ParseEvent(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// FromEngine is an event of an engine run.
func FromEngine(ev engine.HistoryEvent) Event {
	return Event{ID: ev.ID, Prev: ev.PreviousEventID, Type: ev.Type, Details: ev.Details}
}

func (ev Event) get(path string) gjson.Result { return gjson.GetBytes(ev.Details, path) }
