// Command natsload drives async starts straight onto NATS (stepjet.start.<machine>), for when
// HTTP is not the path: it publishes starts at a fixed rate (or as fast as the stream takes them)
// to a running `stepjet serve` (or any executors), waits for every result on the results stream,
// and reports throughput, latency percentiles and the exactly-one-result check.
//
//	go run ./loadtest/natsload --serve-workers --create --rate 2000 --duration 30s
//	go run ./loadtest/natsload --n 100000          # as fast as possible
//	go run ./loadtest/natsload --n 100000 --batch  # starts in bulk (fast-ingest batches)
//	go run ./loadtest/natsload --serve-workers --workers-only   # only the order workers (for k6)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/bench"
	"github.com/stepjet/stepjet/bench/harness"
	"github.com/stepjet/stepjet/transport/fastpub"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/stepjet/stepjet/transport/worker"
	"github.com/tidwall/gjson"
)

func main() { os.Exit(run()) }

func run() int {
	url := flag.String("nats-url", "nats://127.0.0.1:4222", "NATS server(s) of the stepjet deployment")
	prefix := flag.String("prefix", wire.DefaultPrefix, "stepjet's subject prefix")
	machine := flag.String("machine", "order", "state machine to start")
	create := flag.Bool("create", false, "store the order workflow under --machine first (replacing one of that name)")
	serveWorkers := flag.Bool("serve-workers", false, "serve the order workflow's functions (CheckInventory, ProcessPayment, Ship) as NATS workers")
	workersOnly := flag.Bool("workers-only", false, "only serve the workers (with --serve-workers) until interrupted; publish nothing")
	inputPath := flag.String("input", "", "execution input file (default: bench/testdata/order-input.json)")
	n := flag.Int("n", 0, "starts to publish as fast as the stream takes them (overrides --rate)")
	rate := flag.Float64("rate", 1000, "starts per second")
	duration := flag.Duration("duration", 10*time.Second, "how long to hold --rate")
	wait := flag.Duration("wait", time.Minute, "how long to wait for the last results")
	jsonOut := flag.String("json", "", "write the figures as JSON to this file")
	batch := flag.Bool("batch", false, "publish the starts in bulk through one fast-ingest publisher (ADR-50 batches, one ack per few hundred starts; needs a stream with allow_batched, as stepjet provisions it) instead of one PublishMsgAsync and publish-ack each")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	nc, err := nats.Connect(*url, nats.Name("stepjet-natsload"))
	if err != nil {
		return fail(err)
	}
	defer nc.Close()
	var pubErrs atomic.Int64 // the error handler runs on the connection's goroutine
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096),
		jetstream.WithPublishAsyncErrHandler(func(jetstream.JetStream, *nats.Msg, error) { pubErrs.Add(1) }))
	if err != nil {
		return fail(err)
	}
	layout := wire.Layout{Prefix: *prefix}
	input := bench.OrderInput
	if *inputPath != "" {
		if input, err = os.ReadFile(*inputPath); err != nil {
			return fail(err)
		}
	}
	if *serveWorkers {
		svc, err := serve(nc, *prefix)
		if err != nil {
			return fail(err)
		}
		defer svc.Stop()
	}
	if *create {
		if err := createMachine(ctx, js, layout, *machine); err != nil {
			return fail(err)
		}
	}
	if *workersOnly {
		fmt.Fprintln(os.Stderr, "serving the order workers; Ctrl-C to stop")
		<-ctx.Done()
		return 0
	}
	total := *n
	if total == 0 {
		total = int(*rate * duration.Seconds())
	}
	if total <= 0 {
		return fail(errors.New("nothing to publish: set --n, or --rate and --duration"))
	}

	// Results: from just after the stream's current end, filtered to this machine.
	stream, err := js.Stream(ctx, layout.ResultsStream())
	if err != nil {
		return fail(fmt.Errorf("results stream (is stepjet serve running?): %w", err))
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return fail(err)
	}
	runID := strconv.FormatInt(time.Now().UnixNano(), 36)
	names, arns := make([]string, total), make([]string, total)
	for i := range total {
		names[i] = "natsload-" + runID + "-" + strconv.Itoa(i)
		arns[i] = layout.ExecutionArn(*machine, names[i], runID+"-"+strconv.Itoa(i))
	}
	tally := harness.NewTally(arns)
	cons, err := js.OrderedConsumer(ctx, layout.ResultsStream(), jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{layout.ResultSubject(*machine)},
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy, OptStartSeq: info.State.LastSeq + 1})
	if err != nil {
		return fail(err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		r := gjson.GetManyBytes(m.Data(), "executionArn", "status", "error")
		tally.Record(r[0].Str, r[1].Str == "SUCCEEDED", r[1].Str+" "+r[2].Str, time.Now())
	}, jetstream.PullMaxMessages(1024),
		// A short heartbeat bounds a stall of nats.go's Consume to ~1 s (docs/bench.md).
		jetstream.PullHeartbeat(500*time.Millisecond), jetstream.PullExpiry(2*time.Second))
	if err != nil {
		return fail(err)
	}
	defer cc.Stop()

	publish := func(msg *nats.Msg) {
		for {
			_, err := js.PublishMsgAsync(msg)
			if !errors.Is(err, jetstream.ErrTooManyStalledMsgs) {
				if err != nil {
					pubErrs.Add(1)
				}
				return
			}
		}
	}
	if *batch {
		pub := fastpub.New(js, fastpub.Options{})
		if err := pub.Start(ctx); err != nil {
			return fail(err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = pub.Shutdown(sctx)
		}()
		publish = func(msg *nats.Msg) {
			pub.Publish(msg, func(err error) {
				if err != nil {
					pubErrs.Add(1)
				}
			})
		}
	}

	before := harness.ReadProc()
	t0 := time.Now()
	var interval time.Duration
	if *n == 0 {
		interval = time.Duration(float64(time.Second) / *rate)
	}
	for i := 0; i < total && ctx.Err() == nil; i++ {
		due := time.Now()
		if interval > 0 {
			due = t0.Add(time.Duration(i) * interval)
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
		}
		tally.Started(i, due)
		msg, err := layout.StartMsg(wire.Start{Machine: *machine, Name: names[i], Arn: arns[i], Date: due, Input: input})
		if err != nil {
			pubErrs.Add(1)
			continue
		}
		publish(msg)
	}
	published := time.Since(t0)
	deadline := time.Now().Add(*wait)
	for !tally.Complete() && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(250 * time.Millisecond) // let late duplicates arrive
	after := harness.ReadProc()

	check := tally.Check()
	span := tally.Span()
	lat := harness.Summarize(tally.Latencies())
	out := map[string]any{
		"machine": *machine, "batch": *batch, "offered_per_s": *rate, "published": total, "publish_seconds": published.Seconds(),
		"completed": tally.Distinct(), "seconds": span.Seconds(), "throughput": float64(tally.Distinct()) / max(span.Seconds(), 1e-9),
		"latency": lat, "check": check, "publish_errors": pubErrs.Load(), "loadgen_cpu_seconds": (after.CPU - before.CPU).Seconds(),
	}
	if *n > 0 {
		out["offered_per_s"] = 0
	}
	fmt.Printf("published %d starts in %.2fs; %d results in %.2fs = %.0f executions/s\n", total, published.Seconds(),
		tally.Distinct(), span.Seconds(), out["throughput"])
	fmt.Printf("latency ms: p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n", lat.P50, lat.P95, lat.P99, lat.Max)
	fmt.Printf("check: expected %d, results %d, missing %d, duplicates %d, unexpected %d, failed %d\n",
		check.Expected, check.Results, check.Missing, check.Duplicates, check.Unexpected, check.Failed)
	for _, e := range check.Examples {
		fmt.Println("  " + e)
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(out, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return fail(err)
		}
	}
	if !check.OK || pubErrs.Load() > 0 {
		return 1
	}
	return 0
}

// serve answers the order workflow's functions as NATS workers.
func serve(nc *nats.Conn, prefix string) (*worker.Service, error) {
	svc, err := worker.New(nc, "stepjet-natsload", worker.Options{Prefix: prefix, MaxConcurrent: 4096})
	if err != nil {
		return nil, err
	}
	for name, out := range bench.OrderFunctions {
		result := []byte(out)
		if err := svc.Handle(name, func(context.Context, []byte) ([]byte, error) { return result, nil }); err != nil {
			return nil, err
		}
	}
	return svc, nil
}

// createMachine stores the order workflow in the machines bucket, as CreateStateMachine would.
func createMachine(ctx context.Context, js jetstream.JetStream, l wire.Layout, name string) error {
	kv, err := js.KeyValue(ctx, l.MachinesBucket())
	if err != nil {
		return fmt.Errorf("machines bucket (is stepjet serve running?): %w", err)
	}
	rec, _ := json.Marshal(wire.Machine{Name: name, Arn: l.StateMachineArn(name), Definition: string(bench.OrderDefinition),
		RoleArn: "arn:aws:iam::" + l.AccountOrDefault() + ":role/stepjet-natsload", Type: "EXPRESS", CreationDate: time.Now().UTC()})
	_, err = kv.Put(ctx, wire.MachineKey(name), rec)
	return err
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "natsload:", err)
	return 1
}
