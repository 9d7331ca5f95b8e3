package history

import (
	"encoding/json"
	"strconv"

	"github.com/stepjet/stepjet/engine"
)

// LogOptions are what AppendLogJSON writes besides the event. The zero value writes an event
// with its data, of no execution, never redriven.
type LogOptions struct {
	// ExecutionArn is the execution the event is of.
	ExecutionArn string
	// RedriveCount is how many times the execution was redriven.
	RedriveCount int
	// WithoutData leaves the execution data out of the details (StripData), as a
	// loggingConfiguration with includeExecutionData false asks.
	WithoutData bool
}

// logEvent is a CloudWatch Logs event of an Express execution, in AWS's member order.
type logEvent struct {
	ID              string          `json:"id"`
	Type            string          `json:"type"`
	Details         json.RawMessage `json:"details"`
	PreviousEventID string          `json:"previous_event_id"`
	EventTimestamp  string          `json:"event_timestamp"`
	ExecutionArn    string          `json:"execution_arn"`
	RedriveCount    string          `json:"redrive_count"`
}

// AppendLogJSON appends ev to b as the CloudWatch Logs event AWS writes for an Express
// execution, with no newline:
//
//	{"id":"2","type":"PassStateEntered","details":{…},"previous_event_id":"1","event_timestamp":"1796637600999","execution_arn":…,"redrive_count":"0"}
//
// Numbers are strings and the timestamp is in epoch milliseconds, as AWS logs them; an event
// without details has "details":{}. It is written by encoding/json (so '<', '>' and '&' in
// strings are \u escapes, as these lines have always been written); details that are not JSON
// are an error, and b is returned as it was.
func AppendLogJSON(b []byte, ev engine.HistoryEvent, opts LogOptions) ([]byte, error) {
	var details []byte
	if ev.DetailsKey != "" {
		details = appendDetails(nil, ev, opts.WithoutData)
	}
	if len(details) == 0 {
		details = []byte("{}")
	}
	line, err := json.Marshal(logEvent{
		ID:              strconv.FormatInt(ev.ID, 10),
		Type:            ev.Type,
		Details:         details,
		PreviousEventID: strconv.FormatInt(ev.PreviousEventID, 10),
		EventTimestamp:  strconv.FormatInt(ev.Timestamp.UnixMilli(), 10),
		ExecutionArn:    opts.ExecutionArn,
		RedriveCount:    strconv.Itoa(opts.RedriveCount),
	})
	if err != nil {
		return b, err
	}
	return append(b, line...), nil
}
