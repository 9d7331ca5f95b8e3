package registry

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
)

func unmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// PublishVersion publishes the machine's current revision as the next version (numbers are
// never reused while the machine exists, as in AWS). When the newest version already holds the
// current revision, that version is returned instead of a new one, as AWS does. description
// becomes the version's description.
func (r *Registry) PublishVersion(ctx context.Context, name, description string, now time.Time) (wire.Machine, error) {
	m, _, err := r.Machine(ctx, name)
	if err != nil {
		return wire.Machine{}, err
	}
	for attempt := 0; attempt < 5; attempt++ {
		latest, highest, err := r.newestVersion(ctx, name)
		if err != nil {
			return wire.Machine{}, err
		}
		if latest != nil && latest.RevisionID == m.RevisionID {
			return *latest, nil
		}
		v := m
		v.Version = highest + 1
		v.Arn = r.VersionArn(name, v.Version)
		v.Description = description
		v.CreationDate = now
		switch err := r.create(ctx, wire.VersionKey(name, v.Version), v); err {
		case nil:
			return v, nil
		case ErrExists: // another publisher took the number; draw again
		default:
			return wire.Machine{}, err
		}
	}
	return wire.Machine{}, ErrConflict
}

// newestVersion returns the newest live version (nil if none) and the highest version number
// ever used, deleted ones included.
func (r *Registry) newestVersion(ctx context.Context, name string) (*wire.Machine, int, error) {
	highest, newest := 0, 0
	var newestVal []byte
	err := r.each(ctx, "version."+wire.EncodeKey(name)+".*", true, func(k string, v []byte) {
		n, ok := keyNumber(k)
		if !ok {
			return
		}
		highest = max(highest, n)
		if v != nil && n > newest {
			newest, newestVal = n, v
		}
	})
	if err != nil || newestVal == nil {
		return nil, highest, err
	}
	var m wire.Machine
	if err := unmarshal(newestVal, &m); err != nil {
		return nil, highest, err
	}
	return &m, highest, nil
}

// Version returns one published version.
func (r *Registry) Version(ctx context.Context, name string, n int) (wire.Machine, error) {
	var m wire.Machine
	_, err := r.get(ctx, wire.VersionKey(name, n), &m)
	return m, err
}

// Versions returns a machine's published versions, newest first (ListStateMachineVersions'
// order).
func (r *Registry) Versions(ctx context.Context, name string) ([]wire.Machine, error) {
	var out []wire.Machine
	var bad error
	err := r.each(ctx, "version."+wire.EncodeKey(name)+".*", false, func(_ string, v []byte) {
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
	sort.Slice(out, func(i, j int) bool { return out[i].Version > out[j].Version })
	return out, err
}

// DeleteVersion deletes a published version (a delete marker, so its number is not reused).
// Deleting one that does not exist is not an error, and leaves no marker: a number that was
// never published stays free.
func (r *Registry) DeleteVersion(ctx context.Context, name string, n int) error {
	key := wire.VersionKey(name, n)
	for attempt := 0; attempt < 5; attempt++ {
		e, err := r.kv.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			return nil
		}
		if err != nil {
			return err
		}
		// Only the revision read: a version published concurrently under this number is
		// another publish's to keep or delete.
		err = r.kv.Delete(ctx, key, jetstream.LastRevision(e.Revision()))
		if !isWrongRevision(err) {
			return err
		}
	}
	return ErrConflict
}
