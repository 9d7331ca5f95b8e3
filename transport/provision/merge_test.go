package provision_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/wire"
)

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A process started with the defaults must not shrink streams another process provisioned
// larger: it keeps their limits and says so.
func TestEnsureNeverLowersLimits(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	l := wire.Layout{Prefix: "big"}
	big := provision.Config{Layout: l, Memory: true, ResultMaxBytes: 8 << 20, ResultMaxAge: 72 * time.Hour, LogMaxAge: 48 * time.Hour}
	if err := provision.Ensure(ctx, env.JS, big); err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	def := provision.Config{Layout: l, Memory: true, ResultMaxBytes: 4 << 20, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	if err := provision.Ensure(ctx, env.JS, def); err != nil {
		t.Fatal(err)
	}
	s, err := env.JS.Stream(ctx, l.ResultsStream())
	if err != nil {
		t.Fatal(err)
	}
	if c := s.CachedInfo().Config; c.MaxBytes != 8<<20 || c.MaxAge != 72*time.Hour {
		t.Errorf("results stream lowered: MaxBytes %d, MaxAge %s", c.MaxBytes, c.MaxAge)
	}
	out := logs.String()
	for _, want := range []string{"level=WARN", "stream=BIG_RESULTS setting=MaxBytes kept=8388608 asked=4194304", "stream=BIG_RESULTS setting=MaxAge kept=72h0m0s asked=24h0m0s", "stream=BIG_LOGS setting=MaxAge"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// The comparison itself, including what a single server cannot show: a 3-replica stream met by
// a process configured for 1 replica keeps its 3; one configured for 3 raises a 1.
func TestMergeRaisesAndKeeps(t *testing.T) {
	have := jetstream.StreamConfig{Name: "S", Subjects: []string{"a.>"}, Replicas: 3, MaxAge: time.Hour, MaxBytes: -1, Duplicates: time.Minute,
		Storage: jetstream.FileStorage}
	want := jetstream.StreamConfig{Name: "S", Subjects: []string{"a.>", "b.>"}, Replicas: 1, MaxAge: 2 * time.Hour, MaxBytes: 1 << 30, Duplicates: 5 * time.Minute,
		Storage: jetstream.MemoryStorage}
	got, kept := provision.Merge(have, want)
	if got.Replicas != 3 || got.MaxAge != 2*time.Hour || got.MaxBytes != -1 || got.Duplicates != 5*time.Minute || len(got.Subjects) != 2 || got.Storage != jetstream.FileStorage {
		t.Errorf("merged: %+v", got)
	}
	names := map[string]bool{}
	for _, k := range kept {
		names[k.Setting] = true
	}
	if len(kept) != 3 || !names["Replicas"] || !names["MaxBytes"] || !names["Storage"] {
		t.Errorf("kept: %+v", kept)
	}
	if len(have.Subjects) != 1 {
		t.Error("Merge changed its argument")
	}
	want.Replicas = 5
	if got, _ := provision.Merge(have, want); got.Replicas != 5 {
		t.Errorf("replicas not raised: %d", got.Replicas)
	}
}
