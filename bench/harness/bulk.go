package harness

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/fastpub"
)

// How the load generator publishes the async phases' starts (EnvConfig.Starts).
const (
	// StartsBatch streams them through one fastpub publisher (ADR-50 fast-ingest batches, one
	// acknowledgement every few hundred messages), as a trigger or a bulk client does.
	StartsBatch = "batch"
	// StartsAsync publishes each with PublishMsgAsync and its own publish-ack, as the API does.
	StartsAsync = "async"
)

// newBulkPublisher starts a fastpub publisher on js for one stream's messages (a fast-ingest
// batch goes to one stream). It stops taking messages when ctx ends; its owner shuts it down
// with shutdownPublisher.
func (e *Env) newBulkPublisher(ctx context.Context, js jetstream.JetStream) (*fastpub.Publisher, error) {
	p := fastpub.New(js, fastpub.Options{Logger: slog.New(slog.NewTextHandler(e.cfg.Log, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err := p.Start(ctx); err != nil {
		return nil, fmt.Errorf("fast-ingest publisher: %w", err)
	}
	return p, nil
}

// shutdownPublisher waits (bounded) for p's outstanding messages to be acknowledged.
func shutdownPublisher(p *fastpub.Publisher) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = p.Shutdown(ctx)
}

// publishStart publishes one start of an async phase as EnvConfig.Starts says; a start the
// stream refuses or never acknowledges is counted in pubErrs either way.
func (e *Env) publishStart(ctx context.Context, msg *nats.Msg) error {
	if e.bulk == nil {
		return publishAsync(ctx, e.js, msg)
	}
	e.bulk.Publish(msg, func(err error) {
		if err != nil {
			e.pubErrs.Add(1)
		}
	})
	return nil
}
