package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/bench"
	"github.com/stepjet/stepjet/transport/wire"
)

func TestTallyCheck(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name    string
		records []string // ARNs received, "!x" = x received as FAILED
		want    Check
	}{
		{"exactly one each", []string{"a", "b", "c"}, Check{Expected: 3, Results: 3, OK: true}},
		{"missing", []string{"a", "c"}, Check{Expected: 3, Results: 2, Missing: 1}},
		{"duplicate", []string{"a", "b", "b", "c"}, Check{Expected: 3, Results: 4, Duplicates: 1}},
		{"unexpected", []string{"a", "b", "c", "z"}, Check{Expected: 3, Results: 4, Unexpected: 1}},
		{"failed", []string{"a", "!b", "c"}, Check{Expected: 3, Results: 3, Failed: 1}},
		{"all wrong", []string{"a", "a", "a", "!b", "y"}, Check{Expected: 3, Results: 5, Missing: 1, Duplicates: 1, Unexpected: 1, Failed: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tally := NewTally([]string{"a", "b", "c"})
			for i := range 3 {
				tally.Started(i, now)
			}
			for _, r := range tt.records {
				arn, ok := strings.CutPrefix(r, "!")
				tally.Record(arn, !ok, "FAILED", now.Add(time.Millisecond))
			}
			got := tally.Check()
			got.Examples = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			if n := len(tally.Latencies()); n != tt.want.Expected-tt.want.Missing {
				t.Fatalf("%d latencies, want %d", n, tt.want.Expected-tt.want.Missing)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := Summarize(ds)
	want := Latency{Count: 100, Mean: 50.5, P50: 50, P95: 95, P99: 99, Max: 100}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if (Summarize(nil) != Latency{}) {
		t.Fatal("empty summary not zero")
	}
}

// testPhaseLimit bounds a test's phase (and a sync request): generous, so that a loaded machine
// slows a test down without failing it.
const testPhaseLimit = 2 * time.Minute

func newTestEnv(t *testing.T, cfg EnvConfig) (*Env, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	env, err := NewEnv(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	m, err := env.RegisterMachine(ctx, "order", bench.OrderDefinition)
	if err != nil {
		t.Fatal(err)
	}
	return env, m
}

// A small real run: 200 async executions (Go tasks) and 100 sync ones (NATS workers), each
// counted once, with the expected output. The time limits only stop a run that would never end:
// on a loaded machine under -race a phase can take many times its usual second.
func TestSmallRunCountsEveryResult(t *testing.T) {
	for _, tasks := range []string{TasksGo, TasksNATS} {
		t.Run(tasks, func(t *testing.T) {
			env, machine := newTestEnv(t, EnvConfig{Tasks: tasks})
			ctx := context.Background()
			ph, tally, err := env.RunAsync(ctx, AsyncRun{Machine: machine, N: 200, Input: bench.OrderInput, Expected: bench.OrderExpectedOutput, Limit: testPhaseLimit}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !ph.Check.OK || ph.Check.Expected != 200 || ph.Check.Results != 200 || ph.Count != 200 {
				t.Fatalf("async check %+v count %d", ph.Check, ph.Count)
			}
			if ph.Latency.Count != 200 || ph.Throughput <= 0 || ph.Latency.P99 <= 0 || tally.Distinct() != 200 {
				t.Fatalf("async figures %+v", ph)
			}
			sp, _, err := env.RunSync(ctx, SyncRun{Machine: machine, Rate: 200, Duration: 500 * time.Millisecond, Input: bench.OrderInput, Expected: bench.OrderExpectedOutput,
				RequestTimeout: testPhaseLimit}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !sp.Check.OK || sp.Count != 100 || sp.Latency.Count != 100 {
				t.Fatalf("sync check %+v count %d", sp.Check, sp.Count)
			}
		})
	}
}

// The check must fail when a result is duplicated or missing: inject a second result for one
// execution (with another Nats-Msg-Id, so the stream keeps it) and expect one execution that was
// never started.
func TestCheckCatchesDuplicateAndMissing(t *testing.T) {
	for _, starts := range []string{StartsBatch, StartsAsync} {
		t.Run(starts, func(t *testing.T) { testCheckCatchesDuplicateAndMissing(t, starts) })
	}
}

func testCheckCatchesDuplicateAndMissing(t *testing.T, starts string) {
	env, machine := newTestEnv(t, EnvConfig{Starts: starts})
	l := env.Layout()
	phantom := l.ExecutionArn(machine, "never-started", "0")
	var dupArn string
	ph, _, err := env.RunAsync(context.Background(), AsyncRun{
		Machine: machine, N: 200, Input: bench.OrderInput, Expected: bench.OrderExpectedOutput, Limit: testPhaseLimit,
		extraExpected: []string{phantom},
		afterPublish: func(ctx context.Context, arns []string) error {
			dupArn = arns[17]
			body, _ := json.Marshal(wire.Result{ExecutionArn: dupArn, Status: "SUCCEEDED", Output: "{}"})
			m := nats.NewMsg(l.ResultSubject(machine))
			m.Data = body
			m.Header.Set(wire.HeaderMsgID, "injected-duplicate")
			_, err := env.js.PublishMsg(ctx, m)
			return err
		},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := ph.Check
	if c.OK || c.Missing != 1 || c.Duplicates != 1 || c.Unexpected != 0 || c.Results != 201 || c.Expected != 201 {
		t.Fatalf("check %+v", c)
	}
	joined := strings.Join(c.Examples, "\n")
	if !strings.Contains(joined, "missing: "+phantom) || !strings.Contains(joined, "duplicate: "+dupArn) {
		t.Fatalf("examples do not name the executions:\n%s", joined)
	}
}

// Starts published in bulk are de-duplicated as the API's are: every start of the phase
// published a second time through the fast-ingest publisher (same Nats-Msg-Id, another ARN
// header, as a retrying bulk client would) still makes exactly one execution and one result each.
func TestBatchStartsAreDeduplicated(t *testing.T) {
	env, machine := newTestEnv(t, EnvConfig{Starts: StartsBatch})
	l := env.Layout()
	ph, _, err := env.RunAsync(context.Background(), AsyncRun{
		Machine: machine, N: 300, Input: bench.OrderInput, Expected: bench.OrderExpectedOutput, Limit: testPhaseLimit,
		afterPublish: func(ctx context.Context, arns []string) error {
			for _, arn := range arns {
				f := strings.Split(arn, ":") // arn:aws:states:REGION:ACCOUNT:express:MACHINE:NAME:ID
				msg, err := l.StartMsg(wire.Start{Machine: machine, Name: f[len(f)-2], Arn: arn + "-again", Input: bench.OrderInput})
				if err != nil {
					return err
				}
				if err := env.publishStart(ctx, msg); err != nil {
					return err
				}
			}
			return nil
		},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := ph.Check; !c.OK || c.Results != 300 || c.Expected != 300 || ph.Errors != 0 {
		t.Fatalf("check %+v, errors %d: want exactly one result for each of 300 starts", c, ph.Errors)
	}
}

// A whole run with tiny sizes: every phase, the report, the JSON and the SVG.
func TestRunWritesReportJSONAndSVG(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and runs every phase")
	}
	var log bytes.Buffer
	rep, err := Run(context.Background(), RunConfig{
		CeilingN: 2000, AsyncN: 300, Rates: []float64{100, 200}, RateDuration: 300 * time.Millisecond,
		SyncConcurrency: 8, SaturationDuration: 300 * time.Millisecond, InFlight: 200, Hold: time.Second, Warmup: 20,
		Log: &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		var b bytes.Buffer
		rep.WriteText(&b)
		t.Fatalf("run not OK:\n%s", b.String())
	}
	names := map[string]int{}
	for _, p := range rep.Phases {
		names[p.Name]++
	}
	want := map[string]int{PhaseCeiling: 1, PhaseFloor: 1, PhaseFloorBatch: 1, PhaseAsync: 1, "async-rate": 2, "sync-rate": 2, PhaseSyncSaturation: 1, PhaseInFlight: 1}
	for k, v := range want {
		if names[k] != v {
			t.Fatalf("phases %v, want %v", names, want)
		}
	}
	for _, p := range rep.Phases {
		if p.Throughput <= 0 || p.CPUSeconds <= 0 || p.PeakRSSMiB <= 0 {
			t.Fatalf("phase %s has empty figures: %+v", p.Name, p)
		}
		if p.Name == PhaseAsync && (p.RatioToCeiling <= 0 || p.RatioToFloor <= 0 || p.CPURatioToFloor <= 0 || p.RatioToFloorBatch <= 0 || p.CPURatioToFloorBatch <= 0) {
			t.Fatalf("async has no ratio to the ceiling or the floor: %+v", p)
		}
		if (p.Name == PhaseFloor || p.Name == PhaseFloorBatch) && (p.Count != 300 || p.RatioToCeiling <= 0 || p.Errors != 0) {
			t.Fatalf("%s phase %+v, want 300 results, no errors and a ratio to the ceiling", p.Name, p)
		}
		if p.Name == PhaseInFlight && p.PeakInFlight < 200 {
			t.Fatalf("in-flight phase peaked at %d, want all 200 at once", p.PeakInFlight)
		}
	}
	if len(rep.Targets) != 3 { // async vs the ceiling, async vs the floors, in-flight; no 1,000/s sync phase here
		t.Fatalf("targets %+v", rep.Targets)
	}
	if g := rep.Targets[1].Goal; !strings.Contains(g, "1.25× the same-run floor") || !strings.Contains(rep.Targets[1].Actual, "floor-batch") {
		t.Fatalf("floor target %+v", rep.Targets[1])
	}

	dir := t.TempDir()
	jp := filepath.Join(dir, "r.json")
	if err := rep.WriteJSON(jp); err != nil {
		t.Fatal(err)
	}
	sp := filepath.Join(dir, "r.svg")
	if err := rep.WriteSVG(sp); err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	rep.SVG(&svg)
	dec := xml.NewDecoder(&svg)
	circles := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "circle" {
			circles++
		}
	}
	// throughput: 2 rates + max, per series; latency: 3 percentiles × (2 rates + max), per series.
	if want := 2*3 + 2*3*3 + 2; circles != want {
		t.Fatalf("%d points in the chart, want %d", circles, want)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	if !strings.Contains(text.String(), "exactly one SUCCEEDED result") {
		t.Fatalf("text report:\n%s", text.String())
	}
}

// Bad flags are refused before anything starts, saying what is wrong.
func TestMainRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--phases", "ceiling,nope"}, `unknown phase "nope"`},
		{[]string{"--rates", "100,x"}, `bad rate "x"`},
		{[]string{"--profile-phase", "ceiling"}, `--profile-phase "ceiling": one of floor, floor-batch, async`},
		{[]string{"--starts", "sync"}, `--starts "sync": batch or async`},
		{[]string{"--phases", "ceiling", "--cpuprofile", "p.out"}, "--cpuprofile covers async, which --phases does not run"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		var stderr bytes.Buffer
		if code := Main(tc.args, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}
