package engine

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/stepjet/stepjet/engine/payload"
)

// retrier is one compiled Retry entry.
type retrier struct {
	errorEquals []string
	interval    float64 // seconds
	maxAttempts int
	backoff     float64
	maxDelay    float64 // seconds; 0 = none
	jitterFull  bool
}

// catcher is one compiled Catch entry.
type catcher struct {
	errorEquals    []string
	next           int
	resultPath     *jsonpath.Path
	resultPathNull bool
	assign         *payload.Template
	assignJSONata  *payload.JSONataTemplate
	output         *payload.JSONataTemplate
}

// stateError is a failure inside a state together with what the Retry/Catch rules need to know
// about its origin.
type stateError struct {
	*failure.Error
	// task is true when the error came from the task itself (the invoker, or its timeout),
	// which is what States.TaskFailed matches.
	task bool
	// timedOut and aborted mark the end of the whole execution (its deadline, or its context
	// ended): no Retry or Catch applies.
	timedOut, aborted bool
	// stopped marks an execution stopped from outside (an *Abort cause): it ends ABORTED.
	stopped bool
	// parked is errParked: the execution parked at a Wait (park.go); it carries no Error.
	parked bool
}

// matches reports whether an ErrorEquals list matches err, per the ASL rules: States.ALL matches
// any error except States.Runtime (which always fails the execution); States.TaskFailed matches
// any failure of the task itself except States.Timeout; other names match exactly.
func matches(errorEquals []string, err stateError, forRetry bool) bool {
	name := err.Name
	if name == failure.Runtime {
		return false
	}
	if forRetry && name == failure.DataLimitExceeded {
		return false
	}
	for _, e := range errorEquals {
		switch {
		case e == name:
			return true
		case e == failure.ALL:
			return true
		case e == failure.TaskFailed && err.task && name != failure.Timeout:
			return true
		}
	}
	return false
}

// delay is the wait before retry number attempt (0-based) under r.
func (r *retrier) delay(attempt int) time.Duration {
	d := r.interval * math.Pow(r.backoff, float64(attempt))
	if r.maxDelay > 0 && d > r.maxDelay {
		d = r.maxDelay
	}
	if r.jitterFull {
		d = rand.Float64() * d
	}
	if d > 1e9 { // far beyond any Express deadline
		d = 1e9
	}
	return time.Duration(d * float64(time.Second))
}

// retryState counts the retries of one state entry per retrier.
type retryState struct {
	counts []int
	total  int
	last   int // index of the retrier that matched last
}

// next finds the retrier for err. It returns the delay before the next attempt and true, or
// false when no retrier applies or the matching one is exhausted.
func (rs *retryState) next(retriers []retrier, err stateError) (time.Duration, bool) {
	for i := range retriers {
		r := &retriers[i]
		if !matches(r.errorEquals, err, true) {
			continue
		}
		if rs.counts == nil {
			rs.counts = make([]int, len(retriers))
		}
		if rs.counts[i] >= r.maxAttempts {
			return 0, false
		}
		d := r.delay(rs.counts[i])
		rs.counts[i]++
		rs.last = i
		rs.total++
		return d, true
	}
	return 0, false
}

// findCatcher returns the first catcher matching err, or nil.
func findCatcher(catchers []catcher, err stateError) *catcher {
	if i := catcherIndex(catchers, err); i >= 0 {
		return &catchers[i]
	}
	return nil
}

// catcherIndex is the index of the first catcher matching err, or -1.
func catcherIndex(catchers []catcher, err stateError) int {
	for i := range catchers {
		if matches(catchers[i].errorEquals, err, false) {
			return i
		}
	}
	return -1
}
