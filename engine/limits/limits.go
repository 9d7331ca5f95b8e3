// Package limits holds the bounds that keep one execution to its share of a process: the
// deepest JSON the engine reads, and the time and memory one evaluation (a JSONPath, an
// intrinsic function, a JSONata expression) may take. The numbers are tied to the 256 KiB
// payload limit of Step Functions: every document an evaluation reads is at most a payload (the
// state input, the context object, the variables), and its result must fit in one, so a
// generous multiple of a payload is room enough for any intermediate value a real workflow
// builds, and small enough that a hostile or careless expression fails in milliseconds instead
// of exhausting the process's memory.
//
//	b := limits.Budget{Ctx: ctx}    // the execution's context: its deadline stops evaluation
//	m := b.Meter()                  // one evaluation
//	if err := m.Bytes(len(s)); err != nil { ... } // a *failure.Error, States.DataLimitExceeded
package limits

import (
	"context"
	"strconv"
	"sync/atomic"

	"github.com/stepjet/stepjet/engine/failure"
)

const (
	// PayloadBytes is Step Functions' limit on a state's input or output: 256 KiB.
	PayloadBytes = 256 * 1024

	// MaxDepth is the deepest nesting of arrays and objects the engine accepts in a JSON
	// document: an execution input, a task result, the text States.StringToJson parses. It is
	// the default nesting limit of Jackson (StreamReadConstraints, 2.15 and later), the JSON
	// parser AWS Step Functions runs on. A 256 KiB document can nest 131,072 levels deep, and
	// paths such as "$..a" cost time and memory quadratic in the depth.
	MaxDepth = 1000

	// EvalBytes is how many bytes of strings and JSON text one evaluation may build: 64
	// payloads (16 MiB). Counted as they are made (an allocation volume, not live memory), so
	// an expression that concatenates in a loop is charged for every intermediate string.
	EvalBytes = 64 * PayloadBytes

	// EvalItems is how many array elements, sequence entries and object members one
	// evaluation may build: 1 Mi, eight times the 131,072 elements a 256 KiB array can hold.
	EvalItems = 1 << 20
)

// Budget is what each evaluation of an execution may use: the execution's context, whose end
// (its deadline, or the caller's cancellation) stops evaluation, the byte and item limits of
// one evaluation, and the Pool the evaluations running at once share. The zero value means
// context.Background(), the default limits and no pool; a nil *Budget behaves as the zero
// value.
type Budget struct {
	Ctx   context.Context
	Bytes int64 // 0 means EvalBytes
	Items int64 // 0 means EvalItems
	// Pool, when set, bounds what the evaluations of one execution that run at once (in
	// Parallel branches and Map iterations) hold together: PoolFactor times one
	// evaluation's limits.
	Pool *Pool
}

// PoolFactor is how many evaluations' worth of bytes and items the evaluations of one
// execution may hold at once: a Map runs up to 40 iterations at a time and a Parallel state
// all its branches, and without a shared bound their budgets would add up.
const PoolFactor = 4

// Pool is what the evaluations of one execution hold at once. The zero value is ready; it
// belongs to one execution and is shared by its threads of control.
type Pool struct {
	bytes, items atomic.Int64
}

// InUse reports what the evaluations running now have drawn.
func (p *Pool) InUse() (bytes, items int64) { return p.bytes.Load(), p.items.Load() }

// Context returns the budget's context (never nil).
func (b *Budget) Context() context.Context {
	if b == nil || b.Ctx == nil {
		return context.Background()
	}
	return b.Ctx
}

// MaxBytes returns the byte limit of one evaluation.
func (b *Budget) MaxBytes() int64 {
	if b == nil || b.Bytes <= 0 {
		return EvalBytes
	}
	return b.Bytes
}

// MaxItems returns the item limit of one evaluation.
func (b *Budget) MaxItems() int64 {
	if b == nil || b.Items <= 0 {
		return EvalItems
	}
	return b.Items
}

// Meter starts counting one evaluation against the budget. Release it when the evaluation
// ends, to give back what it drew from the pool.
func (b *Budget) Meter() Meter {
	m := Meter{ctx: b.Context(), maxBytes: b.MaxBytes(), maxItems: b.MaxItems()}
	if b != nil {
		m.pool = b.Pool
	}
	return m
}

// Meter counts one evaluation: what it has built, what it has drawn from the execution's pool
// (in chunks, so that the shared counters are touched once per chunk, not per value), and a
// tick counter that checks the context every so many steps. It is a plain value: keep it on
// the stack, or in a structure reused across evaluations.
type Meter struct {
	ctx                  context.Context
	pool                 *Pool
	usedBytes, usedItems int64
	drawnBytes           int64
	drawnItems           int64
	maxBytes, maxItems   int64
	ticks                uint32
}

// Chunks drawn from the pool at a time: small enough that a thousand small evaluations at
// once (a wide Parallel state) draw far less than the pool holds.
const (
	chunkBytes = 16 << 10
	chunkItems = 1 << 10
)

// tickEvery is how many steps pass between two looks at the context: a look costs a few
// nanoseconds (an atomic load), a step at least as much, so the check stays below a few percent.
const tickEvery = 256

// Bytes charges n bytes; past the limit it returns States.DataLimitExceeded.
func (m *Meter) Bytes(n int) error {
	m.usedBytes += int64(n)
	if m.usedBytes > m.maxBytes {
		return Exceeded(m.maxBytes, "bytes")
	}
	if m.pool != nil && m.usedBytes > m.drawnBytes {
		d := max(m.usedBytes-m.drawnBytes, chunkBytes)
		m.drawnBytes += d
		if m.pool.bytes.Add(d) > PoolFactor*m.maxBytes {
			return exceededTogether(PoolFactor*m.maxBytes, "bytes")
		}
	}
	return nil
}

// Items charges n items; past the limit it returns States.DataLimitExceeded.
func (m *Meter) Items(n int) error {
	m.usedItems += int64(n)
	if m.usedItems > m.maxItems {
		return Exceeded(m.maxItems, "items")
	}
	if m.pool != nil && m.usedItems > m.drawnItems {
		d := max(m.usedItems-m.drawnItems, chunkItems)
		m.drawnItems += d
		if m.pool.items.Add(d) > PoolFactor*m.maxItems {
			return exceededTogether(PoolFactor*m.maxItems, "items")
		}
	}
	return nil
}

// ChargeBytes and ChargeItems are Bytes and Items under the names the JSONata evaluator's
// budget interface uses.
func (m *Meter) ChargeBytes(n int) error { return m.Bytes(n) }
func (m *Meter) ChargeItems(n int) error { return m.Items(n) }

// Release gives back to the pool what the evaluation drew; the meter may then be reused.
func (m *Meter) Release() {
	if m.pool != nil && (m.drawnBytes != 0 || m.drawnItems != 0) {
		m.pool.bytes.Add(-m.drawnBytes)
		m.pool.items.Add(-m.drawnItems)
	}
	m.usedBytes, m.usedItems, m.drawnBytes, m.drawnItems = 0, 0, 0, 0
}

// Tick counts a step and, every tickEvery steps, returns the context's error once it has ended.
func (m *Meter) Tick() error {
	m.ticks++
	if m.ticks%tickEvery != 0 || m.ctx == nil {
		return nil
	}
	return m.ctx.Err()
}

// Err returns the context's error once it has ended.
func (m *Meter) Err() error {
	if m.ctx == nil {
		return nil
	}
	return m.ctx.Err()
}

func exceededTogether(limit int64, what string) *failure.Error {
	return &failure.Error{Name: failure.DataLimitExceeded, Cause: "The evaluations running at once in this execution built more than " +
		strconv.FormatInt(limit, 10) + " " + what + " of values together, the limit of one execution (see docs/limits.md)"}
}

// Exceeded is the failure of an evaluation that built more than limit bytes or items (what).
func Exceeded(limit int64, what string) *failure.Error {
	return &failure.Error{Name: failure.DataLimitExceeded, Cause: "The evaluation built more than " +
		strconv.FormatInt(limit, 10) + " " + what + " of values, the limit of one evaluation (see docs/limits.md)"}
}

// TooDeep is the failure of a JSON document nested deeper than MaxDepth; what names it
// ("The execution input", "The task result", ...).
func TooDeep(what string) *failure.Error {
	return &failure.Error{Name: failure.DataLimitExceeded, Cause: what + " is nested more than " +
		strconv.Itoa(MaxDepth) + " levels deep, the limit of JSON nesting"}
}

// DepthExceeds reports whether the JSON text s nests arrays and objects more than max levels
// deep. It does not validate s; brackets inside strings are skipped. One pass, no allocation.
func DepthExceeds[T ~string | ~[]byte](s T, max int) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{', '[':
			if depth++; depth > max {
				return true
			}
		case '}', ']':
			depth--
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		}
	}
	return false
}
