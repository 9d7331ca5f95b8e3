package registry

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/tidwall/gjson"
)

// CreateMachine stores a new machine; ErrExists when one by that name exists.
func (r *Registry) CreateMachine(ctx context.Context, m wire.Machine) error {
	return r.create(ctx, wire.MachineKey(m.Name), m)
}

// Machine returns the latest revision of a machine and the KV revision to pass to PutMachine.
func (r *Registry) Machine(ctx context.Context, name string) (wire.Machine, uint64, error) {
	var m wire.Machine
	rev, err := r.get(ctx, wire.MachineKey(name), &m)
	return m, rev, err
}

// PutMachine replaces a machine read at rev; ErrConflict when it changed since.
func (r *Registry) PutMachine(ctx context.Context, m wire.Machine, rev uint64) error {
	return r.update(ctx, wire.MachineKey(m.Name), m, rev)
}

// DeleteMachine removes a machine with its versions and aliases. Deleting a machine that does
// not exist is not an error (AWS's DeleteStateMachine is idempotent). Keys are purged, which
// also tells watching executors to drop what they cached.
func (r *Registry) DeleteMachine(ctx context.Context, name string) error {
	var keys []string
	for _, filter := range []string{"alias." + wire.EncodeKey(name) + ".*", "version." + wire.EncodeKey(name) + ".*"} {
		if err := r.each(ctx, filter, true, func(k string, _ []byte) { keys = append(keys, k) }); err != nil {
			return err
		}
	}
	// The machine first: from then on starts are refused, and nothing new can be published.
	if err := r.kv.Purge(ctx, wire.MachineKey(name)); err != nil && err != jetstream.ErrKeyNotFound {
		return err
	}
	for _, k := range keys {
		if err := r.kv.Purge(ctx, k); err != nil && err != jetstream.ErrKeyNotFound {
			return err
		}
	}
	return nil
}

// Machines returns every machine, oldest first (ties by name), which is the order
// ListStateMachines pages through.
func (r *Registry) Machines(ctx context.Context) ([]wire.Machine, error) {
	var out []wire.Machine
	var bad error
	err := r.each(ctx, "machine.*", false, func(_ string, v []byte) {
		var m wire.Machine
		if err := unmarshal(v, &m); err != nil {
			bad = err
			return
		}
		out = append(out, m)
	})
	if err == nil {
		err = bad
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreationDate.Equal(out[j].CreationDate) {
			return out[i].CreationDate.Before(out[j].CreationDate)
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}

// Type returns the type (EXPRESS or STANDARD) of a machine, or of one of its versions when
// version > 0; ErrNotFound when there is none. Starting an execution needs only this: reading
// the type alone skips decoding the whole record (its definition is most of it).
func (r *Registry) Type(ctx context.Context, name string, version int) (string, error) {
	typ, _, err := r.Pin(ctx, name, version)
	return typ, err
}

// Pin returns what a start is accepted on: the type of a machine (or of one of its versions
// when version > 0) and the KV revision of that record, which the start carries
// (wire.Start.Revision) so that a redelivered execution runs the definition it was accepted
// on, not a later update. The machines bucket keeps a few revisions per key (its history).
func (r *Registry) Pin(ctx context.Context, name string, version int) (string, uint64, error) {
	key := wire.MachineKey(name)
	if version > 0 {
		key = wire.VersionKey(name, version)
	}
	e, err := r.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", 0, ErrNotFound
	}
	if err != nil {
		return "", 0, err
	}
	t := gjson.GetBytes(e.Value(), "type")
	if t.Type != gjson.String {
		return "", 0, fmt.Errorf("registry: %s: no type in the stored record", key)
	}
	return t.Str, e.Revision(), nil
}
