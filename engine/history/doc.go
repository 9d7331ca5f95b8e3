// Package history owns the JSON forms of an execution's history events (engine.HistoryEvent):
// the one encoder and the one decoder of each, so that what the records store keeps, what
// GetExecutionHistory answers, what `stepjet history` and `stepjet run --events` print and what
// `stepjet replay` reads are the same bytes.
//
// AppendJSON writes AWS's HistoryEvent object, as GetExecutionHistory answers it:
//
//	{"timestamp":1796637600.998,"type":"PassStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"name":"Pass","input":"{}","inputDetails":{"truncated":false}}}
//
// (timestamp in epoch seconds with milliseconds, as AWS's JSON 1.0 protocol has it). Parse reads
// one back, and also reads the aws CLI's form of it, whose timestamp is an ISO 8601 string.
// AppendLogJSON writes the other form an event takes, a CloudWatch Logs event of an Express
// execution (string ids, epoch milliseconds, the details under "details"). StripData is what
// includeExecutionData false leaves out of an event's details, for both.
//
//	line := history.AppendJSON(nil, ev, history.Options{WithoutData: true})
//	ev, err := history.Parse(line)
//
// The package knows nothing of NATS or HTTP; the engine builds the details, this package
// frames them.
package history
