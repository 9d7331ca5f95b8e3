package executor

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/wire"
)

// compiled is one KV revision of a machine or version, compiled once and shared by every
// execution that starts while it is current. A running execution holds its own pointer, so an
// update never changes a definition under it.
type compiled struct {
	rev     uint64
	rec     wire.Machine
	machine *engine.Machine
	err     error // the definition did not compile
	deleted bool  // a tombstone: the key was deleted at rev
	logging logConfig
}

// machineCache resolves machine references to compiled machines, keeping them current with a
// watch on the machines bucket.
type machineCache struct {
	kv     jetstream.KeyValue
	layout wire.Layout
	mu     sync.RWMutex
	byKey  map[string]*compiled
	alias  map[string]aliasEntry
}

type aliasEntry struct {
	rev   uint64
	alias wire.Alias
}

func newMachineCache(kv jetstream.KeyValue, l wire.Layout) *machineCache {
	return &machineCache{kv: kv, layout: l, byKey: map[string]*compiled{}, alias: map[string]aliasEntry{}}
}

// errNoMachine is returned for a reference to a machine that does not exist.
type errNoMachine struct{ arn string }

func (e errNoMachine) Error() string { return "State Machine Does Not Exist: '" + e.arn + "'" }

// resolve finds the compiled machine a start refers to: header is a state machine, version or
// alias ARN (or a bare name); otherwise subjectName (the start subject's last token, decoded).
func (c *machineCache) resolve(ctx context.Context, header, subjectName string) (*compiled, error) {
	name, qual := subjectName, ""
	ref := header
	if ref == "" {
		ref = c.layout.StateMachineArn(subjectName)
	} else if i := strings.Index(ref, ":stateMachine:"); i >= 0 {
		parts := strings.SplitN(ref[i+len(":stateMachine:"):], ":", 2)
		name = parts[0]
		if len(parts) == 2 {
			qual = parts[1]
		}
	} else {
		name = ref
		ref = c.layout.StateMachineArn(name)
	}
	if name == "" {
		return nil, errNoMachine{ref}
	}
	key := wire.MachineKey(name)
	if qual != "" {
		if n, err := strconv.Atoi(qual); err == nil && n > 0 {
			key = wire.VersionKey(name, n)
		} else {
			v, err := c.pickAlias(ctx, name, qual)
			if err != nil {
				return nil, err
			}
			key = v
		}
	}
	return c.get(ctx, key, ref)
}

// get returns the compiled entry for a KV key, loading it on a miss.
func (c *machineCache) get(ctx context.Context, key, ref string) (*compiled, error) {
	c.mu.RLock()
	e := c.byKey[key]
	c.mu.RUnlock()
	if e == nil {
		kve, err := c.kv.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return nil, errNoMachine{ref}
		}
		if err != nil {
			return nil, err
		}
		e = c.store(key, kve.Revision(), kve.Value())
	}
	if e.deleted {
		return nil, errNoMachine{ref}
	}
	return e, nil
}

// store compiles value and keeps it unless a newer revision is already cached.
func (c *machineCache) store(key string, rev uint64, value []byte) *compiled {
	e := compile(rev, value)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.byKey[key]; old != nil && old.rev >= rev {
		return old
	}
	c.byKey[key] = e
	return e
}

func compile(rev uint64, value []byte) *compiled {
	e := &compiled{rev: rev}
	if err := json.Unmarshal(value, &e.rec); err != nil {
		e.err = err
		return e
	}
	typ := e.rec.Type
	if typ == "" {
		typ = "EXPRESS"
	}
	e.machine, e.err = engine.Compile([]byte(e.rec.Definition), engine.CompileOptions{Type: typ})
	e.logging = parseLogging(e.rec.LoggingConfiguration)
	return e
}

// pickAlias chooses a version key for an alias by its routing weights.
func (c *machineCache) pickAlias(ctx context.Context, name, alias string) (string, error) {
	key := wire.AliasKey(name, alias)
	c.mu.RLock()
	a, ok := c.alias[key]
	c.mu.RUnlock()
	if !ok {
		kve, err := c.kv.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return "", errNoMachine{c.layout.StateMachineArn(name) + ":" + alias}
		}
		if err != nil {
			return "", err
		}
		if err := json.Unmarshal(kve.Value(), &a.alias); err != nil {
			return "", err
		}
		a.rev = kve.Revision()
		c.mu.Lock()
		if old, ok := c.alias[key]; !ok || old.rev < a.rev {
			c.alias[key] = a
		}
		c.mu.Unlock()
	}
	total := 0
	for _, r := range a.alias.Routing {
		total += r.Weight
	}
	if total <= 0 || len(a.alias.Routing) == 0 {
		return "", errNoMachine{c.layout.StateMachineArn(name) + ":" + alias}
	}
	n := rand.IntN(total)
	for _, r := range a.alias.Routing {
		if n < r.Weight {
			return versionKeyFromArn(name, r.StateMachineVersionArn), nil
		}
		n -= r.Weight
	}
	return versionKeyFromArn(name, a.alias.Routing[0].StateMachineVersionArn), nil
}

func versionKeyFromArn(name, arn string) string {
	i := strings.LastIndexByte(arn, ':')
	n, _ := strconv.Atoi(arn[i+1:])
	return wire.VersionKey(name, n)
}

// watch keeps the cache current until ctx ends: changed entries are recompiled, deleted ones
// dropped; entries not seen since start load on first use.
func (c *machineCache) watch(ctx context.Context) error {
	w, err := c.kv.WatchAll(ctx, jetstream.UpdatesOnly())
	if err != nil {
		return err
	}
	go func() {
		defer w.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case u, ok := <-w.Updates():
				if !ok {
					return
				}
				if u == nil {
					continue
				}
				c.apply(u)
			}
		}
	}()
	return nil
}

func (c *machineCache) apply(u jetstream.KeyValueEntry) {
	key := u.Key()
	if u.Operation() != jetstream.KeyValuePut {
		c.mu.Lock()
		// A tombstone, so that a load racing with this delete cannot resurrect the old value.
		c.byKey[key] = &compiled{rev: u.Revision(), deleted: true}
		delete(c.alias, key)
		c.mu.Unlock()
		return
	}
	if strings.HasPrefix(key, "alias.") {
		var a wire.Alias
		if json.Unmarshal(u.Value(), &a) == nil {
			c.mu.Lock()
			c.alias[key] = aliasEntry{rev: u.Revision(), alias: a}
			c.mu.Unlock()
		}
		return
	}
	// Compile every change, cached or not: a load racing with this update could otherwise keep
	// the older revision. Updates are rare; executions are not.
	c.store(key, u.Revision(), u.Value())
}
