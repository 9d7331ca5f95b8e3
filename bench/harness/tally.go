package harness

import (
	"sync"
	"time"
)

// Tally counts results per execution ARN, so a phase can say that every execution it started
// produced exactly one result: none missing, none twice, none it did not start. It also keeps
// each execution's start and first-result times for latency. Safe for concurrent use.
type Tally struct {
	mu       sync.Mutex
	index    map[string]int
	arns     []string
	counts   []uint32
	start    []int64 // unix ns; 0 = not started
	end      []int64 // unix ns of the first result
	distinct int
	total    int
	failed   int
	unknown  int
	unknowns []string
	failures []string
}

// NewTally expects one result for each ARN (ARNs must be distinct).
func NewTally(arns []string) *Tally {
	t := &Tally{index: make(map[string]int, len(arns)), arns: arns, counts: make([]uint32, len(arns)),
		start: make([]int64, len(arns)), end: make([]int64, len(arns))}
	for i, a := range arns {
		t.index[a] = i
	}
	return t
}

// Expect adds one more expected execution and returns its index (for closed-loop load, whose
// count is not known in advance).
func (t *Tally) Expect(arn string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	i := len(t.arns)
	t.index[arn] = i
	t.arns = append(t.arns, arn)
	t.counts = append(t.counts, 0)
	t.start = append(t.start, 0)
	t.end = append(t.end, 0)
	return i
}

// Expected is the number of expected executions.
func (t *Tally) Expected() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.arns)
}

// Started records when execution i was started (or was due to start, for open-loop load, so
// that queueing delay in the load generator counts in the latency).
func (t *Tally) Started(i int, at time.Time) {
	t.mu.Lock()
	t.start[i] = at.UnixNano()
	t.mu.Unlock()
}

// Record counts one result for arn; succeeded is false for any status but SUCCEEDED (failure
// is then a short description kept for the report).
func (t *Tally) Record(arn string, succeeded bool, failure string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total++
	i, ok := t.index[arn]
	if !ok {
		t.unknown++
		if len(t.unknowns) < 5 {
			t.unknowns = append(t.unknowns, arn)
		}
		return
	}
	t.counts[i]++
	if t.counts[i] == 1 {
		t.distinct++
		t.end[i] = at.UnixNano()
		if !succeeded {
			t.failed++
			if len(t.failures) < 5 {
				t.failures = append(t.failures, arn+": "+failure)
			}
		}
	}
}

// Distinct is the number of expected executions that have at least one result.
func (t *Tally) Distinct() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.distinct
}

// Complete reports whether every expected execution has a result.
func (t *Tally) Complete() bool { return t.Distinct() == t.Expected() }

// Check is the exactly-one-result verdict of a phase.
type Check struct {
	Expected   int      `json:"expected"`
	Results    int      `json:"results"`    // result messages received
	Missing    int      `json:"missing"`    // expected executions with no result
	Duplicates int      `json:"duplicates"` // expected executions with more than one result
	Unexpected int      `json:"unexpected"` // results for ARNs the phase did not start
	Failed     int      `json:"failed"`     // executions whose (first) result is not SUCCEEDED
	OK         bool     `json:"ok"`         // exactly one SUCCEEDED result per execution
	Examples   []string `json:"examples,omitempty"`
}

// Check counts missing, duplicate and unexpected results.
func (t *Tally) Check() Check {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := Check{Expected: len(t.arns), Results: t.total, Unexpected: t.unknown, Failed: t.failed}
	for i, n := range t.counts {
		switch {
		case n == 0:
			c.Missing++
			if len(c.Examples) < 10 {
				c.Examples = append(c.Examples, "missing: "+t.arns[i])
			}
		case n > 1:
			c.Duplicates++
			if len(c.Examples) < 10 {
				c.Examples = append(c.Examples, "duplicate: "+t.arns[i])
			}
		}
	}
	for _, a := range t.unknowns {
		c.Examples = append(c.Examples, "unexpected: "+a)
	}
	for _, f := range t.failures {
		c.Examples = append(c.Examples, "failed: "+f)
	}
	c.OK = c.Missing == 0 && c.Duplicates == 0 && c.Unexpected == 0 && c.Failed == 0
	return c
}

// Latencies returns first-result minus start for every execution that has both.
func (t *Tally) Latencies() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]time.Duration, 0, t.distinct)
	for i := range t.counts {
		if t.counts[i] > 0 && t.start[i] != 0 {
			out = append(out, time.Duration(t.end[i]-t.start[i]))
		}
	}
	return out
}

// Span is the time from the first start to the last first-result.
func (t *Tally) Span() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var first, last int64
	for i := range t.counts {
		if s := t.start[i]; s != 0 && (first == 0 || s < first) {
			first = s
		}
		if e := t.end[i]; e > last {
			last = e
		}
	}
	if first == 0 || last < first {
		return 0
	}
	return time.Duration(last - first)
}
