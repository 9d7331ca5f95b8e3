package executor

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/engine"
	"github.com/tidwall/sjson"
)

// Log levels of a machine's loggingConfiguration, as AWS names them.
const (
	levelOff = iota
	levelFatal
	levelError
	levelAll
)

// logConfig is a parsed loggingConfiguration.
type logConfig struct {
	level       int
	includeData bool
}

func parseLogging(raw json.RawMessage) logConfig {
	var lc struct {
		Level                string `json:"level"`
		IncludeExecutionData bool   `json:"includeExecutionData"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &lc) != nil {
		return logConfig{}
	}
	l := levelOff
	switch strings.ToUpper(lc.Level) {
	case "ALL":
		l = levelAll
	case "ERROR":
		l = levelError
	case "FATAL":
		l = levelFatal
	}
	return logConfig{level: l, includeData: lc.IncludeExecutionData}
}

// eventLevel is the lowest level that logs an event of this type: FATAL logs only the events
// that end an execution unsuccessfully, ERROR adds every failure, ALL logs everything.
func eventLevel(typ string) int {
	switch typ {
	case "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut":
		return levelFatal
	}
	if strings.HasSuffix(typ, "Failed") || strings.HasSuffix(typ, "TimedOut") || strings.HasSuffix(typ, "Aborted") {
		return levelError
	}
	return levelAll
}

// logSink publishes an execution's history events as CloudWatch Express log events on
// <prefix>.log.<machine>. Core publishes keep the execution's hot path free of round trips; the
// logs stream stores them in order.
type logSink struct {
	nc           *nats.Conn
	subject      string
	executionArn string
	cfg          logConfig
}

// dataFields are the members of event details that includeExecutionData=false leaves out.
var dataFields = []string{"input", "inputDetails", "output", "outputDetails", "parameters", "result", "resultDetails"}

// Event implements engine.EventSink.
func (s *logSink) Event(ev engine.HistoryEvent) {
	if eventLevel(ev.Type) > s.cfg.level {
		return
	}
	details := ev.Details
	if len(details) == 0 {
		details = []byte("{}")
	}
	if !s.cfg.includeData {
		details = append([]byte(nil), details...) // sjson may reuse the buffer; it is the engine's
		for _, f := range dataFields {
			if d, err := sjson.DeleteBytes(details, f); err == nil {
				details = d
			}
		}
	}
	b, err := json.Marshal(struct {
		ID              string          `json:"id"`
		Type            string          `json:"type"`
		Details         json.RawMessage `json:"details"`
		PreviousEventID string          `json:"previous_event_id"`
		EventTimestamp  string          `json:"event_timestamp"`
		ExecutionArn    string          `json:"execution_arn"`
		RedriveCount    string          `json:"redrive_count"`
	}{
		ID:              strconv.FormatInt(ev.ID, 10),
		Type:            ev.Type,
		Details:         details,
		PreviousEventID: strconv.FormatInt(ev.PreviousEventID, 10),
		EventTimestamp:  strconv.FormatInt(ev.Timestamp.UnixMilli(), 10),
		ExecutionArn:    s.executionArn,
		RedriveCount:    "0",
	})
	if err != nil { // details were not JSON: log the event without them rather than not at all
		return
	}
	_ = s.nc.Publish(s.subject, b)
}

// teeSink hands every event to two sinks (the logs and the Recorder's history).
type teeSink [2]engine.EventSink

func (t teeSink) Event(ev engine.HistoryEvent) {
	t[0].Event(ev)
	t[1].Event(ev)
}
