// Package provision creates (or updates) the JetStream streams and KV buckets of stepjet's NATS
// layout (see package wire), so that every executor, API server and client finds them. It is
// idempotent: each stepjet process calls Ensure at start.
//
//	js, _ := jetstream.New(nc)
//	if err := provision.Ensure(ctx, js, provision.Config{}); err != nil { ... }
package provision

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
)

// Config tunes the streams. The zero value works: file storage, one replica, results and logs
// kept for a day and up to 1 GiB each.
type Config struct {
	Layout wire.Layout
	// Replicas for streams and buckets (1 on a single server; 3 on a cluster).
	Replicas int
	// Memory stores streams in memory instead of files (tests, benchmarks).
	Memory bool
	// StartDuplicates is the executions stream's de-duplication window for Nats-Msg-Id
	// (execution names); default 5 minutes, the Express deadline.
	StartDuplicates time.Duration
	// ResultDuplicates is the results stream's de-duplication window for execution ARNs; it
	// must outlast the time an execution can be redelivered (default 15 minutes).
	ResultDuplicates time.Duration
	// ResultMaxAge and LogMaxAge bound how long results and log events are kept (default 24h).
	ResultMaxAge time.Duration
	LogMaxAge    time.Duration
	// ResultMaxBytes and LogMaxBytes bound the streams' size, oldest messages dropped first
	// (default DefaultMaxBytes; negative: unbounded). A result holds the execution's input and
	// output, so at a thousand executions a second a day of results is hundreds of gigabytes:
	// without a bound the store fills, results can no longer be stored, and every async
	// execution stalls.
	ResultMaxBytes int64
	LogMaxBytes    int64
	// Logger hears about existing streams whose settings differ from these (default
	// slog.Default()).
	Logger *slog.Logger
}

// DefaultMaxBytes bounds the results and log streams unless told otherwise: 1 GiB each, about
// 300,000 results of the order workload. JetStream reserves a stream's MaxBytes from its store
// limit (by default 75% of the free disk, or of memory) when the stream is created, so the
// default must fit small hosts; a busy deployment raises it (stepjet serve --result-max-bytes).
const DefaultMaxBytes int64 = 1 << 30

func maxBytes(n int64) int64 {
	switch {
	case n == 0:
		return DefaultMaxBytes
	case n < 0:
		return -1
	}
	return n
}

func (c Config) storage() jetstream.StorageType {
	if c.Memory {
		return jetstream.MemoryStorage
	}
	return jetstream.FileStorage
}

func dur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Streams returns the stream configurations Ensure applies.
func (c Config) Streams() []jetstream.StreamConfig {
	l := c.Layout
	p := l.Prefix
	if p == "" {
		p = wire.DefaultPrefix
	}
	replicas := max(c.Replicas, 1)
	resultAge := dur(c.ResultMaxAge, 24*time.Hour)
	resultDup := min(dur(c.ResultDuplicates, 15*time.Minute), resultAge)
	return []jetstream.StreamConfig{
		{
			Name:        l.ExecutionsStream(),
			Description: "stepjet async execution starts (work queue; Nats-Msg-Id = execution name)",
			Subjects:    []string{p + ".start.>"},
			Retention:   jetstream.WorkQueuePolicy,
			Storage:     c.storage(),
			Replicas:    replicas,
			Duplicates:  dur(c.StartDuplicates, 5*time.Minute),
			Discard:     jetstream.DiscardOld,
			// Bulk starts (triggers, load tools) may arrive as fast-ingest batches.
			AllowBatchPublish: true,
		},
		{
			Name:        l.ResultsStream(),
			Description: "stepjet execution results (StartSyncExecution shape; Nats-Msg-Id = execution ARN)",
			Subjects:    []string{p + ".result.>"},
			Retention:   jetstream.LimitsPolicy,
			Storage:     c.storage(),
			Replicas:    replicas,
			Duplicates:  resultDup,
			MaxAge:      resultAge,
			MaxBytes:    maxBytes(c.ResultMaxBytes),
			Discard:     jetstream.DiscardOld,
			// Executors store results as fast-ingest batches (transport/fastpub).
			AllowBatchPublish: true,
		},
		{
			Name:        l.LogsStream(),
			Description: "stepjet Express log events (CloudWatch Logs shape)",
			Subjects:    []string{p + ".log.>"},
			Retention:   jetstream.LimitsPolicy,
			Storage:     c.storage(),
			Replicas:    replicas,
			MaxAge:      dur(c.LogMaxAge, 24*time.Hour),
			MaxBytes:    maxBytes(c.LogMaxBytes),
			Discard:     jetstream.DiscardOld,
		},
	}
}

// Buckets returns the KV bucket configurations Ensure creates when missing.
func (c Config) Buckets() []jetstream.KeyValueConfig {
	st := c.storage()
	replicas := max(c.Replicas, 1)
	return []jetstream.KeyValueConfig{
		{Bucket: c.Layout.MachinesBucket(), Description: "stepjet state machines, versions and aliases", History: 5, Storage: st, Replicas: replicas},
		{Bucket: c.Layout.TriggersBucket(), Description: "stepjet event triggers: subject -> state machine", History: 1, Storage: st, Replicas: replicas},
	}
}

// Ensure creates the streams and KV buckets that do not exist yet. An existing stream is only
// ever raised to this configuration: its replicas, ages, sizes and de-duplication window are
// never lowered — another process (or the operator) may have set them for a cluster or a load
// this one does not know about — and every difference kept is logged as a warning. Lower a
// limit on purpose with the nats CLI (nats stream edit). Existing buckets are left as they are.
func Ensure(ctx context.Context, js jetstream.JetStream, c Config) error {
	log := c.Logger
	if log == nil {
		log = slog.Default()
	}
	if err := EnsureStreams(ctx, js, c.Streams(), log); err != nil {
		return err
	}
	for _, kc := range c.Buckets() {
		kv, err := EnsureBucket(ctx, js, kc)
		if err != nil {
			return err
		}
		if st, err := kv.Status(ctx); err == nil {
			if kvs, ok := st.(*jetstream.KeyValueBucketStatus); ok && kvs.StreamInfo().Config.Replicas != max(kc.Replicas, 1) {
				log.Warn("provisioning keeps a bucket's replicas that differ from this process's", "bucket", kc.Bucket,
					"kept", kvs.StreamInfo().Config.Replicas, "asked", max(kc.Replicas, 1))
			}
		}
	}
	return nil
}

// EnsureStreams creates each stream that does not exist and only ever raises an existing one's
// limits (Merge), logging every setting it keeps; Ensure does this for stepjet's streams, and
// other packages with streams of their own (transport/records) call it for theirs.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, streams []jetstream.StreamConfig, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	for _, sc := range streams {
		s, err := js.Stream(ctx, sc.Name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			_, err = js.CreateStream(ctx, sc)
			if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) { // another process won the race
				s, err = js.Stream(ctx, sc.Name)
			} else if err == nil {
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("stream %s: %w", sc.Name, err)
		}
		have := s.CachedInfo().Config
		merged, kept := Merge(have, sc)
		for _, k := range kept {
			log.Warn("provisioning keeps a stream setting that differs from this process's: it never lowers what is there (nats stream edit lowers it)",
				"stream", sc.Name, "setting", k.Setting, "kept", k.Kept, "asked", k.Asked)
		}
		if !streamConfigChanged(have, merged) {
			continue
		}
		log.Info("provisioning raises a stream's settings", "stream", sc.Name)
		if _, err := js.UpdateStream(ctx, merged); err != nil {
			return fmt.Errorf("stream %s: %w", sc.Name, err)
		}
	}
	return nil
}

// Difference is a setting of an existing stream kept although this process asked otherwise.
type Difference struct {
	Setting     string
	Kept, Asked string
}

// Merge returns the configuration to apply to a stream that is have when this process wants
// want: have, with want's subjects added and each limit raised to want's where want's is larger
// (0 or -1 meaning unlimited); and the settings kept where want asked for less, or for what
// cannot change (storage, retention, discard policy).
func Merge(have, want jetstream.StreamConfig) (jetstream.StreamConfig, []Difference) {
	out := have
	var kept []Difference
	raise := func(setting string, h, w *int64, show func(int64) string) {
		hv, wv := limit(*h), limit(*w)
		switch {
		case wv > hv:
			*h = *w
		case wv < hv:
			kept = append(kept, Difference{setting, show(*h), show(*w)})
		}
	}
	num := func(v int64) string { return fmt.Sprint(v) }
	durs := func(v int64) string { return time.Duration(v).String() }
	replicas, wantReplicas := int64(out.Replicas), int64(want.Replicas)
	raise("Replicas", &replicas, &wantReplicas, num)
	out.Replicas = int(replicas)
	maxAge, wantAge := int64(out.MaxAge), int64(want.MaxAge)
	raise("MaxAge", &maxAge, &wantAge, durs)
	out.MaxAge = time.Duration(maxAge)
	raise("MaxBytes", &out.MaxBytes, &want.MaxBytes, num)
	dup, wantDup := int64(out.Duplicates), int64(want.Duplicates)
	if wantDup > 0 { // 0 asks for the server's default: nothing to compare
		raise("Duplicates", &dup, &wantDup, durs)
	}
	out.Duplicates = time.Duration(dup)
	for _, subj := range want.Subjects {
		if !slices.Contains(out.Subjects, subj) {
			out.Subjects = append(slices.Clone(out.Subjects), subj)
		}
	}
	// Per-message TTLs, once allowed, cannot be disallowed: turning them on only raises what
	// the stream accepts (messages without a TTL are kept as before).
	out.AllowMsgTTL = have.AllowMsgTTL || want.AllowMsgTTL
	// Fast-ingest batch publishing likewise: allowing it changes nothing for other publishers.
	out.AllowBatchPublish = have.AllowBatchPublish || want.AllowBatchPublish
	if have.Storage != want.Storage {
		kept = append(kept, Difference{"Storage", have.Storage.String(), want.Storage.String()})
	}
	if have.Retention != want.Retention {
		kept = append(kept, Difference{"Retention", have.Retention.String(), want.Retention.String()})
	}
	if have.Discard != want.Discard {
		kept = append(kept, Difference{"Discard", have.Discard.String(), want.Discard.String()})
	}
	return out, kept
}

// limit orders a JetStream limit where 0 and -1 mean no limit.
func limit(v int64) int64 {
	if v <= 0 {
		return math.MaxInt64
	}
	return v
}

func streamConfigChanged(a, b jetstream.StreamConfig) bool {
	return a.Replicas != b.Replicas || a.MaxAge != b.MaxAge || a.MaxBytes != b.MaxBytes ||
		a.Duplicates != b.Duplicates || !slices.Equal(a.Subjects, b.Subjects) || a.AllowMsgTTL != b.AllowMsgTTL ||
		a.AllowBatchPublish != b.AllowBatchPublish
}

// EnsureBucket opens a KV bucket, creating it with kc when it does not exist.
func EnsureBucket(ctx context.Context, js jetstream.JetStream, kc jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	kv, err := js.KeyValue(ctx, kc.Bucket)
	if err == nil {
		return kv, nil
	}
	if !errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, fmt.Errorf("bucket %s: %w", kc.Bucket, err)
	}
	kv, err = js.CreateKeyValue(ctx, kc)
	if errors.Is(err, jetstream.ErrBucketExists) { // another process won the race
		kv, err = js.KeyValue(ctx, kc.Bucket)
	}
	if err != nil {
		return nil, fmt.Errorf("bucket %s: %w", kc.Bucket, err)
	}
	return kv, nil
}

// Ready reports whether the streams and buckets exist (for /readyz).
func Ready(ctx context.Context, js jetstream.JetStream, c Config) error {
	for _, sc := range c.Streams() {
		if _, err := js.Stream(ctx, sc.Name); err != nil {
			return fmt.Errorf("stream %s: %w", sc.Name, err)
		}
	}
	for _, kc := range c.Buckets() {
		if _, err := js.KeyValue(ctx, kc.Bucket); err != nil {
			return fmt.Errorf("bucket %s: %w", kc.Bucket, err)
		}
	}
	return nil
}
