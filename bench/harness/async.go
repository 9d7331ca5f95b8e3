package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/tidwall/gjson"
)

// AsyncRun is one async phase: N starts published to the machine's start subject with the
// API's headers (execution name as Nats-Msg-Id, the ARN fixed in a header), in bulk or one by
// one as EnvConfig.Starts says, and all N results awaited on the results stream.
type AsyncRun struct {
	Name    string // the phase's name in the report
	Machine string // as returned by RegisterMachine
	// Mix are further machines: start i goes to the i-th of Machine, Mix[0], Mix[1], ... in
	// turn (the inflight phase mixes Wait states with slow NATS workers this way).
	Mix []string
	N   int
	// Rate paces the starts (open loop: each is due at i/Rate and its latency counts from then);
	// 0 publishes them as fast as the stream takes them.
	Rate  float64
	Input []byte
	// Expected, when set, is compared with the first result's output.
	Expected []byte
	// Limit bounds the phase (default 60 s).
	Limit time.Duration

	// Test hooks: extraExpected ARNs are expected but never started (they must be reported
	// missing); afterPublish runs once every start is published.
	extraExpected []string
	afterPublish  func(ctx context.Context, arns []string) error
}

// execution names and ARNs: unique per run, so re-runs on a shared server are never
// de-duplicated against each other. Execution i belongs to machines[i mod len(machines)].
func (e *Env) executionIDs(machines []string, phase string, n int) (names, arns []string) {
	names, arns = make([]string, n), make([]string, n)
	prefix := e.namePrefix(phase)
	for i := range n {
		names[i] = prefix + strconv.Itoa(i)
		arns[i] = e.layout.ExecutionArn(machines[i%len(machines)], names[i], e.runID+"-"+strconv.Itoa(i))
	}
	return names, arns
}

// namePrefix makes execution names unique per phase run: "<phase>-<run id>-<phase number>-".
func (e *Env) namePrefix(phase string) string {
	return phase + "-" + e.runID + "-" + strconv.FormatInt(e.phaseSeq.Add(1), 10) + "-"
}

// RunAsync runs the phase and returns its figures and the tally behind its check.
func (e *Env) RunAsync(ctx context.Context, r AsyncRun, prog io.Writer) (Phase, *Tally, error) {
	if r.Limit <= 0 {
		r.Limit = 60 * time.Second
	}
	if r.Name == "" {
		r.Name = "async"
	}
	ph := Phase{Name: r.Name, Tasks: e.cfg.Tasks, Offered: r.Rate}
	ctx, cancel := context.WithTimeout(ctx, r.Limit)
	defer cancel()
	machines := append([]string{r.Machine}, r.Mix...)
	names, arns := e.executionIDs(machines, r.Name, r.N)
	tally := NewTally(append(append([]string(nil), arns...), r.extraExpected...))

	// Subscribe to the results before the first start, from just after the stream's last
	// message: earlier phases' results (all in by now) are not this phase's.
	var check outputCheck
	stream, err := e.js.Stream(ctx, e.layout.ResultsStream())
	if err != nil {
		return ph, nil, fmt.Errorf("%s: results stream: %w", r.Name, err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return ph, nil, fmt.Errorf("%s: results stream: %w", r.Name, err)
	}
	var subjects []string
	for _, m := range machines {
		subjects = append(subjects, e.layout.ResultSubject(m))
	}
	cons, err := e.js.OrderedConsumer(ctx, e.layout.ResultsStream(), jetstream.OrderedConsumerConfig{
		FilterSubjects: subjects,
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy, OptStartSeq: info.State.LastSeq + 1})
	if err != nil {
		return ph, nil, fmt.Errorf("%s: results consumer: %w", r.Name, err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		recordResult(tally, m.Data(), &check, r.Expected)
	}, consumeOpts()...)
	if err != nil {
		return ph, nil, fmt.Errorf("%s: results consumer: %w", r.Name, err)
	}
	defer cc.Stop()

	bar := startProgress(prog, r.Name, r.N, tally.Distinct)
	m := startMeter(e.ExecutorInFlight)
	errsBefore := e.pubErrs.Load()
	t0 := time.Now()
	var interval time.Duration
	if r.Rate > 0 {
		interval = time.Duration(float64(time.Second) / r.Rate)
	}
	for i := 0; i < r.N && ctx.Err() == nil; i++ {
		due := time.Now()
		if interval > 0 {
			due = t0.Add(time.Duration(i) * interval)
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
		}
		tally.Started(i, due)
		msg, err := e.layout.StartMsg(wire.Start{Machine: machines[i%len(machines)], Name: names[i], Arn: arns[i], Date: due, Input: r.Input})
		if err == nil {
			err = e.publishStart(ctx, msg)
		}
		if err != nil {
			ph.Errors++
		}
	}
	if r.afterPublish != nil {
		if err := r.afterPublish(ctx, arns); err != nil {
			return ph, tally, err
		}
	}
	// Wait until every published start has a result (extra expected ARNs never will).
	for tally.Distinct() < r.N && ctx.Err() == nil {
		time.Sleep(2 * time.Millisecond)
	}
	ph.Seconds = tally.Span().Seconds()
	bar.end()
	// A short grace period so late duplicates are seen and counted.
	select {
	case <-time.After(250 * time.Millisecond):
	case <-ctx.Done():
	}
	ph.Errors += int(e.pubErrs.Load() - errsBefore)
	c := tally.Check()
	ph.Check = &c
	ph.Count = tally.Distinct()
	ph.Latency = Summarize(tally.Latencies())
	m.finish(&ph)
	if check.err != "" {
		ph.Note = join(ph.Note, check.err)
		ph.Check.OK = false
	}
	if tally.Distinct() < r.N {
		return ph, tally, fmt.Errorf("%s: %d of %d results: %w", r.Name, tally.Distinct(), r.N, errTimeout)
	}
	return ph, tally, nil
}

// outputCheck compares the first successful result's output with the expected output, once.
type outputCheck struct {
	once sync.Once
	err  string
}

// recordResult counts one result body (a wire.Result) in tally.
func recordResult(tally *Tally, body []byte, check *outputCheck, expected []byte) {
	now := time.Now()
	// executionArn and status come before the input and output in a wire.Result, so lookups
	// that stop at them are cheap (GetManyBytes does not copy the body, as ParseBytes would);
	// error and cause (after the output) only when needed.
	head := gjson.GetManyBytes(body, "executionArn", "status")
	arn, status := head[0].Str, head[1].Str
	ok := status == "SUCCEEDED"
	why := ""
	if !ok {
		r := gjson.GetManyBytes(body, "error", "cause")
		why = status + " " + r[0].Str + ": " + truncate(r[1].Str, 200)
	}
	tally.Record(arn, ok, why, now)
	if ok && expected != nil {
		check.once.Do(func() {
			out := gjson.GetBytes(body, "output").Str
			if !sameJSON([]byte(out), expected) {
				check.err = "output differs from the expected output: " + truncate(out, 300)
			}
		})
	}
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(bytes.TrimSpace(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
