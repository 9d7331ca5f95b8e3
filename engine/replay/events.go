package replay

import (
	"encoding/json"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/history"
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
// line of `stepjet run --events` / `stepjet history --json`): engine/history reads it, and
// refuses it with a history.ErrInvalid that says why.
func ParseEvent(raw []byte) (Event, error) {
	ev, err := history.Parse(raw)
	if err != nil {
		return Event{}, err
	}
	return FromEngine(ev), nil
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
