// Package registry stores state machines, their published versions and their aliases in the
// JetStream KV bucket named by wire.Layout.MachinesBucket, under the keys of package wire. It is
// the one place that writes these records: the AWS API (package awsapi) and the client commands
// go through it; executors only read and watch the bucket.
//
//	reg, err := registry.Open(ctx, js, wire.Layout{})
//	err = reg.CreateMachine(ctx, wire.Machine{Name: "hello", Definition: def, Type: "EXPRESS"})
//
// Writes use the KV's compare-and-set (Create, Update with a revision), so concurrent API
// servers cannot lose each other's changes; a lost race surfaces as ErrConflict or ErrExists.
package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/wire"
)

// Sentinel errors, tested with errors.Is.
var (
	// ErrNotFound: no machine, version or alias by that name.
	ErrNotFound = errors.New("registry: not found")
	// ErrExists: a machine or alias by that name already exists.
	ErrExists = errors.New("registry: already exists")
	// ErrConflict: the record changed between read and write.
	ErrConflict = errors.New("registry: changed concurrently")
)

// Registry reads and writes machine, version and alias records.
type Registry struct {
	kv     jetstream.KeyValue
	layout wire.Layout
}

// New wraps an open machines bucket.
func New(kv jetstream.KeyValue, l wire.Layout) *Registry { return &Registry{kv: kv, layout: l} }

// Open opens the layout's machines bucket, creating it (as package provision would) when it
// does not exist yet.
func Open(ctx context.Context, js jetstream.JetStream, l wire.Layout) (*Registry, error) {
	cfg := provision.Config{Layout: l}
	for _, kc := range cfg.Buckets() {
		if kc.Bucket != l.MachinesBucket() {
			continue
		}
		kv, err := provision.EnsureBucket(ctx, js, kc)
		if err != nil {
			return nil, err
		}
		return New(kv, l), nil
	}
	return nil, fmt.Errorf("registry: no bucket configuration for %s", l.MachinesBucket())
}

// Layout is the layout the registry derives ARNs from.
func (r *Registry) Layout() wire.Layout { return r.layout }

// VersionArn is a published version's ARN: the machine ARN with ":<n>".
func (r *Registry) VersionArn(name string, n int) string {
	return r.layout.StateMachineArn(name) + ":" + strconv.Itoa(n)
}

// AliasArn is an alias's ARN: the machine ARN with ":<alias>".
func (r *Registry) AliasArn(name, alias string) string {
	return r.layout.StateMachineArn(name) + ":" + alias
}

func (r *Registry) get(ctx context.Context, key string, v any) (uint64, error) {
	e, err := r.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	if err := json.Unmarshal(e.Value(), v); err != nil {
		return 0, fmt.Errorf("registry: %s: %w", key, err)
	}
	return e.Revision(), nil
}

// create stores v under key when the key holds nothing (or was deleted).
func (r *Registry) create(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = r.kv.Create(ctx, key, b)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return ErrExists
	}
	return err
}

// update replaces key's value if it is still at rev.
func (r *Registry) update(ctx context.Context, key string, v any, rev uint64) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = r.kv.Update(ctx, key, b, rev)
	if isWrongRevision(err) {
		return ErrConflict
	}
	return err
}

func isWrongRevision(err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
		return true
	}
	return errors.Is(err, jetstream.ErrKeyExists)
}

// each calls fn with every live entry whose key matches the subject filter (e.g. "machine.>").
// withDeletes also reports keys whose last operation is a delete (fn gets a nil value), to learn
// every key used since the last purge. Purged keys are never reported: a purge (DeleteMachine)
// forgets a key, while a delete (DeleteVersion) keeps its marker so the number stays taken.
func (r *Registry) each(ctx context.Context, filter string, withDeletes bool, fn func(key string, value []byte)) error {
	opts := []jetstream.WatchOpt{}
	if !withDeletes {
		opts = append(opts, jetstream.IgnoreDeletes())
	}
	w, err := r.kv.WatchFiltered(ctx, []string{filter}, opts...)
	if err != nil {
		return err
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e, ok := <-w.Updates():
			if !ok || e == nil {
				return nil // nil marks the end of the initial values
			}
			if e.Operation() != jetstream.KeyValuePut {
				if withDeletes && e.Operation() == jetstream.KeyValueDelete {
					fn(e.Key(), nil)
				}
				continue
			}
			fn(e.Key(), e.Value())
		}
	}
}

// keyNumber returns the last dot-separated segment of key as a number.
func keyNumber(key string) (int, bool) {
	n, err := strconv.Atoi(key[strings.LastIndexByte(key, '.')+1:])
	return n, err == nil
}
