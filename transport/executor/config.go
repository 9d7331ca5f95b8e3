package executor

import (
	"log/slog"
	"runtime"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/tasks"
	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/stepjet/stepjet/transport/wire"
)

// Config configures an Executor. Only NC is required; the zero values of the rest are the
// defaults documented on each field.
type Config struct {
	NC     *nats.Conn
	Layout wire.Layout
	// Tasks runs Task states. Nil means a tasks.Router with NATS Lambda workers, HTTP tasks,
	// SNS/SQS/EventBridge publishes and Funcs.
	Tasks engine.TaskInvoker
	// Funcs are in-process Go task functions by resource ARN (used when Tasks is nil).
	Funcs map[string]engine.TaskInvoker
	// MaxInFlight bounds the executions (async and sync) this process runs at once (default
	// DefaultMaxInFlight). Executions mostly wait on workers, so thousands fit in one process.
	MaxInFlight int
	// Timeout is every execution's deadline (default and maximum: 5 minutes, as on AWS).
	Timeout time.Duration
	// MaxComputing bounds how many threads of the executions (an execution, a Parallel
	// branch, a Map iteration) compute in the engine at once; the others wait their turn, and a
	// thread waiting on a task or a Wait state holds no turn (see engine.Gate). Default
	// GOMAXPROCS: CPU-bound executions then take turns among themselves and cannot starve the
	// process's NATS traffic (pulls, heartbeats, acks) or the executions that only wait.
	MaxComputing int
	// MaxSyncPending and MaxSyncPendingBytes bound the sync requests waiting for an in-flight
	// slot (default 1024 requests, 64 MiB of input); past them a request is answered at once
	// with ThrottlingException ("busy"). A waiting request whose caller's deadline passes is
	// dropped.
	MaxSyncPending      int
	MaxSyncPendingBytes int64
	// AckWait is how long JetStream waits for an ack or heartbeat before redelivering a start
	// (default 30s; executions heartbeat every AckWait/3).
	AckWait time.Duration
	// MaxDeliver is how many times a start is delivered; the last delivery does not run the
	// execution but stores a FAILED result saying why (default 5).
	MaxDeliver int
	// Consumer is the durable pull consumer's name, shared by all executors (default
	// "<prefix>-executors").
	Consumer string
	// Provision, when set, makes Start create or update the streams and buckets first.
	Provision *provision.Config
	// Replicas of the stream and bucket the executor creates itself for machines' limits (the
	// waiting stream and the start-rate budgets; package limits). Default: Provision's
	// replicas when set, else 1. On a cluster, set it as the other streams' (serve --replicas).
	Replicas int
	// DisableSync and DisableTriggers turn off the sync responder and trigger subscriptions.
	DisableSync     bool
	DisableTriggers bool
	// AbandonAfter is how long Shutdown waits, once its context has ended and the remaining
	// executions were told to stop, before it gives up on them (default 5s): an execution that
	// ignores its context is abandoned (logged; its start, unacked, is redelivered).
	AbandonAfter time.Duration
	// Telemetry, when set, makes execution, state and task spans and records the executor's
	// metrics (see package telemetry); nil makes neither.
	Telemetry *telemetry.Telemetry
	// Recorder, when set, keeps every execution's record and history (package
	// transport/records) and can stop running executions.
	Recorder Recorder
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// DefaultMaxInFlight is MaxInFlight's default, from what an execution in flight costs
// (docs/bench.md, "100,000 in flight"): an async execution waiting at a Wait state or on a NATS
// worker is parked, ~11 KiB (its start message, the engine's state, timers, the server's
// pending ack); one that holds a goroutine while it waits (in a Parallel or Map state, on an
// HTTP task, a sync execution) ~27 KiB, most of it the goroutine's stack. 16,384 of the latter
// are ~430 MiB, of the former ~180 MiB: either fits the chart's 1 GiB pod with room for the
// garbage collector, and a process given more memory can take more (--max-inflight).
const DefaultMaxInFlight = 16384

func (c *Config) setDefaults() {
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.MaxComputing <= 0 {
		c.MaxComputing = runtime.GOMAXPROCS(0)
	}
	if c.MaxSyncPending <= 0 {
		c.MaxSyncPending = 1024
	}
	if c.MaxSyncPendingBytes <= 0 {
		c.MaxSyncPendingBytes = 64 << 20
	}
	if c.Timeout <= 0 || c.Timeout > engine.DefaultTimeout {
		c.Timeout = engine.DefaultTimeout
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 5
	}
	if c.MaxDeliver == 1 {
		c.MaxDeliver = 2 // one delivery to run, one to report; 1 would never run anything
	}
	if c.Consumer == "" {
		c.Consumer = c.Layout.SyncQueue()
	}
	if c.AbandonAfter <= 0 {
		c.AbandonAfter = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// DefaultTasks builds the standard task router over nc and js.
func DefaultTasks(nc *nats.Conn, js jetstream.JetStream, l wire.Layout, funcs map[string]engine.TaskInvoker) *tasks.Router {
	return &tasks.Router{
		Funcs:  funcs,
		Lambda: &tasks.Lambda{NC: nc, Layout: l},
		HTTP:   &tasks.HTTP{Region: l.RegionOrDefault()},
		Notify: &tasks.Notify{NC: nc, JS: js, Layout: l},
	}
}
