package awsapi

import (
	"encoding/json"
	"strconv"
	"time"
)

// epoch is a timestamp as the AWS JSON protocol sends it: seconds since the epoch, a number
// with millisecond precision.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

// tag is one resource tag.
type tag struct {
	Key   *string `json:"key,omitempty"`
	Value *string `json:"value,omitempty"`
}

// loggingConfiguration is AWS's LoggingConfiguration.
type loggingConfiguration struct {
	Level                *string          `json:"level,omitempty"`
	IncludeExecutionData *bool            `json:"includeExecutionData,omitempty"`
	Destinations         []logDestination `json:"destinations,omitzero"` // an empty list is kept: AWS describes it as []
}

type logDestination struct {
	CloudWatchLogsLogGroup *struct {
		LogGroupArn *string `json:"logGroupArn,omitempty"`
	} `json:"cloudWatchLogsLogGroup,omitempty"`
}

// tracingConfiguration is AWS's TracingConfiguration.
type tracingConfiguration struct {
	Enabled bool `json:"enabled"`
}

// defaultLogging and defaultTracing are what DescribeStateMachine shows when none was set.
var (
	defaultLogging = json.RawMessage(`{"level":"OFF","includeExecutionData":false}`)
	defaultTracing = json.RawMessage(`{"enabled":false}`)
)

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
