package provision_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/wire"
)

func TestEnsureIsIdempotentAndUpdates(t *testing.T) {
	env := testenv.New(t) // already ran Ensure once
	ctx := context.Background()
	cfg := provision.Config{Layout: env.Layout, ResultMaxAge: 48 * time.Hour}
	if err := provision.Ensure(ctx, env.JS, cfg); err != nil {
		t.Fatal(err)
	}
	if err := provision.Ready(ctx, env.JS, cfg); err != nil {
		t.Fatal(err)
	}
	s, err := env.JS.Stream(ctx, "STEPJET_RESULTS")
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := s.Info(ctx); info.Config.MaxAge != 48*time.Hour || info.Config.Duplicates != 15*time.Minute {
		t.Errorf("results stream not raised: %+v", info.Config)
	}
	ex, _ := env.JS.Stream(ctx, "STEPJET_EXECUTIONS")
	if info, _ := ex.Info(ctx); info.Config.Retention != jetstream.WorkQueuePolicy || info.Config.Subjects[0] != "stepjet.start.>" {
		t.Errorf("executions stream %+v", info.Config)
	}
	// another prefix gets its own layout
	other := provision.Config{Layout: wire.Layout{Prefix: "acme.flows"}, Memory: true}
	if err := provision.Ensure(ctx, env.JS, other); err != nil {
		t.Fatal(err)
	}
	if _, err := env.JS.KeyValue(ctx, "acme_flows_machines"); err != nil {
		t.Error(err)
	}
	if _, err := env.JS.Stream(ctx, "ACME_FLOWS_EXECUTIONS"); err != nil {
		t.Error(err)
	}
}

// Results and log events are bounded in bytes as well as age: the oldest go first, so a
// busy deployment cannot fill its store and stall.
func TestStreamsAreBoundedInBytes(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	for _, name := range []string{"STEPJET_RESULTS", "STEPJET_LOGS"} {
		s, _ := env.JS.Stream(ctx, name)
		if info, _ := s.Info(ctx); info.Config.MaxBytes != provision.DefaultMaxBytes || info.Config.Discard != jetstream.DiscardOld {
			t.Errorf("%s by default: MaxBytes %d, Discard %v", name, info.Config.MaxBytes, info.Config.Discard)
		}
	}
	unbounded := provision.Config{Layout: env.Layout, ResultMaxBytes: -1}
	if err := provision.Ensure(ctx, env.JS, unbounded); err != nil {
		t.Fatal(err)
	}
	s, _ := env.JS.Stream(ctx, "STEPJET_RESULTS")
	if info, _ := s.Info(ctx); info.Config.MaxBytes != -1 {
		t.Errorf("ResultMaxBytes -1: MaxBytes %d", info.Config.MaxBytes)
	}

	// Provisioning never lowers a limit; a fresh layout takes the small one.
	const limit = 64 << 10
	small := provision.Config{Layout: wire.Layout{Prefix: "small"}, ResultMaxBytes: limit}
	if err := provision.Ensure(ctx, env.JS, small); err != nil {
		t.Fatal(err)
	}
	s, _ = env.JS.Stream(ctx, small.Layout.ResultsStream())
	body := make([]byte, 10<<10)
	for i := range 20 {
		if _, err := env.JS.Publish(ctx, small.Layout.ResultSubject("m"), append(body[:0:0], byte(i))); err != nil {
			t.Fatal(err)
		}
		if _, err := env.JS.Publish(ctx, small.Layout.ResultSubject("m"), body); err != nil {
			t.Fatal(err)
		}
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Bytes > limit || info.State.LastSeq != 40 || info.State.FirstSeq == 1 {
		t.Errorf("bounded results stream: %d bytes, first %d, last %d", info.State.Bytes, info.State.FirstSeq, info.State.LastSeq)
	}
}

// The executions and results streams allow fast-ingest batches (executors store results that
// way; bulk starts may come that way); streams an older stepjet made without them get them
// allowed by the next Ensure, and nothing else about them changes.
func TestEnsureAllowsBatchPublish(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	for _, name := range []string{"STEPJET_EXECUTIONS", "STEPJET_RESULTS"} {
		s, err := env.JS.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if !s.CachedInfo().Config.AllowBatchPublish {
			t.Errorf("new stream %s does not allow batch publishing", name)
		}
	}
	old := provision.Config{Layout: wire.Layout{Prefix: "old"}, Memory: true}
	for _, sc := range old.Streams() {
		sc.AllowBatchPublish = false
		if _, err := env.JS.CreateStream(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	if err := provision.Ensure(ctx, env.JS, old); err != nil {
		t.Fatal(err)
	}
	for _, want := range old.Streams() {
		s, err := env.JS.Stream(ctx, want.Name)
		if err != nil {
			t.Fatal(err)
		}
		c := s.CachedInfo().Config
		if c.AllowBatchPublish != want.AllowBatchPublish {
			t.Errorf("existing stream %s: AllowBatchPublish %v, want %v", want.Name, c.AllowBatchPublish, want.AllowBatchPublish)
		}
		if c.Retention != want.Retention || want.Duplicates > 0 && c.Duplicates != want.Duplicates {
			t.Errorf("existing stream %s changed: %+v", want.Name, c)
		}
	}
}
