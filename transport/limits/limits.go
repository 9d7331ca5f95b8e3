package limits

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
)

// Machine tags that set a machine's limits (TagResource, CreateStateMachine's tags,
// stepjet create --tag). A machine without them has no limit.
const (
	// TagConcurrency is the most executions of the machine (async and sync, any version or
	// alias) running at once across every executor: a whole number from 1 to MaxConcurrency.
	TagConcurrency = "stepjet:max-concurrency"
	// TagRate is the most executions of the machine started per second across every executor:
	// a number from MinRate to MaxRate (0.5 is one start every two seconds).
	TagRate = "stepjet:max-start-rate"
)

// Bounds of the tags' values. MaxConcurrency is a consumer's MaxAckPending, which the executor
// also fetches in batches of; MaxRate keeps a start's interval above a microsecond, far below
// which the budget's one KV update per start would be the limit anyway.
const (
	MaxConcurrency = 100_000
	MinRate        = 0.001
	MaxRate        = 100_000
)

// Limits are one machine's limits; a zero field is no limit.
type Limits struct {
	Concurrency int
	Rate        float64 // starts per second
}

// None reports that l limits nothing.
func (l Limits) None() bool { return l.Concurrency == 0 && l.Rate == 0 }

// Interval is the time between two starts at l.Rate (0 when there is no rate limit).
func (l Limits) Interval() time.Duration {
	if l.Rate <= 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / l.Rate)
}

// Parse reads a machine's limits from its tags. A value Check refuses (which the API never
// stores) is an error; the executor then applies the other tag alone and logs it.
func Parse(tags map[string]string) (Limits, error) {
	var l Limits
	var first error
	if v, ok := tags[TagConcurrency]; ok {
		n, err := parseConcurrency(v)
		if err != nil {
			first = err
		}
		l.Concurrency = n
	}
	if v, ok := tags[TagRate]; ok {
		r, err := parseRate(v)
		if err != nil && first == nil {
			first = err
		}
		l.Rate = r
	}
	return l, first
}

// Check validates the limit tags among tags (other tags are not looked at): the API refuses a
// machine or a TagResource whose limit tag it could not enforce.
func Check(tags map[string]string) error {
	_, err := Parse(tags)
	return err
}

func parseConcurrency(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > MaxConcurrency {
		return 0, fmt.Errorf("tag %s: '%s' is not a whole number of executions from 1 to %d", TagConcurrency, truncate(v), MaxConcurrency)
	}
	return n, nil
}

func parseRate(v string) (float64, error) {
	r, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(r) || r < MinRate || r > MaxRate {
		return 0, fmt.Errorf("tag %s: '%s' is not a number of starts per second from %g to %d", TagRate, truncate(v), MinRate, MaxRate)
	}
	return r, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Names are the NATS names of the limits for one stepjet layout.
type Names struct{ Layout wire.Layout }

func (n Names) prefix() string {
	if n.Layout.Prefix == "" {
		return wire.DefaultPrefix
	}
	return n.Layout.Prefix
}

// Stream is the waiting stream: starts of limited machines wait there for their turn.
func (n Names) Stream() string {
	return strings.TrimSuffix(n.Layout.ExecutionsStream(), "_EXECUTIONS") + "_WAITING"
}

// WaitSubject is where a start of machine waits: <prefix>.wait.<machine token>.
func (n Names) WaitSubject(machine string) string {
	return n.prefix() + ".wait." + wire.SubjectToken(machine)
}

// WaitAll is the waiting stream's subjects: <prefix>.wait.>.
func (n Names) WaitAll() string { return n.prefix() + ".wait.>" }

// WaitMachine is the machine a subject of the waiting stream names.
func (n Names) WaitMachine(subject string) (string, bool) {
	tok, ok := strings.CutPrefix(subject, n.prefix()+".wait.")
	if !ok {
		return "", false
	}
	return wire.DecodeKey(tok)
}

// Consumer is the durable consumer of machine's waiting starts, shared by every executor. A
// durable name holds no '.', and machine names may: it is named by a hash of the machine.
func (n Names) Consumer(machine string) string {
	h := sha256.Sum256([]byte(machine))
	return n.prefix() + "-limited-" + hex.EncodeToString(h[:10])
}

// Bucket holds the start-rate budgets.
func (n Names) Bucket() string { return strings.ReplaceAll(n.prefix(), ".", "_") + "_limits" }

// StreamConfig is the waiting stream: a work queue like the executions stream, whose
// de-duplication window absorbs a start moved twice (its executor stopped between moving it
// and acknowledging the original, which JetStream then redelivers).
func (n Names) StreamConfig(replicas int, memory bool) jetstream.StreamConfig {
	st := jetstream.FileStorage
	if memory {
		st = jetstream.MemoryStorage
	}
	return jetstream.StreamConfig{
		Name:        n.Stream(),
		Description: "stepjet starts waiting on their machine's limits (max-concurrency, max-start-rate)",
		Subjects:    []string{n.WaitAll()},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     st,
		Replicas:    max(replicas, 1),
		Duplicates:  5 * time.Minute,
		Discard:     jetstream.DiscardOld,
	}
}

// BucketConfig is the rate budgets' bucket: one key per rate-limited machine, its last value
// only; a budget untouched for an hour is forgotten (its machine starts afresh).
func (n Names) BucketConfig(replicas int, memory bool) jetstream.KeyValueConfig {
	st := jetstream.FileStorage
	if memory {
		st = jetstream.MemoryStorage
	}
	return jetstream.KeyValueConfig{Bucket: n.Bucket(), Description: "stepjet start-rate budgets (max-start-rate)", History: 1, TTL: time.Hour, Storage: st, Replicas: max(replicas, 1)}
}
