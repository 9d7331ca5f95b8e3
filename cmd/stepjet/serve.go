package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/console"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/embedded"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/natsconn"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/records"
	"github.com/stepjet/stepjet/transport/tasks"
	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/stepjet/stepjet/transport/telemetry/export"
	"github.com/stepjet/stepjet/transport/wire"
)

func init() {
	register(command{name: "serve", summary: "run the service: embedded NATS, executor and HTTP API", run: serveCmd})
}

// serveDeps is what serve hands the AWS API when it mounts it.
type serveDeps struct {
	NC       *nats.Conn
	JS       jetstream.JetStream
	Layout   wire.Layout
	Logger   *slog.Logger
	Executor *executor.Executor
	// Timeout is the executions' deadline (for StartSyncExecution's request timeout).
	Timeout time.Duration
	// Telemetry makes the API's request spans and metrics.
	Telemetry *telemetry.Telemetry
	// Records reads the kept execution records (nil with --records=false).
	Records *records.Store
}

// mountAPI mounts the AWS JSON API on serve's HTTP listener. The API's own file sets it in its
// init; when nil, serve offers only /metrics, /healthz and /readyz.
var mountAPI func(mux *http.ServeMux, deps serveDeps) error

const serveHelp = `
Usage: stepjet serve [options]

Runs stepjet as a service in one process: an embedded NATS server with JetStream (data under
--data-dir, clients on --listen), the executor, and the HTTP API on --http-addr with /metrics,
/healthz and /readyz (200 once NATS is connected and the streams exist).

The web console (docs/console.md) is at http://127.0.0.1:8083/console/ (GET / redirects there):
design state machines as graphs, start executions, follow and debug them. It is built into the
binary, needs nothing from the internet, and uses the same API (signed when SigV4 is on: enter
the key in its settings). --console=false turns it off.

With --nats-url it joins an existing NATS server or cluster instead and embeds nothing; start as
many such processes as you like: they share the work. Only --nats-url does that: $NATS_URL is not
read. SIGTERM or SIGINT drains: stop taking work, finish in-flight executions (up to
--drain-timeout, then hand them back), exit.

Every execution's record and history are kept (--records, on by default, bounded by
--records-max-* and --history-max-*): stepjet executions, describe-execution, history, stop,
redrive and replay, and the API's DescribeExecution, ListExecutions, GetExecutionHistory,
StopExecution and RedriveExecution read them. Machine tags set what is kept and the limits:
stepjet:history, stepjet:history-data, stepjet:records-max-age, stepjet:history-max-age,
stepjet:max-concurrency, stepjet:max-start-rate (docs/api.md, docs/limits.md).

One data directory serves one embedded server: a second stepjet serve on it refuses to start,
naming the process that holds it.

Security (docs/security.md): with STEPJET_ACCESS_KEY_ID and STEPJET_SECRET_ACCESS_KEY set, the
API accepts only requests signed (SigV4) with that key. --user/--password or --nkey make the
embedded NATS server require those credentials too (serve itself connects with them; with
--nats-url they log in to the joined server). A non-loopback --http-addr or --listen without
credentials is logged as a warning. HTTP tasks may not connect to link-local and cloud metadata
addresses (--http-task-deny, --http-task-allow).

Telemetry (docs/observability.md): /metrics serves Prometheus metrics (through OpenTelemetry).
With OTEL_EXPORTER_OTLP_ENDPOINT set, traces and metrics are exported over OTLP/HTTP; an
execution is traced when its machine has tracingConfiguration.enabled or its caller's trace
context (traceparent, X-Amzn-Trace-Id) is sampled. The other OTEL_* variables apply (service
name, sampler, headers). Process logs are text on a terminal, JSON otherwise (--log-format).

Examples:
  stepjet serve
  stepjet serve --nkey stepjet.nk --http-addr 0.0.0.0:8083
  OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 stepjet serve
  stepjet serve --nats-url nats://n1:4222,nats://n2:4222 --creds app.creds --max-inflight 10000
  stepjet serve --definitions ./workflows     # apply NAME.asl.json files at start-up (docs/kubernetes.md)
`

func serveCmd(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return serve(ctx, args, stdout, stderr)
}

// serve runs until ctx ends (SIGTERM/SIGINT in serveCmd), then drains.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", serveHelp, stderr)
	var conn natsconn.Options
	conn.Register(fs, "")
	// serve embeds unless told otherwise on its command line: a NATS_URL exported for the nats CLI
	// must not silently turn it into a client of some other server.
	conn.URL = ""
	fs.Lookup("nats-url").DefValue = ""
	fs.Lookup("nats-url").Usage = "join these NATS servers (comma-separated) instead of embedding one ($NATS_URL is not read)"
	fs.Lookup("user").Usage = "NATS user name: logs in to --nats-url, or the embedded server requires it (with --password)"
	fs.Lookup("password").Usage = "NATS password (with --user)"
	fs.Lookup("nkey").Usage = "NKey seed `file`: logs in to --nats-url, or the embedded server requires its public key"
	dataDir := fs.String("data-dir", embedded.DefaultDir, "JetStream store directory of the embedded server")
	listen := fs.String("listen", "127.0.0.1:4222", "client address of the embedded NATS server")
	httpAddr := fs.String("http-addr", "127.0.0.1:8083", "HTTP listen address (API, /console/, /metrics, /healthz, /readyz)")
	consoleOn := fs.Bool("console", true, "serve the web console at /console/ on --http-addr (GET / points there); false answers 404")
	prefix := fs.String("prefix", wire.DefaultPrefix, "subject prefix of stepjet's NATS layout")
	region := fs.String("region", "us-east-1", "region in ARNs")
	account := fs.String("account", "123456789012", "account id in ARNs")
	maxInFlight := fs.Int("max-inflight", executor.DefaultMaxInFlight, "executions this process runs at once")
	maxComputing := fs.Int("max-computing", 0, "execution threads computing at once; the rest wait their turn, and one waiting on a task or a Wait holds none (default GOMAXPROCS)")
	timeout := fs.Duration("timeout", 5*time.Minute, "execution deadline (at most 5m)")
	ackWait := fs.Duration("ack-wait", 30*time.Second, "redeliver a start after this long without a heartbeat")
	maxDeliver := fs.Int("max-deliver", 5, "deliveries of a start before it fails")
	replicas := fs.Int("replicas", 1, "stream and bucket replicas (3 on a cluster); an existing stream's are never lowered")
	drain := fs.Duration("drain-timeout", 30*time.Second, "on SIGTERM, wait this long for in-flight executions")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	logFormat := fs.String("log-format", "auto", "process log format: text, json, or auto (text on a terminal, JSON otherwise)")
	resultMaxAge := fs.Duration("result-max-age", 24*time.Hour, "keep results on STEPJET_RESULTS this long")
	logMaxAge := fs.Duration("log-max-age", 24*time.Hour, "keep log events on STEPJET_LOGS this long")
	resultMaxBytes, logMaxBytes := byteSize(provision.DefaultMaxBytes), byteSize(provision.DefaultMaxBytes)
	fs.Var(&resultMaxBytes, "result-max-bytes", "bound STEPJET_RESULTS to this `size`, oldest results dropped first (e.g. 10GiB, or unlimited)")
	fs.Var(&logMaxBytes, "log-max-bytes", "bound STEPJET_LOGS to this `size`, oldest events dropped first (e.g. 10GiB, or unlimited)")
	defsDir := definitionsFlag(fs)
	keepRecords := fs.Bool("records", true, "keep every execution's record and history (DescribeExecution, ListExecutions, GetExecutionHistory, StopExecution); false answers those as AWS does for Express")
	recordsMaxAge := fs.Duration("records-max-age", records.DefaultMaxAge, "keep execution records on STEPJET_RECORDS this long")
	historyMaxAge := fs.Duration("history-max-age", records.DefaultMaxAge, "keep history events on STEPJET_HISTORY this long")
	historyLevel := fs.String("history", "ALL", "history kept for machines without a stepjet:history tag: ALL, ERROR (executions that did not succeed) or OFF")
	historyData := fs.Bool("history-data", true, "keep inputs and outputs in records and history for machines without a stepjet:history-data tag")
	recordsMaxBytes, historyMaxBytes := byteSize(records.DefaultMaxBytes), byteSize(records.DefaultMaxBytes)
	fs.Var(&recordsMaxBytes, "records-max-bytes", "bound STEPJET_RECORDS to this `size`, oldest records dropped first (e.g. 10GiB, or unlimited)")
	fs.Var(&historyMaxBytes, "history-max-bytes", "bound STEPJET_HISTORY to this `size`, oldest events dropped first (e.g. 10GiB, or unlimited)")
	debugAddr := fs.String("debug-addr", "", "serve Go's profiler (/debug/pprof/) on this address, e.g. 127.0.0.1:6060 (off by default)")
	httpRead := fs.Duration("http-read-timeout", 30*time.Second, "close a connection that has not sent a request's headers and body within this")
	httpIdle := fs.Duration("http-idle-timeout", 2*time.Minute, "close a keep-alive connection idle this long")
	httpMaxConns := fs.Int("http-max-conns", 4096, "HTTP connections served at once; further ones wait to be accepted")
	var taskAllow, taskDeny prefixList
	fs.Var(&taskAllow, "http-task-allow", "HTTP tasks may connect only to these `addresses` (IPs or CIDRs, comma-separated; default: any not denied)")
	fs.Var(&taskDeny, "http-task-deny", "HTTP tasks may not connect to these `addresses` either, besides link-local and cloud metadata ones (\"none\" allows those)")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		fmt.Fprintf(stderr, "stepjet serve: unexpected argument %q (stepjet serve --help)\n", pos[0])
		return exitUsage
	}
	if *timeout <= 0 || *timeout > engine.DefaultTimeout {
		fmt.Fprintln(stderr, "stepjet serve: --timeout must be more than 0 and at most 5m (the Express limit)")
		return exitUsage
	}
	if *httpRead <= 0 || *httpIdle <= 0 || *httpMaxConns <= 0 {
		fmt.Fprintln(stderr, "stepjet serve: --http-read-timeout, --http-idle-timeout and --http-max-conns must be more than 0")
		return exitUsage
	}
	if !records.ValidLevel(*historyLevel) {
		fmt.Fprintf(stderr, "stepjet serve: --history %q is not ALL, ERROR or OFF\n", *historyLevel)
		return exitUsage
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "stepjet serve: bad --log-level %q\n", *logLevel)
		return exitUsage
	}
	log, err := newLogger(stderr, *logFormat, lvl)
	if err != nil {
		fmt.Fprintf(stderr, "stepjet serve: %v\n", err)
		return exitUsage
	}
	layout := wire.Layout{Prefix: *prefix, Region: *region, Account: *account}

	// Telemetry from the OTEL_* variables: metrics always (/metrics), OTLP export when configured.
	tel, err := export.Setup(ctx, export.Options{ServiceVersion: buildVersion()})
	if err != nil {
		fmt.Fprintf(stderr, "stepjet serve: telemetry: %v\n", err)
		return exitUsage
	}
	defer func() {
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tel.Shutdown(fctx); err != nil {
			log.Warn("flushing telemetry failed", "err", err)
		}
	}()
	if tel.Traces || tel.Metrics {
		log.Info("exporting telemetry over OTLP", "traces", tel.Traces, "metrics", tel.Metrics)
	}

	// Bind the HTTP address first: a taken port fails fast, before anything else starts.
	ln, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		log.Error("cannot listen", "addr", *httpAddr, "err", err)
		return exitFail
	}
	defer ln.Close()
	if *debugAddr != "" {
		closeDebug, err := startDebug(*debugAddr, log)
		if err != nil {
			log.Error("cannot listen", "addr", *debugAddr, "err", err)
			return exitFail
		}
		defer closeDebug()
	}

	ctx, stop := context.WithCancel(ctx)
	defer stop()

	var srv *embedded.Server
	conn.Name = "stepjet-serve"
	embedAuth := false
	if conn.URL == "" {
		eo, err := embeddedOptions(&conn, *dataDir, *listen)
		if err != nil {
			fmt.Fprintf(stderr, "stepjet serve: %v\n", err)
			return exitUsage
		}
		embedAuth = eo.RequiresAuth()
		srv, err = embedded.Start(eo)
		if err != nil {
			log.Error("cannot start the embedded NATS server", "err", err)
			return exitFail
		}
		defer srv.Shutdown()
		log.Info("embedded NATS server started", "url", srv.ClientURL(), "dataDir", *dataDir, "auth", embedAuth)
		if env := os.Getenv("NATS_URL"); env != "" {
			log.Info("NATS_URL is set but not used: serve embeds its own server unless --nats-url is given", "NATS_URL", env)
		}
	}
	warnPosture(log, *httpAddr, *listen, embedAuth, srv != nil)
	nc, err := serveConnect(&conn, srv, log)
	if err != nil {
		log.Error("cannot connect to NATS", "err", err)
		return exitFail
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		log.Error("jetstream", "err", err)
		return exitFail
	}
	natsURL := conn.URL
	if srv != nil {
		natsURL = srv.ClientURL()
	}
	if err := checkJetStream(ctx, js, natsURL, log); err != nil {
		log.Error("cannot use NATS", "err", err)
		return exitFail
	}
	pc := provision.Config{Layout: layout, Replicas: *replicas, ResultMaxAge: *resultMaxAge, LogMaxAge: *logMaxAge,
		ResultMaxBytes: int64(resultMaxBytes), LogMaxBytes: int64(logMaxBytes), Logger: log}
	// A cluster may still be electing leaders: retry provisioning until it works or we stop.
	for {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = provision.Ensure(pctx, js, pc)
		cancel()
		if err == nil {
			break
		}
		if errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) {
			log.Error("cannot provision the streams: JetStream is not enabled", "nats", natsURL, "err", err)
			return exitFail
		}
		log.Warn("provisioning streams failed; retrying", "err", err)
		select {
		case <-ctx.Done():
			return exitFail
		case <-time.After(2 * time.Second):
		}
	}
	if err := applyDefinitions(ctx, js, layout, *defsDir, log); err != nil {
		log.Error("cannot apply --definitions", "err", err)
		return exitFail
	}
	var rec *records.Recorder
	var store *records.Store
	if *keepRecords {
		rc := records.Config{NC: nc, Layout: layout, MaxAge: *recordsMaxAge, MaxBytes: int64(recordsMaxBytes),
			HistoryMaxAge: *historyMaxAge, HistoryMaxBytes: int64(historyMaxBytes), Replicas: *replicas, Logger: log,
			History: *historyLevel, NoData: !*historyData}
		if rec, err = records.NewRecorder(rc); err == nil {
			err = rec.Start(ctx)
		}
		if err != nil {
			log.Error("cannot keep execution records (--records=false runs without them)", "err", err)
			return exitFail
		}
		store = records.NewStore(js, rc)
	}
	router := executor.DefaultTasks(nc, js, layout, nil)
	router.HTTP.Policy = tasks.HTTPPolicy{Allow: taskAllow.prefixes, Deny: taskDeny.prefixes, NoDefaultDeny: taskDeny.none}
	ec := executor.Config{NC: nc, Layout: layout, Tasks: router, MaxInFlight: *maxInFlight, MaxComputing: *maxComputing, Timeout: *timeout,
		AckWait: *ackWait, MaxDeliver: *maxDeliver, Logger: log, Telemetry: tel.Telemetry, Replicas: *replicas}
	if rec != nil { // a nil *Recorder in the interface would not be nil
		ec.Recorder = rec
	}
	ex, err := executor.New(ec)
	if err == nil {
		err = ex.Start(ctx)
	}
	if err != nil {
		log.Error("cannot start the executor", "err", err)
		return exitFail
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		rctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		var problem string
		switch {
		case !nc.IsConnected():
			problem = "NATS is not connected"
		case !ex.Ready():
			problem = "the executor is not running"
		default:
			if err := provision.Ready(rctx, js, pc); err != nil {
				problem = err.Error()
			}
		}
		if problem != "" {
			http.Error(w, problem, http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	if stopNATS, err := tel.Telemetry.ObserveNATS(nc); err == nil {
		defer stopNATS()
	}
	if rec != nil {
		if stopRecords, err := tel.Telemetry.ObserveRecords(func() (int64, int64) {
			st := rec.Stats()
			return st.Written, st.Dropped
		}); err == nil {
			defer stopRecords()
		}
	}
	// The OTel Prometheus exporter serves every metric (docs/observability.md lists them).
	mux.Handle("GET /metrics", tel.Handler)
	mountConsole(mux, *consoleOn)
	if mountAPI != nil {
		if err := mountAPI(mux, serveDeps{NC: nc, JS: js, Layout: layout, Logger: log, Executor: ex, Timeout: *timeout, Telemetry: tel.Telemetry, Records: store}); err != nil {
			log.Error("cannot mount the API", "err", err)
			sctx, cancel := context.WithTimeout(context.Background(), *drain)
			defer cancel()
			_ = ex.Shutdown(sctx)
			return exitFail
		}
	}
	// The longest handler is a StartSyncExecution waiting for its execution (the API's sync
	// timeout: the deadline plus 15 s), or a TestState run (one minute).
	hs, hln := newHTTPServer(mux, ln, httpLimits{ReadTimeout: *httpRead, IdleTimeout: *httpIdle,
		HandlerTimeout: max(*timeout+15*time.Second, time.Minute), MaxConns: *httpMaxConns})
	go func() {
		if err := hs.Serve(hln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("HTTP server failed", "err", err)
			stop()
		}
	}()
	log.Info("stepjet is serving", "http", "http://"+ln.Addr().String(), "nats", natsURL, "prefix", layout.Prefix)

	<-ctx.Done()
	stop()
	log.Info("draining", "timeout", *drain)
	dctx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	_ = hs.Shutdown(dctx)
	if err := ex.Shutdown(dctx); err != nil {
		log.Warn("drain ended early; in-flight executions were handed back", "err", err)
	}
	if rec != nil {
		if err := rec.Close(dctx); err != nil {
			log.Warn("execution records still unwritten at the drain deadline", "err", err)
		}
	}
	_ = nc.Drain()
	for nc.IsDraining() {
		time.Sleep(10 * time.Millisecond)
	}
	log.Info("stopped")
	return exitOK
}

// mountConsole serves the web console (docs/console.md) at /console/ and points GET / there: the
// SDKs only POST to /, so a browser opening the server's address is the only GET it sees. With
// the console off, /console/ answers 404 and GET / keeps answering 405 as the API does.
func mountConsole(mux *http.ServeMux, on bool) {
	if !on {
		mux.Handle("GET /console/", http.NotFoundHandler())
		return
	}
	h := &console.Handler{}
	mux.Handle("GET /console/", h)
	mux.Handle("GET /console", h)
	mux.HandleFunc("GET /{$}", console.Root)
}

// newLogger is serve's process log: slog, text on a terminal and JSON otherwise (or as format
// says), with trace_id and span_id on records logged inside a traced execution.
func newLogger(w io.Writer, format string, lvl slog.Level) (*slog.Logger, error) {
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	opts := &slog.HandlerOptions{Level: lvl}
	var h slog.Handler
	switch format {
	case "text":
		h = slog.NewTextHandler(w, opts)
	case "json":
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, fmt.Errorf("bad --log-format %q: text, json or auto", format)
	}
	return slog.New(telemetry.LogHandler(h)), nil
}
