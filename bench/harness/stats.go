package harness

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Latency summarises a phase's latencies in milliseconds.
type Latency struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// Summarize computes the percentiles (nearest rank) of ds; it sorts ds.
func Summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	pct := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.999999) - 1
		i = min(max(i, 0), len(ds)-1)
		return ms(ds[i])
	}
	return Latency{Count: len(ds), Mean: ms(sum / time.Duration(len(ds))), P50: pct(0.50), P95: pct(0.95),
		P99: pct(0.99), Max: ms(ds[len(ds)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Proc is the process's resource use at one moment.
type Proc struct {
	CPU     time.Duration // user + system time since the process started
	PeakRSS int64         // bytes: VmHWM, the resident high-water mark (since the last reset)
	RSS     int64         // bytes: VmRSS now
}

// ReadProc reads getrusage(RUSAGE_SELF) and /proc/self/status.
func ReadProc() Proc {
	var p Proc
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		p.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		p.PeakRSS = ru.Maxrss * 1024 // fallback when /proc is missing; never reset
	}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return p
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "VmHWM:"):
			p.PeakRSS = kB(line)
		case strings.HasPrefix(line, "VmRSS:"):
			p.RSS = kB(line)
		}
	}
	return p
}

func kB(line string) int64 {
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.ParseInt(f[1], 10, 64)
	return n * 1024
}

// ResetPeakRSS resets VmHWM to the current RSS (Linux: "5" to /proc/self/clear_refs), so each
// phase reports its own peak. It reports whether the reset worked.
func ResetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}
