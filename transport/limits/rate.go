package limits

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
)

// Rate is the start-rate budget of every machine, shared by all executors through one KV key
// per machine. It is GCRA (the "virtual scheduling" form of a token bucket with no burst): the
// key holds the earliest time the machine's next start may happen; taking a start reads it,
// moves it one interval on and writes it back with compare-and-set, so JetStream orders the
// executors' takes and no two get the same time. Starts are then never closer than the
// interval, whichever executor makes them.
//
// Times are the executors' clocks: executors on several hosts need synchronized clocks (NTP);
// a host whose clock is ahead by d can start up to d early once.
type Rate struct {
	KV  jetstream.KeyValue
	Now func() time.Time // default time.Now

	mu   sync.Mutex
	last map[string]budget // by key
}

// ErrContended is returned when the budget's key kept changing under every attempt.
var ErrContended = errors.New("limits: the start-rate budget is contended; retry")

// maxAttempts bounds a take's compare-and-set retries; each retry follows another executor's
// successful take, so the budget as a whole moves on.
const maxAttempts = 64

func (r *Rate) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func rateKey(machine string) string { return "rate." + wire.EncodeKey(machine) }

// Reserve takes the machine's next n start times at rate starts per second: the first is now,
// or later when the budget is spent, and the others follow it 1/rate apart. The caller starts
// the executions at those times (waiting until each); they are taken whether or not it does.
// Taking several at once costs one compare-and-set for the lot.
func (r *Rate) Reserve(ctx context.Context, machine string, rate float64, n int) (time.Time, error) {
	at, _, err := r.take(ctx, machine, rate, max(n, 1), false)
	return at, err
}

// TryTake takes a start time only if one is due now; it reports false (and takes nothing)
// when the machine's budget is spent. Sync starts use it: over the rate, they are refused.
func (r *Rate) TryTake(ctx context.Context, machine string, rate float64) (bool, error) {
	_, ok, err := r.take(ctx, machine, rate, 1, true)
	return ok, err
}

// budget is the last value of a machine's key this process read or wrote: the next take tries
// a compare-and-set on it at once, and reads the key only when another executor moved it.
type budget struct {
	rev  uint64
	next time.Time
}

func (r *Rate) cached(key string) (budget, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.last[key]
	return b, ok
}

func (r *Rate) remember(key string, b budget) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		r.last = map[string]budget{}
	}
	if len(r.last) >= maxCached {
		clear(r.last) // a budget not cached is read: only a little slower
	}
	r.last[key] = b
}

// maxCached bounds the budgets a process remembers.
const maxCached = 4096

func (r *Rate) take(ctx context.Context, machine string, rate float64, n int, onlyNow bool) (time.Time, bool, error) {
	interval := Limits{Rate: rate}.Interval()
	key := rateKey(machine)
	b, known := r.cached(key)
	for range maxAttempts {
		if !known {
			b = budget{}
			e, err := r.KV.Get(ctx, key)
			switch {
			case errors.Is(err, jetstream.ErrKeyNotFound):
			case err != nil:
				return time.Time{}, false, err
			default:
				b.rev = e.Revision()
				if v, err := strconv.ParseInt(string(e.Value()), 10, 64); err == nil {
					b.next = time.Unix(0, v)
				}
			}
		}
		now := r.now()
		at := now
		if b.next.After(now) {
			if onlyNow {
				if known { // the cached value may be stale: read the key before refusing
					known = false
					continue
				}
				return time.Time{}, false, nil
			}
			at = b.next
		}
		next := at.Add(time.Duration(n) * interval)
		val := []byte(strconv.FormatInt(next.UnixNano(), 10))
		var rev uint64
		var err error
		if b.rev == 0 {
			rev, err = r.KV.Create(ctx, key, val)
		} else {
			rev, err = r.KV.Update(ctx, key, val, b.rev)
		}
		if err == nil {
			r.remember(key, budget{rev: rev, next: next})
			return at, true, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !isWrongSequence(err) {
			return time.Time{}, false, err
		}
		if ctx.Err() != nil {
			return time.Time{}, false, ctx.Err()
		}
		known = false // another executor took a turn: read the key
	}
	return time.Time{}, false, ErrContended
}

// isWrongSequence: a compare-and-set lost to another writer (the server's error code 10071,
// which Update reports when nats.go does not map it).
func isWrongSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}
