package executor

import (
	"encoding/json"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/history"
	"github.com/tidwall/gjson"
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
	// redriveCount is the run's, from its first event when it is a redrive (ExecutionRedriven
	// says which): every line of the run says it, as AWS's redrive_count does. (The engine
	// hands a sink its events one at a time.)
	redriveCount int
}

// Event implements engine.EventSink.
func (s *logSink) Event(ev engine.HistoryEvent) {
	if ev.Type == "ExecutionRedriven" {
		s.redriveCount = int(gjson.GetBytes(ev.Details, "redriveCount").Int())
	}
	if eventLevel(ev.Type) > s.cfg.level {
		return
	}
	b, err := history.AppendLogJSON(nil, ev, history.LogOptions{ExecutionArn: s.executionArn, RedriveCount: s.redriveCount, WithoutData: !s.cfg.includeData})
	if err != nil { // details were not JSON: nothing to log
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
