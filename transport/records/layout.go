package records

import (
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
)

// Defaults of Config.
const (
	DefaultMaxAge   = 24 * time.Hour
	DefaultMaxBytes = int64(1 << 30)
	// DefaultQueue bounds the writes waiting for the writer (records and event batches).
	DefaultQueue = 65536
	// MaxEvents bounds one execution's stored history (AWS's limit for Standard executions);
	// later events are dropped (counted) and the last one says so.
	MaxEvents = 25000
	// StopsMaxAge is how long STEPJET_STOPS keeps a stop: longer than any start can wait in
	// STEPJET_EXECUTIONS and still run (the Express deadline, five minutes from the start, plus
	// wire.MaxStartSkew), so an executor started later still knows a queued start was stopped.
	StopsMaxAge = 15 * time.Minute
	// StopsMaxMsgs bounds STEPJET_STOPS (and what each executor remembers of it).
	StopsMaxMsgs = 100000
)

func (c Config) prefix() string {
	if c.Layout.Prefix == "" {
		return wire.DefaultPrefix
	}
	return c.Layout.Prefix
}

func (c Config) upper() string {
	return strings.ToUpper(strings.ReplaceAll(c.prefix(), ".", "_"))
}

// RecordsStream and HistoryStream are the streams' names.
func (c Config) RecordsStream() string { return c.upper() + "_RECORDS" }
func (c Config) HistoryStream() string { return c.upper() + "_HISTORY" }

// StopsStream is the stream of stops (StopExecution), kept StopsMaxAge.
func (c Config) StopsStream() string { return c.upper() + "_STOPS" }

// StopSubject is the subject of machine's stops (stream STEPJET_STOPS; every executor reads it).
func (c Config) StopSubject(machine string) string {
	return c.prefix() + ".stop." + wire.SubjectToken(machine)
}

// key is an execution's subject suffix: M.N.I.
func key(machine, name, id string) string {
	return wire.SubjectToken(machine) + "." + wire.SubjectToken(name) + "." + wire.SubjectToken(id)
}

func (c Config) recordSubject(k string) string  { return c.prefix() + ".rec." + k }
func (c Config) historySubject(k string) string { return c.prefix() + ".hist." + k }

// machineRecords is the filter of every record of machine.
func (c Config) machineRecords(machine string) string {
	return c.prefix() + ".rec." + wire.SubjectToken(machine) + ".>"
}

// ExecutionArn splits an Express execution ARN made by Layout.ExecutionArn into machine, name
// and id; ok is false for any other ARN (or one of another region or account).
func (c Config) ExecutionArn(arn string) (machine, name, id string, ok bool) {
	prefix := c.Layout.ExecutionArn("", "", "") // arn:aws:states:R:A:express:::
	head := strings.TrimSuffix(prefix, "::")    // ...:express:
	rest, found := strings.CutPrefix(arn, head)
	if !found || len(arn) > wire.MaxArnLen {
		return "", "", "", false
	}
	f := strings.Split(rest, ":")
	if len(f) != 3 || f[0] == "" || f[1] == "" || f[2] == "" {
		return "", "", "", false
	}
	return f[0], f[1], f[2], true
}

// Streams are the two streams' configurations.
func (c Config) Streams() []jetstream.StreamConfig {
	st := jetstream.FileStorage
	if c.Memory {
		st = jetstream.MemoryStorage
	}
	return []jetstream.StreamConfig{
		{
			Name:              c.RecordsStream(),
			Description:       "stepjet execution records (DescribeExecution shape; the last per execution is kept)",
			Subjects:          []string{c.prefix() + ".rec.>"},
			Retention:         jetstream.LimitsPolicy,
			Storage:           st,
			Replicas:          max(c.Replicas, 1),
			MaxAge:            dur(c.MaxAge, DefaultMaxAge),
			MaxBytes:          size(c.MaxBytes),
			MaxMsgsPerSubject: 1,
			Discard:           jetstream.DiscardOld,
			AllowDirect:       true,
			AllowMsgTTL:       true, // TagRecordsMaxAge
			AllowBatchPublish: true, // the writer's fast-ingest batches
		},
		{
			Name:        c.HistoryStream(),
			Description: "stepjet execution history events (NDJSON of AWS HistoryEvent)",
			Subjects:    []string{c.prefix() + ".hist.>"},
			Retention:   jetstream.LimitsPolicy,
			Storage:     st,
			Replicas:    max(c.Replicas, 1),
			MaxAge:      dur(c.HistoryMaxAge, DefaultMaxAge),
			MaxBytes:    size(c.HistoryMaxBytes),
			Discard:     jetstream.DiscardOld,
			AllowDirect: true,
			AllowMsgTTL: true, // TagHistoryMaxAge
			// The writer's fast-ingest batches.
			AllowBatchPublish: true,
		},
		{
			Name:        c.StopsStream(),
			Description: "stepjet stops (StopExecution): every executor reads them, the one running the execution stops it, any that picks its start up later ends it ABORTED",
			Subjects:    []string{c.prefix() + ".stop.>"},
			Retention:   jetstream.LimitsPolicy,
			Storage:     st,
			Replicas:    max(c.Replicas, 1),
			MaxAge:      StopsMaxAge,
			MaxMsgs:     StopsMaxMsgs,
			MaxBytes:    64 << 20,
			Discard:     jetstream.DiscardOld,
		},
	}
}

func dur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func size(n int64) int64 {
	switch {
	case n == 0:
		return DefaultMaxBytes
	case n < 0:
		return -1
	}
	return n
}
