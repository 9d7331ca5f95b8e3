package harness

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stepjet/stepjet/transport/limits"
)

const usageText = `Usage: stepjet-bench [options]     (also: stepjet bench [options])

Measures stepjet on this machine in one run: the raw JetStream ceiling (publish+consume pairs),
the floor (the JetStream work one async execution needs by stepjet's NATS layout, without the
engine: a start stored, consumed and acked, a result stored and read), floor-batch (the same
with starts and results as fast-ingest batches, the executor's layout), async executions of the
order workflow (bench/testdata/order.asl.json), async and sync executions at fixed offered loads,
sync at saturation, and thousands of executions in flight at once. Prints throughput, latency
percentiles, CPU and peak RSS, the ratios to the ceiling and the floor, and checks that every
execution produced exactly one result. Exit status 1 when a check fails.

Examples:
  go run ./bench/cmd/stepjet-bench
  go run ./bench/cmd/stepjet-bench --json bench/results/run.json --svg bench/results/run.svg
  go run ./bench/cmd/stepjet-bench --phases ceiling,floor,async --n 50000 --cpuprofile async.pprof
  go run ./bench/cmd/stepjet-bench --phases ceiling,floor,floor-batch,async --starts async
  go run ./bench/cmd/stepjet-bench --phases floor-batch --cpuprofile fb.pprof --profile-phase floor-batch
  go run ./bench/cmd/stepjet-bench --tasks nats --nats-url nats://127.0.0.1:4222
  go run ./bench/cmd/stepjet-bench --phases inflight --inflight 100000 --memprofile inflight.pprof`

// Main is the command line: it parses args, runs, prints and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if spec := os.Getenv(slowWorkerEnv); spec != "" {
		return serveSlowWorker(spec, os.Stdin, stdout, stderr)
	}
	fs := flag.NewFlagSet("stepjet-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageText)
		fmt.Fprintln(stderr, "\nOptions:")
		fs.PrintDefaults()
	}
	var c RunConfig
	fs.StringVar(&c.Env.NATSURL, "nats-url", "", "use this NATS server (with JetStream) instead of an embedded one")
	fs.StringVar(&c.Env.Conn, "conn", ConnTCP, "how the harness, executor and workers reach the embedded server: tcp (loopback) or inprocess")
	fs.BoolVar(&c.Env.Memory, "memory", false, "store the streams in memory (default: file storage, as in production)")
	fs.BoolVar(&c.Env.Records, "records", false, "keep execution records and history, as stepjet serve does by default (compare a run with and without)")
	fs.StringVar(&c.Env.History, "history", "ALL", "with --records: the history level, ALL, ERROR or OFF")
	fs.BoolVar(&c.Env.NoData, "history-no-data", false, "with --records: keep no inputs and outputs in records and history")
	fs.StringVar(&c.Env.Prefix, "prefix", "", `subject prefix (default "stepjet", or "stepjetbench" with --nats-url)`)
	fs.StringVar(&c.Env.Tasks, "tasks", TasksGo, "how Task states run: go (in-process functions) or nats (NATS workers)")
	fs.DurationVar(&c.Env.TaskDelay, "task-delay", 0, "make every task take this long (slow workers)")
	fs.StringVar(&c.Env.Telemetry, "telemetry", TelemetryOff, "the executor's telemetry: off, metrics (as serve without an OTLP endpoint) or traces (every execution traced to an in-process OTLP endpoint)")
	fs.StringVar(&c.Env.Starts, "starts", StartsBatch, "how the load generator publishes the async phases' starts: batch (in bulk through one fast-ingest publisher, one ack per few hundred starts, as a trigger or bulk client) or async (PublishMsgAsync, one publish-ack each, as the API; also for a server older than nats-server 2.14, which has no fast-ingest batches)")
	fs.IntVar(&c.Env.MaxInFlight, "max-inflight", 0, "the executor's MaxInFlight (default max(4096, --inflight))")
	maxConcurrency := fs.String("max-concurrency", "", "tag the benchmark's machines stepjet:max-concurrency N (executions at once, across executors)")
	maxStartRate := fs.String("max-start-rate", "", "tag the benchmark's machines stepjet:max-start-rate R (starts per second, across executors)")
	phases := fs.String("phases", strings.Join(AllPhases, ","), "phases to run, comma-separated")
	fs.IntVar(&c.CeilingN, "ceiling-n", 50000, "messages for the JetStream ceiling")
	fs.IntVar(&c.AsyncN, "n", 20000, "executions in the async burst")
	rates := fs.String("rates", "500,1000,2000,4000", "offered loads (executions/s) for the fixed-rate phases")
	fs.DurationVar(&c.RateDuration, "rate-duration", 2*time.Second, "how long each offered load is held")
	fs.IntVar(&c.SyncConcurrency, "sync-concurrency", 64, "closed-loop clients for sync saturation")
	fs.DurationVar(&c.SaturationDuration, "saturation-duration", 3*time.Second, "how long sync saturation runs")
	fs.IntVar(&c.InFlight, "inflight", 10000, "executions held in flight at once (half by a Wait state, half by a slow NATS worker)")
	fs.DurationVar(&c.Hold, "hold", 0, "how long each in-flight execution waits, whole seconds (default 5s per 10,000 executions, at least 10s)")
	slowWorker := fs.String("slow-worker", "process", "where the inflight phase's slow NATS worker runs: process (a child process, so RSS is the server's and executor's) or inprocess")
	fs.StringVar(&c.MemProfile, "memprofile", "", "write a heap profile to this file when all --inflight executions are in flight (after a GC)")
	fs.IntVar(&c.Warmup, "warmup", 500, "warm-up executions before measuring (-1: none)")
	jsonPath := fs.String("json", "", "write the report as JSON to this file")
	svgPath := fs.String("svg", "", "write the throughput/latency chart as SVG to this file")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of one phase (--profile-phase) to this file")
	fs.StringVar(&c.ProfilePhase, "profile-phase", PhaseAsync, "the phase --cpuprofile covers: floor, floor-batch, async, async-rates, sync-rates or sync-saturation")
	progress := fs.Bool("progress", false, "draw progress bars on stderr even when it is not a terminal")
	timeout := fs.Duration("timeout", 5*time.Minute, "bound on the whole run; unless set, the inflight phase's own bound is added past 10,000 executions")
	verbose := fs.Bool("v", false, "print the executor's warnings")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "stepjet-bench: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	c.Phases = nil
	for _, p := range strings.Split(*phases, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !contains(AllPhases, p) {
			fmt.Fprintf(stderr, "stepjet-bench: unknown phase %q (phases: %s)\n", p, strings.Join(AllPhases, ","))
			return 2
		}
		c.Phases = append(c.Phases, p)
	}
	if profilable := []string{PhaseFloor, PhaseFloorBatch, PhaseAsync, PhaseAsyncRates, PhaseSyncRates, PhaseSyncSaturation}; !contains(profilable, c.ProfilePhase) {
		fmt.Fprintf(stderr, "stepjet-bench: --profile-phase %q: one of %s\n", c.ProfilePhase, strings.Join(profilable, ", "))
		return 2
	} else if c.CPUProfile != "" && !contains(c.Phases, c.ProfilePhase) {
		fmt.Fprintf(stderr, "stepjet-bench: --cpuprofile covers %s, which --phases does not run\n", c.ProfilePhase)
		return 2
	}
	switch *slowWorker {
	case "process", "inprocess":
		c.SlowWorkerProcess = *slowWorker == "process"
	default:
		fmt.Fprintf(stderr, "stepjet-bench: --slow-worker %q: process or inprocess\n", *slowWorker)
		return 2
	}
	c.Rates = nil
	for _, r := range strings.Split(*rates, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(r), 64)
		if err != nil || v <= 0 {
			fmt.Fprintf(stderr, "stepjet-bench: bad rate %q\n", r)
			return 2
		}
		c.Rates = append(c.Rates, v)
	}
	for tag, v := range map[string]string{limits.TagConcurrency: *maxConcurrency, limits.TagRate: *maxStartRate} {
		if v == "" {
			continue
		}
		if err := limits.Check(map[string]string{tag: v}); err != nil {
			fmt.Fprintln(stderr, "stepjet-bench:", err)
			return 2
		}
		if c.Env.Tags == nil {
			c.Env.Tags = map[string]string{}
		}
		c.Env.Tags[tag] = v
	}
	if c.Env.Starts != StartsBatch && c.Env.Starts != StartsAsync {
		fmt.Fprintf(stderr, "stepjet-bench: --starts %q: batch or async\n", c.Env.Starts)
		return 2
	}
	if c.Warmup < 0 {
		c.Warmup = -1
	}
	if f, ok := stderr.(*os.File); ok && (*progress || IsTerminal(f)) {
		c.Progress = stderr
	}
	if *verbose {
		c.Env.Log = stderr
	}
	c.Log = stderr

	timeoutSet := false
	fs.Visit(func(f *flag.Flag) { timeoutSet = timeoutSet || f.Name == "timeout" })
	if !timeoutSet && c.InFlight > 10000 && contains(c.Phases, PhaseInFlight) {
		hold := c.Hold
		if hold <= 0 {
			hold = DefaultHold(c.InFlight)
		}
		*timeout += inFlightLimit(c.InFlight, hold)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	fmt.Fprintln(stderr, Header)
	rep, err := Run(ctx, c)
	if err != nil {
		fmt.Fprintln(stderr, "stepjet-bench:", err)
		return 1
	}
	fmt.Fprintln(stdout)
	rep.WriteText(stdout)
	if *jsonPath != "" {
		if err := rep.WriteJSON(*jsonPath); err != nil {
			fmt.Fprintln(stderr, "stepjet-bench:", err)
			return 1
		}
	}
	if *svgPath != "" {
		if err := rep.WriteSVG(*svgPath); err != nil {
			fmt.Fprintln(stderr, "stepjet-bench:", err)
			return 1
		}
	}
	if !rep.OK() {
		return 1
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
