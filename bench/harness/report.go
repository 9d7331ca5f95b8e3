package harness

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

func rate(v float64) string {
	if v == 0 {
		return "max"
	}
	return fmt.Sprintf("%.0f", v)
}

// phaseLine is one phase as a table row.
func phaseLine(p Phase) string {
	check := "-"
	if p.Check != nil {
		if p.Check.OK {
			check = "ok"
		} else {
			check = fmt.Sprintf("FAIL missing=%d dup=%d unexpected=%d failed=%d", p.Check.Missing, p.Check.Duplicates, p.Check.Unexpected, p.Check.Failed)
		}
	}
	offered := rate(p.Offered)
	if p.Concurrency > 0 {
		offered = fmt.Sprintf("c=%d", p.Concurrency)
	}
	ratio := ""
	if p.RatioToCeiling > 0 {
		ratio = fmt.Sprintf("%.1f%%", 100*p.RatioToCeiling)
	}
	inflight := ""
	if p.PeakInFlight > 0 {
		inflight = fmt.Sprint(p.PeakInFlight)
	}
	return fmt.Sprintf("%-16s %8s %7d %9.0f %7.2f %7.2f %7.2f %8.2f %6.2f %7.1f %7.0f %8s %7s  %s",
		p.Name, offered, p.Count, p.Throughput, p.Latency.P50, p.Latency.P95, p.Latency.P99, p.Latency.Max,
		p.CPUSeconds, p.CPUPerExecUS, p.PeakRSSMiB, inflight, ratio, check)
}

// floorRatios says how a phase compares with the run's floors, by throughput and by CPU.
func floorRatios(p Phase) string {
	var parts []string
	if p.RatioToFloor > 0 {
		parts = append(parts, fmt.Sprintf("%.2f× the floor (by CPU %.2f×)", p.RatioToFloor, p.CPURatioToFloor))
	}
	if p.RatioToFloorBatch > 0 {
		parts = append(parts, fmt.Sprintf("%.2f× floor-batch (by CPU %.2f×)", p.RatioToFloorBatch, p.CPURatioToFloorBatch))
	}
	return strings.Join(parts, ", ")
}

// Header is the table's header line.
const Header = "phase             offered   count   thrpt/s  p50 ms  p95 ms  p99 ms   max ms  CPU s  µs/exe RSS MiB inflight ceiling  check"

// WriteText prints the report as a table with the targets and any failures.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "stepjet bench %s — %s/%s, %d CPUs (%s), %s, load average at start %s\n", r.Started.Format("2006-01-02 15:04 MST"),
		r.Host.GOOS, r.Host.GOARCH, r.Host.CPUs, r.Host.CPUModel, r.Host.GoVersion, r.Host.LoadAvg)
	fmt.Fprintf(w, "setup: %s\n\n%s\n", r.Setup, Header)
	for _, p := range r.Phases {
		fmt.Fprintln(w, phaseLine(p))
	}
	var notes []string
	for _, p := range r.Phases {
		if p.Note != "" {
			notes = append(notes, p.Name+": "+p.Note)
		}
		if p.Check != nil && !p.Check.OK {
			notes = append(notes, p.Name+": "+strings.Join(p.Check.Examples, "; "))
		}
		if r := floorRatios(p); r != "" {
			notes = append(notes, p.Name+": "+r)
		}
		if p.PublishRate > 0 {
			notes = append(notes, fmt.Sprintf("%s: publishes acknowledged at %.0f/s", p.Name, p.PublishRate))
		}
		if p.Errors > 0 {
			notes = append(notes, fmt.Sprintf("%s: %d errors", p.Name, p.Errors))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, "  "+n)
		}
	}
	if len(r.Targets) > 0 {
		fmt.Fprintln(w, "\ntargets:")
		for _, t := range r.Targets {
			mark := "MISSED"
			if t.Met {
				mark = "met"
			}
			fmt.Fprintf(w, "  [%s] %s: %s\n", mark, t.Goal, t.Actual)
		}
	}
	for _, f := range r.Failures {
		fmt.Fprintln(w, "FAILED: "+f)
	}
	if r.OK() {
		fmt.Fprintln(w, "\nevery execution produced exactly one SUCCEEDED result")
	}
}

// WriteJSON writes the report to path.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
