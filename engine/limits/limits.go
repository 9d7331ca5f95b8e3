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
// (its deadline, or the caller's cancellation) stops evaluation, and the byte and item limits
// of one evaluation. The zero value means context.Background() and the default limits; a nil
// *Budget behaves as the zero value.
type Budget struct {
	Ctx   context.Context
	Bytes int64 // 0 means EvalBytes
	Items int64 // 0 means EvalItems
}

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

// Meter starts counting one evaluation against the budget.
func (b *Budget) Meter() Meter {
	return Meter{ctx: b.Context(), bytes: b.MaxBytes(), items: b.MaxItems(), maxBytes: b.MaxBytes(), maxItems: b.MaxItems()}
}

// Meter counts one evaluation: what is left of its bytes and items, and a tick counter that
// checks the context every so many steps. It is a plain value: keep it on the stack.
type Meter struct {
	ctx                context.Context
	bytes, items       int64
	maxBytes, maxItems int64
	ticks              uint32
}

// tickEvery is how many steps pass between two looks at the context: a look costs a few
// nanoseconds (an atomic load), a step at least as much, so the check stays below a few percent.
const tickEvery = 256

// Bytes charges n bytes; past the limit it returns States.DataLimitExceeded.
func (m *Meter) Bytes(n int) error {
	m.bytes -= int64(n)
	if m.bytes < 0 {
		return Exceeded(m.maxBytes, "bytes")
	}
	return nil
}

// Items charges n items; past the limit it returns States.DataLimitExceeded.
func (m *Meter) Items(n int) error {
	m.items -= int64(n)
	if m.items < 0 {
		return Exceeded(m.maxItems, "items")
	}
	return nil
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
