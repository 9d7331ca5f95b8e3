package registry

import (
	"context"
	"sort"

	"github.com/stepjet/stepjet/transport/wire"
)

// CreateAlias stores a new alias of machine; ErrExists when the alias exists.
func (r *Registry) CreateAlias(ctx context.Context, machine string, a wire.Alias) error {
	return r.create(ctx, wire.AliasKey(machine, a.Name), a)
}

// Alias returns an alias and the KV revision to pass to PutAlias.
func (r *Registry) Alias(ctx context.Context, machine, alias string) (wire.Alias, uint64, error) {
	var a wire.Alias
	rev, err := r.get(ctx, wire.AliasKey(machine, alias), &a)
	return a, rev, err
}

// PutAlias replaces an alias read at rev; ErrConflict when it changed since.
func (r *Registry) PutAlias(ctx context.Context, machine string, a wire.Alias, rev uint64) error {
	return r.update(ctx, wire.AliasKey(machine, a.Name), a, rev)
}

// DeleteAlias removes an alias; deleting one that does not exist is not an error.
func (r *Registry) DeleteAlias(ctx context.Context, machine, alias string) error {
	return r.kv.Purge(ctx, wire.AliasKey(machine, alias))
}

// Aliases returns a machine's aliases, oldest first.
func (r *Registry) Aliases(ctx context.Context, machine string) ([]wire.Alias, error) {
	var out []wire.Alias
	var bad error
	err := r.each(ctx, "alias."+wire.EncodeKey(machine)+".*", false, func(_ string, v []byte) {
		var a wire.Alias
		if err := unmarshal(v, &a); err != nil {
			bad = err
			return
		}
		out = append(out, a)
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
