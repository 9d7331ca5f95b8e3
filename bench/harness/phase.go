package harness

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Phase is one measured part of a run.
type Phase struct {
	Name  string `json:"name"`            // ceiling, floor, floor-batch, async, async-rate, sync-rate, sync-saturation, inflight
	Tasks string `json:"tasks,omitempty"` // go | nats
	// Offered is the target start rate per second; 0 means as fast as possible (a burst of N
	// for async phases, Concurrency closed-loop clients for sync saturation).
	Offered     float64 `json:"offered_per_s"`
	Concurrency int     `json:"concurrency,omitempty"`
	Count       int     `json:"count"`      // executions (or messages) completed
	Seconds     float64 `json:"seconds"`    // first start to last result
	Throughput  float64 `json:"throughput"` // Count / Seconds
	Latency     Latency `json:"latency"`
	// CPUSeconds is the whole process's user+system CPU during the phase (server, executor,
	// workers and load generator together); CPUPerExec divides it by Count.
	CPUSeconds    float64 `json:"cpu_seconds"`
	CPUPerExecUS  float64 `json:"cpu_per_exec_us"`
	PeakRSSMiB    float64 `json:"peak_rss_mib"`
	PeakInFlight  int64   `json:"peak_inflight,omitempty"` // the executor's in-flight gauge, sampled
	PeakGoroutine int     `json:"peak_goroutines,omitempty"`
	Errors        int     `json:"errors,omitempty"` // publish or request errors
	Check         *Check  `json:"check,omitempty"`
	// RatioToCeiling is Throughput over the same run's ceiling (publish+consume pairs/s).
	RatioToCeiling float64 `json:"ratio_to_ceiling,omitempty"`
	// CPURatioToCeiling is the ceiling's CPU per message pair over this phase's CPU per
	// execution: the same ratio measured in CPU instead of wall time, steadier on a shared host.
	CPURatioToCeiling float64 `json:"cpu_ratio_to_ceiling,omitempty"`
	// RatioToFloor and CPURatioToFloor compare the same way with the floor phase: the JetStream
	// work the NATS layout's contract needs per async execution, without the engine.
	RatioToFloor    float64 `json:"ratio_to_floor,omitempty"`
	CPURatioToFloor float64 `json:"cpu_ratio_to_floor,omitempty"`
	// RatioToFloorBatch and CPURatioToFloorBatch compare with the floor-batch phase: the
	// fast-ingest layout's JetStream work per async execution (issue 21).
	RatioToFloorBatch    float64 `json:"ratio_to_floor_batch,omitempty"`
	CPURatioToFloorBatch float64 `json:"cpu_ratio_to_floor_batch,omitempty"`
	// PublishRate is, for the ceiling, the rate at which the stream acknowledged publishes.
	PublishRate float64 `json:"publish_rate,omitempty"`
	// Memory is the inflight phase's memory before and at its peak (bytes per execution).
	Memory *PhaseMemory `json:"memory,omitempty"`
	Note   string       `json:"note,omitempty"`
}

// meter samples resources while a phase runs.
type meter struct {
	before   Proc
	reset    bool
	stop     chan struct{}
	wg       sync.WaitGroup
	inflight atomic.Int64
	gor      atomic.Int64
}

// startMeter resets the RSS high-water mark and samples inflight (when not nil) and the
// goroutine count every 25 ms.
func startMeter(inflight func() int64) *meter {
	m := &meter{reset: ResetPeakRSS(), stop: make(chan struct{})}
	m.before = ReadProc()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(25 * time.Millisecond)
		defer t.Stop()
		for {
			if inflight != nil {
				if n := inflight(); n > m.inflight.Load() {
					m.inflight.Store(n)
				}
			}
			if n := int64(runtime.NumGoroutine()); n > m.gor.Load() {
				m.gor.Store(n)
			}
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

// finish fills the phase's resource figures.
func (m *meter) finish(p *Phase) {
	close(m.stop)
	m.wg.Wait()
	after := ReadProc()
	p.CPUSeconds = (after.CPU - m.before.CPU).Seconds()
	if p.Count > 0 {
		p.CPUPerExecUS = p.CPUSeconds * 1e6 / float64(p.Count)
	}
	p.PeakRSSMiB = float64(after.PeakRSS) / (1 << 20)
	if !m.reset {
		p.Note = join(p.Note, "peak RSS is the process's since start (VmHWM could not be reset)")
	}
	p.PeakInFlight = m.inflight.Load()
	p.PeakGoroutine = int(m.gor.Load())
	if p.Seconds > 0 {
		p.Throughput = float64(p.Count) / p.Seconds
	}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
