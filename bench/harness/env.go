package harness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/bench"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/embedded"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/fastpub"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/records"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/stepjet/stepjet/transport/worker"
)

// Task modes: in-process Go functions, or NATS workers (request/reply through the server).
const (
	TasksGo   = "go"
	TasksNATS = "nats"
)

// Connection kinds to an embedded server.
const (
	ConnInProcess = "inprocess"
	ConnTCP       = "tcp"
)

// EnvConfig says how to stand the system up.
type EnvConfig struct {
	// NATSURL connects to an existing server; empty embeds one (127.0.0.1, a free port, its store
	// in a temporary directory removed at Close).
	NATSURL string
	// Conn is how the harness, executor and workers reach an embedded server: ConnTCP (loopback,
	// the default) or ConnInProcess (as embedded.Server.InProcess offers). In-process connections
	// were seen to stall a pull consumer until its pull request expired (30 s) under load on
	// nats-server v2.15.2, so they are not the default: see docs/bench.md.
	Conn string
	// Memory stores the streams in memory instead of files (default: files, as in production).
	Memory bool
	// Records keeps every execution's record and history (package records), as stepjet serve
	// does by default; History and NoData are its defaults for the machine's history.
	Records bool
	History string
	NoData  bool
	// Prefix is the subject prefix (default "stepjet", or "stepjetbench" on an external server so
	// a benchmark never shares streams with a real deployment).
	Prefix string
	// Tasks is TasksGo (default) or TasksNATS; TaskDelay makes every task take that long (slow
	// workers).
	Tasks     string
	TaskDelay time.Duration
	// MaxInFlight is the executor's bound on running executions (default 4096).
	MaxInFlight int
	// Log receives the executor's warnings (default: discarded).
	Log io.Writer
	// Telemetry is TelemetryOff (default), TelemetryMetrics or TelemetryTraces.
	Telemetry string
	// Tags are put on every machine the harness registers: e.g. the limits
	// stepjet:max-concurrency and stepjet:max-start-rate (package transport/limits).
	Tags map[string]string
	// Starts is how the load generator publishes the async phases' starts: StartsBatch
	// (default) or StartsAsync.
	Starts string
}

// Env is a running system: a server (embedded or not), provisioned streams, an executor and
// optionally NATS task workers, plus the load generator's own connection.
type Env struct {
	cfg           EnvConfig
	stopTelemetry func()
	rec           *records.Recorder
	srv           *embedded.Server
	dir           string
	conns         []*nats.Conn
	nc            *nats.Conn // load generator
	js            jetstream.JetStream
	bulk          *fastpub.Publisher // the async phases' starts, with Starts=batch
	execNC        *nats.Conn
	execJS        jetstream.JetStream
	exec          *executor.Executor
	workers       *worker.Service
	layout        wire.Layout
	kv            jetstream.KeyValue
	runID         string
	machines      []string
	pubErrs       atomic.Int64 // async publishes the stream refused or never acked
	phaseSeq      atomic.Int64
}

// FunctionArn is the Resource ARN the order workflow uses for function name.
func FunctionArn(name string) string {
	return "arn:aws:lambda:us-east-1:123456789012:function:" + name
}

// NewEnv starts everything. Close releases it.
func NewEnv(ctx context.Context, cfg EnvConfig) (_ *Env, err error) {
	if cfg.Conn == "" {
		cfg.Conn = ConnTCP
	}
	if cfg.Tasks == "" {
		cfg.Tasks = TasksGo
	}
	if cfg.Tasks != TasksGo && cfg.Tasks != TasksNATS {
		return nil, fmt.Errorf("tasks must be %q or %q, not %q", TasksGo, TasksNATS, cfg.Tasks)
	}
	if cfg.Conn != ConnInProcess && cfg.Conn != ConnTCP {
		return nil, fmt.Errorf("conn must be %q or %q, not %q", ConnInProcess, ConnTCP, cfg.Conn)
	}
	if cfg.Starts == "" {
		cfg.Starts = StartsBatch
	}
	if cfg.Starts != StartsBatch && cfg.Starts != StartsAsync {
		return nil, fmt.Errorf("starts must be %q or %q, not %q", StartsBatch, StartsAsync, cfg.Starts)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = wire.DefaultPrefix
		if cfg.NATSURL != "" {
			cfg.Prefix = "stepjetbench"
		}
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	e := &Env{cfg: cfg, layout: wire.Layout{Prefix: cfg.Prefix}, runID: newID()}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	if cfg.NATSURL == "" {
		if e.dir, err = os.MkdirTemp("", "stepjet-bench-"); err != nil {
			return nil, err
		}
		if e.srv, err = embedded.Start(embedded.Options{Dir: e.dir, Port: -1, ServerName: "stepjet-bench"}); err != nil {
			return nil, err
		}
	}
	if e.nc, err = e.connect("stepjet-bench-load"); err != nil {
		return nil, err
	}
	if e.js, err = jetstream.New(e.nc, jetstream.WithPublishAsyncMaxPending(4096),
		jetstream.WithPublishAsyncErrHandler(func(jetstream.JetStream, *nats.Msg, error) { e.pubErrs.Add(1) })); err != nil {
		return nil, err
	}
	pc := provision.Config{Layout: e.layout, Memory: cfg.Memory}
	if e.srv != nil && !cfg.Memory {
		// The embedded server's store is a temporary directory of this run: results must not
		// be dropped at the default 1 GiB before a large burst (--n 500000) has been counted.
		pc.ResultMaxBytes = -1
	}
	if err = provision.Ensure(ctx, e.js, pc); err != nil {
		return nil, err
	}
	if e.kv, err = e.js.KeyValue(ctx, e.layout.MachinesBucket()); err != nil {
		return nil, err
	}
	if cfg.Starts == StartsBatch {
		// The publisher lives as long as the Env (Close shuts it down), not as long as ctx,
		// which may only bound the setup.
		if e.bulk, err = e.newBulkPublisher(context.Background(), e.js); err != nil {
			return nil, err
		}
	}
	if e.execNC, err = e.connect("stepjet-bench-executor"); err != nil {
		return nil, err
	}
	if e.execJS, err = jetstream.New(e.execNC); err != nil {
		return nil, err
	}
	xc := executor.Config{
		NC:              e.execNC,
		Layout:          e.layout,
		MaxInFlight:     cfg.MaxInFlight,
		DisableTriggers: true,
		Logger:          slog.New(slog.NewTextHandler(cfg.Log, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if cfg.Tasks == TasksGo {
		xc.Funcs = map[string]engine.TaskInvoker{}
		for name, out := range bench.OrderFunctions {
			xc.Funcs[FunctionArn(name)] = goTask(out, cfg.TaskDelay)
		}
	} else if err = e.startWorkers(); err != nil {
		return nil, err
	}
	if xc.Telemetry, e.stopTelemetry, err = startTelemetry(ctx, cfg.Telemetry); err != nil {
		return nil, err
	}
	if cfg.Records {
		rc := records.Config{NC: e.execNC, Layout: e.layout, Memory: cfg.Memory, History: cfg.History, NoData: cfg.NoData}
		if e.srv != nil && !cfg.Memory {
			rc.MaxBytes, rc.HistoryMaxBytes = -1, -1
		}
		if e.rec, err = records.NewRecorder(rc); err != nil {
			return nil, err
		}
		if err = e.rec.Start(ctx); err != nil {
			return nil, err
		}
		xc.Recorder = e.rec
	}
	if e.exec, err = executor.New(xc); err != nil {
		return nil, err
	}
	if err = e.exec.Start(ctx); err != nil {
		e.exec = nil
		return nil, err
	}
	return e, nil
}

// goTask answers a task in-process with a fixed result, after delay when set.
func goTask(out string, delay time.Duration) engine.TaskInvoker {
	result := []byte(out)
	return engine.TaskFunc(func(ctx context.Context, _ engine.TaskRequest) ([]byte, error) {
		if delay > 0 {
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return result, nil
	})
}

// startWorkers serves the order functions as NATS workers on their own connection.
func (e *Env) startWorkers() error {
	nc, err := e.connect("stepjet-bench-workers")
	if err != nil {
		return err
	}
	// MaxConcurrent is generous so the worker is not the bottleneck being measured.
	svc, err := worker.New(nc, "stepjet-bench", worker.Options{Prefix: e.cfg.Prefix, MaxConcurrent: 16384})
	if err != nil {
		return err
	}
	e.workers = svc
	delay := e.cfg.TaskDelay
	for name, out := range bench.OrderFunctions {
		result := []byte(out)
		if err := svc.Handle(name, func(ctx context.Context, _ []byte) ([]byte, error) {
			if delay > 0 {
				select {
				case <-time.After(delay):
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			return result, nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func (e *Env) connect(name string) (*nats.Conn, error) {
	opts := []nats.Option{nats.Name(name), nats.MaxReconnects(-1),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			fmt.Fprintf(e.cfg.Log, "nats %s: %v\n", name, err)
		}),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			fmt.Fprintf(e.cfg.Log, "nats %s disconnected: %v\n", name, err)
		})}
	url := e.cfg.NATSURL
	if e.srv != nil {
		url = e.srv.ClientURL()
		if e.cfg.Conn == ConnInProcess {
			opts = append(opts, e.srv.InProcess())
		}
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", url, err)
	}
	e.conns = append(e.conns, nc)
	return nc, nil
}

// Layout is the NATS layout the environment uses.
func (e *Env) Layout() wire.Layout { return e.layout }

// Embedded reports whether the server runs in this process.
func (e *Env) Embedded() bool { return e.srv != nil }

// RegisterMachine stores a state machine named name (suffixed with the run's id so runs on a
// shared server never mix) and returns the name it got.
func (e *Env) RegisterMachine(ctx context.Context, base string, def []byte) (string, error) {
	if _, err := engine.Compile(def, engine.CompileOptions{Type: "EXPRESS"}); err != nil {
		return "", fmt.Errorf("definition of %s: %w", base, err)
	}
	name := base + "-" + e.runID
	rec, err := json.Marshal(wire.Machine{
		Name:         name,
		Arn:          e.layout.StateMachineArn(name),
		Definition:   string(def),
		RoleArn:      "arn:aws:iam::123456789012:role/stepjet-bench",
		Type:         "EXPRESS",
		CreationDate: time.Now().UTC(),
		Tags:         e.cfg.Tags,
	})
	if err != nil {
		return "", err
	}
	if _, err := e.kv.Put(ctx, wire.MachineKey(name), rec); err != nil {
		return "", err
	}
	e.machines = append(e.machines, name)
	return name, nil
}

// ExecutorInFlight reads the executor's in-flight gauge from its metrics.
func (e *Env) ExecutorInFlight() int64 {
	var b strings.Builder
	e.exec.WriteMetrics(&b)
	const key = "\nstepjet_executions_inflight "
	s := b.String()
	i := strings.Index(s, key)
	if i < 0 {
		return -1
	}
	s = s[i+len(key):]
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		return -1
	}
	return n
}

// Close stops the executor and workers, removes the machines it registered and stops the
// embedded server.
func (e *Env) Close() {
	if e.exec != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = e.exec.Shutdown(ctx)
		cancel()
	}
	if e.stopTelemetry != nil {
		e.stopTelemetry()
	}
	if e.rec != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = e.rec.Close(ctx)
		cancel()
	}
	if e.bulk != nil {
		shutdownPublisher(e.bulk)
	}
	if e.workers != nil {
		_ = e.workers.Stop()
	}
	if e.kv != nil && e.srv == nil {
		for _, m := range e.machines {
			_ = e.kv.Delete(context.Background(), wire.MachineKey(m))
		}
	}
	for _, nc := range e.conns {
		nc.Close()
	}
	if e.srv != nil {
		e.srv.Shutdown()
	}
	if e.dir != "" {
		_ = os.RemoveAll(e.dir)
	}
}

func newID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var errTimeout = errors.New("phase time limit reached before every result arrived")
