package limits

import (
	"context"
	"errors"
	"strconv"
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

// Reserve takes the machine's next start time at rate starts per second: now, or later when
// the budget is spent. The caller starts the execution at the time returned (waiting until
// then); the time is taken whether or not it does.
func (r *Rate) Reserve(ctx context.Context, machine string, rate float64) (time.Time, error) {
	at, _, err := r.take(ctx, machine, rate, false)
	return at, err
}

// TryTake takes a start time only if one is due now; it reports false (and takes nothing)
// when the machine's budget is spent. Sync starts use it: over the rate, they are refused.
func (r *Rate) TryTake(ctx context.Context, machine string, rate float64) (bool, error) {
	_, ok, err := r.take(ctx, machine, rate, true)
	return ok, err
}

func (r *Rate) take(ctx context.Context, machine string, rate float64, onlyNow bool) (time.Time, bool, error) {
	interval := Limits{Rate: rate}.Interval()
	key := rateKey(machine)
	for range maxAttempts {
		var next time.Time
		var rev uint64
		e, err := r.KV.Get(ctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
		case err != nil:
			return time.Time{}, false, err
		default:
			rev = e.Revision()
			if n, err := strconv.ParseInt(string(e.Value()), 10, 64); err == nil {
				next = time.Unix(0, n)
			}
		}
		now := r.now()
		at := now
		if next.After(now) {
			if onlyNow {
				return time.Time{}, false, nil
			}
			at = next
		}
		val := []byte(strconv.FormatInt(at.Add(interval).UnixNano(), 10))
		if rev == 0 {
			_, err = r.KV.Create(ctx, key, val)
		} else {
			_, err = r.KV.Update(ctx, key, val, rev)
		}
		if err == nil {
			return at, true, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !isWrongSequence(err) {
			return time.Time{}, false, err
		}
		if ctx.Err() != nil {
			return time.Time{}, false, ctx.Err()
		}
	}
	return time.Time{}, false, ErrContended
}

// isWrongSequence: a compare-and-set lost to another writer (the server's error code 10071,
// which Update reports when nats.go does not map it).
func isWrongSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}
