package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/stepjet/stepjet/bench"
	"github.com/stepjet/stepjet/transport/limits"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// Phase names, in the order a run measures them.
const (
	PhaseCeiling        = "ceiling"
	PhaseFloor          = "floor"
	PhaseFloorBatch     = "floor-batch"
	PhaseAsync          = "async"
	PhaseAsyncRates     = "async-rates"
	PhaseSyncRates      = "sync-rates"
	PhaseSyncSaturation = "sync-saturation"
	PhaseInFlight       = "inflight"
)

// AllPhases is the default selection.
var AllPhases = []string{PhaseCeiling, PhaseFloor, PhaseFloorBatch, PhaseAsync, PhaseAsyncRates, PhaseSyncRates, PhaseSyncSaturation, PhaseInFlight}

// RunConfig is a whole run. The zero value (with Env's defaults) runs every phase with
// defaults that finish in about 30 seconds.
type RunConfig struct {
	Env    EnvConfig
	Phases []string // default AllPhases

	CeilingN int // messages for the ceiling (default 50,000)
	AsyncN   int // executions in the async burst (default 20,000)
	// Rates are the offered loads (starts/s) of the fixed-rate phases, each held RateDuration
	// (default 500,1000,2000,4000 for 2 s).
	Rates        []float64
	RateDuration time.Duration
	// SyncConcurrency closed-loop clients saturate sync for SaturationDuration (64, 3 s).
	SyncConcurrency    int
	SaturationDuration time.Duration
	// InFlight executions are held at once for Hold, half by a Wait state, half by a slow NATS
	// worker (10,000; DefaultHold: enough for all to start).
	InFlight int
	Hold     time.Duration
	// MemProfile, when set, is a heap profile taken when all InFlight executions are in flight.
	MemProfile string
	// SlowWorkerProcess runs the inflight phase's slow NATS worker in a child process (the
	// CLI's default), so that the phase's RSS is the server's and executor's alone.
	SlowWorkerProcess bool
	// Warmup executions run before measuring (default 500).
	Warmup int

	Definition, Input, Expected []byte // default: the order workload

	// CPUProfile, when set, is a CPU profile of ProfilePhase (default PhaseAsync) written to
	// this file.
	CPUProfile   string
	ProfilePhase string
	// Progress receives progress bars (nil: none).
	Progress io.Writer
	// Log receives one line as each phase ends (nil: none).
	Log io.Writer
}

func (c *RunConfig) setDefaults() {
	if len(c.Phases) == 0 {
		c.Phases = AllPhases
	}
	if c.ProfilePhase == "" {
		c.ProfilePhase = PhaseAsync
	}
	if c.CeilingN <= 0 {
		c.CeilingN = 50000
	}
	if c.AsyncN <= 0 {
		c.AsyncN = 20000
	}
	if len(c.Rates) == 0 {
		c.Rates = []float64{500, 1000, 2000, 4000}
	}
	if c.RateDuration <= 0 {
		c.RateDuration = 2 * time.Second
	}
	if c.SyncConcurrency <= 0 {
		c.SyncConcurrency = 64
	}
	if c.SaturationDuration <= 0 {
		c.SaturationDuration = 3 * time.Second
	}
	if c.InFlight <= 0 {
		c.InFlight = 10000
	}
	if c.Hold <= 0 {
		c.Hold = DefaultHold(c.InFlight)
	}
	if c.Warmup == 0 {
		c.Warmup = 500
	}
	if c.Definition == nil {
		c.Definition, c.Input, c.Expected = bench.OrderDefinition, bench.OrderInput, bench.OrderExpectedOutput
	}
	if c.Env.MaxInFlight <= 0 {
		c.Env.MaxInFlight = max(4096, c.InFlight)
	}
}

// Report is a run's result, written as JSON for comparisons.
type Report struct {
	Started  time.Time `json:"started"`
	Host     Host      `json:"host"`
	Setup    string    `json:"setup"`
	Phases   []Phase   `json:"phases"`
	Targets  []Target  `json:"targets"`
	Failures []string  `json:"failures,omitempty"`
}

// Host describes the machine.
type Host struct {
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"go_version"`
	CPUModel  string `json:"cpu_model,omitempty"`
	LoadAvg   string `json:"load_avg_at_start,omitempty"`
}

// Target is one of the goals and whether this run met it.
type Target struct {
	Goal   string `json:"goal"`
	Actual string `json:"actual"`
	Met    bool   `json:"met"`
}

// OK reports whether every phase's exactly-one-result check passed and no phase failed.
func (r *Report) OK() bool {
	if len(r.Failures) > 0 {
		return false
	}
	for _, p := range r.Phases {
		if p.Check != nil && !p.Check.OK {
			return false
		}
	}
	return true
}

// Run stands the system up, runs the selected phases and tears it down. A phase that fails is
// reported in Failures and the run goes on with the next.
func Run(ctx context.Context, c RunConfig) (*Report, error) {
	c.setDefaults()
	rep := &Report{Started: time.Now().UTC(), Host: host()}
	env, err := NewEnv(ctx, c.Env)
	if err != nil {
		return nil, err
	}
	defer env.Close()
	rep.Setup = env.describe()
	logf := func(format string, a ...any) {
		if c.Log != nil {
			fmt.Fprintf(c.Log, format+"\n", a...)
		}
	}
	add := func(ph Phase, err error) {
		rep.Phases = append(rep.Phases, ph)
		if err != nil {
			rep.Failures = append(rep.Failures, err.Error())
		}
		logf("%s", phaseLine(ph))
	}
	want := func(p string) bool { return slices.Contains(c.Phases, p) }
	// profile runs phase p's body, under the CPU profiler when p is the one asked for.
	profile := func(p string, body func()) error {
		if c.CPUProfile == "" || p != c.ProfilePhase {
			body()
			return nil
		}
		stop, err := startProfile(c.CPUProfile)
		if err != nil {
			return err
		}
		defer stop()
		body()
		return nil
	}

	order, err := env.RegisterMachine(ctx, "order", c.Definition)
	if err != nil {
		return nil, err
	}
	if c.Warmup > 0 {
		if _, _, err := env.RunAsync(ctx, AsyncRun{Name: "warmup", Machine: order, N: c.Warmup, Input: c.Input, Expected: c.Expected}, nil); err != nil {
			return nil, fmt.Errorf("warm-up: %w", err)
		}
		if _, _, err := env.RunSync(ctx, SyncRun{Name: "warmup-sync", Machine: order, Rate: 1000, Duration: time.Duration(c.Warmup) * time.Millisecond, Input: c.Input, Expected: c.Expected}, nil); err != nil {
			return nil, fmt.Errorf("sync warm-up: %w", err)
		}
	}

	var ceiling, ceilingCPU float64
	if want(PhaseCeiling) {
		ph, err := env.Ceiling(ctx, c.CeilingN, len(c.Input), c.Progress)
		ceiling, ceilingCPU = ph.Throughput, ph.CPUPerExecUS
		add(ph, err)
	}
	var floor, floorCPU float64
	var floorBatch, floorBatchCPU float64
	ratio := func(ph *Phase) {
		if floorBatch > 0 {
			ph.RatioToFloorBatch = ph.Throughput / floorBatch
		}
		if floorBatchCPU > 0 && ph.CPUPerExecUS > 0 {
			ph.CPURatioToFloorBatch = floorBatchCPU / ph.CPUPerExecUS
		}
		if ceiling > 0 {
			ph.RatioToCeiling = ph.Throughput / ceiling
		}
		if ceilingCPU > 0 && ph.CPUPerExecUS > 0 {
			ph.CPURatioToCeiling = ceilingCPU / ph.CPUPerExecUS
		}
		if floor > 0 {
			ph.RatioToFloor = ph.Throughput / floor
		}
		if floorCPU > 0 && ph.CPUPerExecUS > 0 {
			ph.CPURatioToFloor = floorCPU / ph.CPUPerExecUS
		}
	}
	resultSize := 0
	if want(PhaseFloor) || want(PhaseFloorBatch) {
		if resultSize, err = env.resultSize(ctx, order, c.Input); err != nil {
			return nil, err
		}
	}
	if want(PhaseFloor) {
		if err := profile(PhaseFloor, func() {
			ph, err := env.Floor(ctx, c.AsyncN, c.Input, resultSize, c.Progress)
			ratio(&ph)
			floor, floorCPU = ph.Throughput, ph.CPUPerExecUS
			add(ph, err)
		}); err != nil {
			return nil, err
		}
	}
	if want(PhaseFloorBatch) {
		if err := profile(PhaseFloorBatch, func() {
			ph, err := env.FloorBatch(ctx, c.AsyncN, c.Input, resultSize, c.Progress)
			ratio(&ph)
			floorBatch, floorBatchCPU = ph.Throughput, ph.CPUPerExecUS
			add(ph, err)
		}); err != nil {
			return nil, err
		}
	}
	if want(PhaseAsync) {
		if err := profile(PhaseAsync, func() {
			ph, _, err := env.RunAsync(ctx, AsyncRun{Name: PhaseAsync, Machine: order, N: c.AsyncN, Input: c.Input, Expected: c.Expected,
				Limit: limit(c.AsyncN, 500)}, c.Progress)
			ratio(&ph)
			add(ph, err)
		}); err != nil {
			return nil, err
		}
	}
	if want(PhaseAsyncRates) {
		if err := profile(PhaseAsyncRates, func() {
			for _, rate := range c.Rates {
				n := int(rate * c.RateDuration.Seconds())
				ph, _, err := env.RunAsync(ctx, AsyncRun{Name: "async-rate", Machine: order, N: n, Rate: rate, Input: c.Input, Expected: c.Expected,
					Limit: c.RateDuration + limit(n, 500)}, c.Progress)
				add(ph, err)
			}
		}); err != nil {
			return nil, err
		}
	}
	if want(PhaseSyncRates) {
		if err := profile(PhaseSyncRates, func() {
			for _, rate := range c.Rates {
				ph, _, err := env.RunSync(ctx, SyncRun{Name: "sync-rate", Machine: order, Rate: rate, Duration: c.RateDuration, Input: c.Input, Expected: c.Expected}, c.Progress)
				add(ph, err)
			}
		}); err != nil {
			return nil, err
		}
	}
	if want(PhaseSyncSaturation) {
		if err := profile(PhaseSyncSaturation, func() {
			ph, _, err := env.RunSync(ctx, SyncRun{Name: PhaseSyncSaturation, Machine: order, Duration: c.SaturationDuration,
				Concurrency: c.SyncConcurrency, Input: c.Input, Expected: c.Expected}, c.Progress)
			add(ph, err)
		}); err != nil {
			return nil, err
		}
	}
	if want(PhaseInFlight) {
		ph, err := env.InFlight(ctx, InFlightRun{N: c.InFlight, Hold: c.Hold, Definition: c.Definition, Input: c.Input,
			Expected: c.Expected, MemProfile: c.MemProfile, WorkerProcess: c.SlowWorkerProcess}, c.Progress)
		add(ph, err)
	}
	rep.Targets = targets(rep, c)
	return rep, nil
}

// DefaultHold is how long the inflight phase holds n executions: 5 s per 10,000, at least 10 s,
// so that the last start is delivered before the first execution ends, on a loaded host too.
func DefaultHold(n int) time.Duration {
	return max(10*time.Second, time.Duration(n/10000)*5*time.Second)
}

// limit is a generous bound for n executions at no less than minRate per second.
func limit(n int, minRate float64) time.Duration {
	return 10*time.Second + time.Duration(float64(n)/minRate*float64(time.Second))
}

// holdDefinition prefixes the workflow with a Wait state, so executions stay in flight.
func holdDefinition(def []byte, hold time.Duration) ([]byte, error) {
	start, err := sjsonGet(def, "StartAt")
	if err != nil {
		return nil, err
	}
	out, err := sjson.SetBytes(def, "States.BenchHold", map[string]any{"Type": "Wait", "Seconds": int(hold.Seconds()), "Next": start})
	if err != nil {
		return nil, err
	}
	return sjson.SetBytes(out, "StartAt", "BenchHold")
}

func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func (e *Env) describe() string {
	var b strings.Builder
	if e.srv != nil {
		storage := "file"
		if e.cfg.Memory {
			storage = "memory"
		}
		fmt.Fprintf(&b, "embedded nats-server (JetStream, %s storage), %s connections", storage, e.cfg.Conn)
	} else {
		fmt.Fprintf(&b, "external NATS at %s (CPU figures are this process's alone: the server's CPU is not counted, so the by-CPU ratios do not compare like with like)", e.cfg.NATSURL)
	}
	fmt.Fprintf(&b, "; tasks: %s", e.cfg.Tasks)
	if e.cfg.Tasks == TasksNATS {
		b.WriteString(" workers (request/reply)")
	} else {
		b.WriteString(" functions in-process")
	}
	if e.cfg.TaskDelay > 0 {
		fmt.Fprintf(&b, ", each task takes %s", e.cfg.TaskDelay)
	}
	fmt.Fprintf(&b, "; executor MaxInFlight %d", e.cfg.MaxInFlight)
	for _, tag := range []string{limits.TagConcurrency, limits.TagRate} {
		if v, ok := e.cfg.Tags[tag]; ok {
			fmt.Fprintf(&b, "; machines tagged %s=%s", tag, v)
		}
	}
	if e.srv != nil {
		b.WriteString("; everything in one process")
	}
	return b.String()
}

func host() Host {
	h := Host{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(), GoVersion: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				if i := strings.IndexByte(line, ':'); i >= 0 {
					h.CPUModel = strings.TrimSpace(line[i+1:])
				}
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 3 {
			h.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	return h
}

// targets evaluates the goals against the run.
func targets(rep *Report, c RunConfig) []Target {
	var ts []Target
	for _, p := range rep.Phases {
		switch {
		case p.Name == PhaseAsync && p.RatioToCeiling > 0:
			ts = append(ts, Target{Goal: "async order executions ≥ 50% of the same-run JetStream ceiling",
				Actual: fmt.Sprintf("%.0f/s = %.1f%% of %.0f pairs/s (by CPU: %.0f µs per execution = %.1f%% of the ceiling's per pair)",
					p.Throughput, 100*p.RatioToCeiling, p.Throughput/p.RatioToCeiling, p.CPUPerExecUS, 100*p.CPURatioToCeiling),
				Met: p.RatioToCeiling >= 0.5 && p.Check != nil && p.Check.OK})
			if t, ok := floorTarget(p); ok {
				ts = append(ts, t)
			}
		case p.Name == "sync-rate" && p.Offered == 1000:
			ts = append(ts, Target{Goal: "sync p99 < 5 ms at 1,000 executions/s",
				Actual: fmt.Sprintf("p99 %.2f ms (p50 %.2f, achieved %.0f/s)", p.Latency.P99, p.Latency.P50, p.Throughput),
				Met:    p.Latency.P99 < 5 && p.Check != nil && p.Check.OK})
		case p.Name == PhaseInFlight:
			bound := inFlightBoundMiB(c.InFlight)
			ts = append(ts, Target{Goal: fmt.Sprintf("%d executions in flight at once in one process under %s RSS, all completing exactly once", c.InFlight, mib(bound)),
				Actual: fmt.Sprintf("peak in flight %d, peak RSS %.0f MiB, %d/%d completed", p.PeakInFlight, p.PeakRSSMiB, p.Count, c.InFlight),
				Met:    p.PeakInFlight >= int64(c.InFlight) && p.PeakRSSMiB < bound && p.Check != nil && p.Check.OK})
		}
	}
	return ts
}

// floorTarget is issue 21's goal against today's floor (the yardstick), with the fast-ingest
// layout's floor (floor-batch) alongside when the run measured it.
func floorTarget(p Phase) (Target, bool) {
	if p.RatioToFloor <= 0 {
		return Target{}, false
	}
	t := Target{Goal: "async order executions ≥ 1.25× the same-run floor (today's layout, no engine)",
		Actual: fmt.Sprintf("%.2f× the floor's executions/s (by CPU: %.2f×)", p.RatioToFloor, p.CPURatioToFloor),
		Met:    p.RatioToFloor >= 1.25 && p.Check != nil && p.Check.OK}
	if p.RatioToFloorBatch > 0 {
		t.Actual += fmt.Sprintf("; %.2f× floor-batch, the fast-ingest layout's floor (by CPU: %.2f×)", p.RatioToFloorBatch, p.CPURatioToFloorBatch)
	}
	return t, true
}

// inFlightBoundMiB is the inflight target's RSS bound: issue 21's two points, 1 GiB for 10,000
// executions and 2 GiB for 100,000, joined by a line (1 GiB below 10,000; beyond 100,000 the
// line goes on, ~11.4 KiB per execution).
func inFlightBoundMiB(n int) float64 {
	if n <= 10000 {
		return 1024
	}
	return 1024 + float64(n-10000)*1024/90000
}

func mib(v float64) string {
	if v >= 1024 && int(v)%1024 == 0 {
		return fmt.Sprintf("%d GiB", int(v)/1024)
	}
	return fmt.Sprintf("%.0f MiB", v)
}

func sjsonGet(def []byte, path string) (string, error) {
	v := gjson.GetBytes(def, path).Str
	if v == "" {
		return "", errors.New("definition has no " + path)
	}
	return v, nil
}
