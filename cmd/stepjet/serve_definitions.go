package main

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/definitions"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
)

// definitionsFlag registers `stepjet serve --definitions DIR`.
func definitionsFlag(fs *flag.FlagSet) *string {
	return fs.String("definitions", "", "apply the state machines in this `dir` at start-up (NAME.asl.json and optional NAME.settings.json; created or updated only when changed)")
}

// applyDefinitions applies dir's state machines (package definitions) before the service takes
// work. Bad files stop start-up at once, so a broken `helm upgrade` never becomes ready and the
// old executors keep serving; a NATS error is retried (a cluster may still be electing leaders)
// until ctx ends.
func applyDefinitions(ctx context.Context, js jetstream.JetStream, layout wire.Layout, dir string, log *slog.Logger) error {
	if dir == "" {
		return nil
	}
	ms, err := definitions.Load(dir)
	if err != nil {
		return err
	}
	for {
		actx, cancel := context.WithTimeout(ctx, 20*time.Second)
		var out []definitions.Outcome
		reg, err := registry.Open(actx, js, layout)
		if err == nil {
			out, err = definitions.Apply(actx, reg, ms, time.Now())
		}
		cancel()
		for _, o := range out {
			log.Info("state machine definition applied", "name", o.Name, "arn", o.Arn, "action", string(o.Action))
		}
		if err == nil {
			return nil
		}
		log.Warn("applying definitions failed; retrying", "dir", dir, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}
