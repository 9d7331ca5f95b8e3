package executor

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/limits"
	"github.com/stepjet/stepjet/transport/wire"
)

// compiled is one KV revision of a machine or version, compiled once and shared by every
// execution that runs it. A running execution holds its own pointer, so an update never changes
// a definition under it.
type compiled struct {
	rev     uint64
	created time.Time // when the revision was stored (the KV's stream timestamp)
	// replaced is when the next revision of the key was stored, when known (guarded by the
	// cache's lock): a kept older revision was current exactly from created to replaced.
	replaced time.Time
	rec      wire.Machine
	machine  *engine.Machine
	err      error // the definition did not compile
	deleted  bool  // a tombstone: the key was deleted at rev
	logging  logConfig
	// limits are the machine's limit tags, read once per revision (limited.go); limitsErr an
	// invalid one (the API refuses them; a record written to the bucket directly may hold
	// one), logged once.
	limits    limits.Limits
	limitsErr error
	warned    atomic.Bool
}

// keepRevisions bounds the older revisions kept per key: starts accepted before an update run
// the revision current then (the machines bucket keeps 5 per key).
const keepRevisions = 8

// machineCache resolves starts to compiled machines, keeping them current with a watch on the
// machines bucket, and keeps the revisions a queued start may still need.
type machineCache struct {
	kv     jetstream.KeyValue
	layout wire.Layout
	mu     sync.RWMutex
	byKey  map[string]*compiled   // the current revision of each key
	older  map[string][]*compiled // earlier revisions, oldest first (at most keepRevisions)
	alias  map[string]aliasEntry
}

type aliasEntry struct {
	rev   uint64
	alias wire.Alias
}

func newMachineCache(kv jetstream.KeyValue, l wire.Layout) *machineCache {
	return &machineCache{kv: kv, layout: l, byKey: map[string]*compiled{}, older: map[string][]*compiled{}, alias: map[string]aliasEntry{}}
}

// errNoMachine is returned for a reference to a machine that does not exist.
type errNoMachine struct{ arn string }

func (e errNoMachine) Error() string { return "State Machine Does Not Exist: '" + e.arn + "'" }

// errRevisionGone: the definition a start is pinned to is no longer stored.
type errRevisionGone struct {
	arn string
	rev uint64
	at  time.Time
}

func (e errRevisionGone) Error() string {
	what := "the revision of '" + e.arn + "' current when this execution was accepted (" + e.at.UTC().Format(time.RFC3339Nano) + ")"
	if e.rev > 0 {
		what = "revision " + strconv.FormatUint(e.rev, 10) + " of '" + e.arn + "', which this execution was accepted on,"
	}
	return "The definition of " + what + " is no longer stored (the machines bucket keeps a few revisions per machine); stepjet does not run another revision in its place."
}

// resolve finds the compiled machine a decoded start runs: its pinned version (or, for a raw
// alias start, the version the alias routes the execution ARN to) and its pinned revision (or
// else the revision current when the stream accepted the start). The start's names are
// bounded (wire.DecodeStart), so every KV request here is small.
func (c *machineCache) resolve(ctx context.Context, st wire.Start) (*compiled, error) {
	ref := st.MachineArn
	if ref == "" {
		ref = c.layout.StateMachineArn(st.Machine)
	}
	key := wire.MachineKey(st.Machine)
	switch q := st.Qualifier(); {
	case st.Version > 0:
		key = wire.VersionKey(st.Machine, st.Version)
	case q != "":
		if n, err := strconv.Atoi(q); err == nil {
			key = wire.VersionKey(st.Machine, n)
		} else {
			// A raw alias start: the route is drawn from its ARN, so every redelivery agrees.
			h := fnv.New64a()
			h.Write([]byte(st.Arn))
			n, err := c.pickAlias(ctx, st.Machine, q, h.Sum64())
			if err != nil {
				return nil, err
			}
			key = wire.VersionKey(st.Machine, n)
		}
	}
	cur, err := c.get(ctx, key, ref)
	if err != nil {
		return nil, err
	}
	if st.Revision > 0 {
		return c.revision(ctx, key, cur, st.Revision, ref)
	}
	if st.Accepted.IsZero() || !cur.created.After(st.Accepted) {
		return cur, nil
	}
	return c.currentAt(ctx, key, cur, st.Accepted, ref)
}

// revision returns the given revision of key (cur is its current one).
func (c *machineCache) revision(ctx context.Context, key string, cur *compiled, rev uint64, ref string) (*compiled, error) {
	if cur.rev == rev {
		return cur, nil
	}
	if e := c.findOlder(key, func(e *compiled) bool { return e.rev == rev }); e != nil {
		return e, nil
	}
	kve, err := c.kv.GetRevision(ctx, key, rev)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return nil, errRevisionGone{arn: ref, rev: rev}
	}
	if err != nil {
		return nil, err
	}
	return c.remember(key, compile(kve.Revision(), kve.Created(), kve.Value())), nil
}

// currentAt returns the revision of key that was current at t, which is older than cur.
func (c *machineCache) currentAt(ctx context.Context, key string, cur *compiled, t time.Time, ref string) (*compiled, error) {
	currentThen := func(e *compiled) bool {
		return !e.created.After(t) && !e.replaced.IsZero() && e.replaced.After(t)
	}
	if e := c.findOlder(key, currentThen); e != nil {
		return c.live(e, ref)
	}
	hist, err := c.kv.History(ctx, key)
	if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, err
	}
	var pick jetstream.KeyValueEntry
	var replaced time.Time
	for i, h := range hist {
		if !h.Created().After(t) {
			pick, replaced = h, time.Time{}
			if i+1 < len(hist) {
				replaced = hist[i+1].Created()
			}
		}
	}
	if pick == nil {
		// Nothing stored before the start. Within the clock skew two streams' leaders may have,
		// the oldest revision is the one it was accepted on; any later, the one it was accepted
		// on has been replaced more often than the bucket keeps.
		if len(hist) > 0 && hist[0].Created().Sub(t) <= wire.MaxStartSkew && hist[0].Operation() == jetstream.KeyValuePut {
			pick = hist[0]
			if len(hist) > 1 {
				replaced = hist[1].Created()
			}
		} else {
			return nil, errRevisionGone{arn: ref, at: t}
		}
	}
	if pick.Revision() == cur.rev {
		return cur, nil
	}
	if pick.Operation() != jetstream.KeyValuePut {
		return nil, errNoMachine{ref}
	}
	e := compile(pick.Revision(), pick.Created(), pick.Value())
	e.replaced = replaced
	return c.live(c.remember(key, e), ref)
}

func (c *machineCache) live(e *compiled, ref string) (*compiled, error) {
	if e.deleted {
		return nil, errNoMachine{ref}
	}
	return e, nil
}

// findOlder returns the newest kept older revision of key that ok accepts.
func (c *machineCache) findOlder(key string, ok func(*compiled) bool) *compiled {
	c.mu.RLock()
	defer c.mu.RUnlock()
	old := c.older[key]
	for i := len(old) - 1; i >= 0; i-- {
		if ok(old[i]) {
			return old[i]
		}
	}
	return nil
}

// remember keeps an older revision of key, in revision order, bounded.
func (c *machineCache) remember(key string, e *compiled) *compiled {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.older[key]
	for _, o := range old {
		if o.rev == e.rev {
			if o.replaced.IsZero() {
				o.replaced = e.replaced
			}
			return o
		}
	}
	i := sort.Search(len(old), func(i int) bool { return old[i].rev > e.rev })
	old = append(old[:i], append([]*compiled{e}, old[i:]...)...)
	if len(old) > keepRevisions {
		old = old[len(old)-keepRevisions:]
	}
	c.older[key] = old
	return e
}

// get returns the current compiled entry for a KV key, loading it on a miss.
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
		e = c.store(key, kve.Revision(), kve.Created(), kve.Value())
	}
	if e.deleted {
		return nil, errNoMachine{ref}
	}
	return e, nil
}

// store compiles value and keeps it unless a newer revision is already cached.
// The revision it replaces is kept among the older ones, for starts accepted before the update.
func (c *machineCache) store(key string, rev uint64, created time.Time, value []byte) *compiled {
	return c.setCurrent(key, compile(rev, created, value))
}

func (c *machineCache) setCurrent(key string, e *compiled) *compiled {
	c.mu.Lock()
	old := c.byKey[key]
	if old != nil && old.rev >= e.rev {
		c.mu.Unlock()
		return old
	}
	c.byKey[key] = e
	if old != nil {
		old.replaced = e.created
	}
	c.mu.Unlock()
	if old != nil && !old.deleted {
		c.remember(key, old)
	}
	return e
}

func compile(rev uint64, created time.Time, value []byte) *compiled {
	e := &compiled{rev: rev, created: created}
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
	e.limits, e.limitsErr = limits.Parse(e.rec.Tags)
	return e
}

// pickAlias chooses the version an alias routes draw x to.
func (c *machineCache) pickAlias(ctx context.Context, name, alias string, x uint64) (int, error) {
	key := wire.AliasKey(name, alias)
	arn := c.layout.StateMachineArn(name) + ":" + alias
	c.mu.RLock()
	a, ok := c.alias[key]
	c.mu.RUnlock()
	if !ok {
		kve, err := c.kv.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return 0, errNoMachine{arn}
		}
		if err != nil {
			return 0, err
		}
		if err := json.Unmarshal(kve.Value(), &a.alias); err != nil {
			return 0, err
		}
		a.rev = kve.Revision()
		c.mu.Lock()
		if old, ok := c.alias[key]; !ok || old.rev < a.rev {
			c.alias[key] = a
		}
		c.mu.Unlock()
	}
	v, ok := a.alias.Route(x)
	if !ok {
		return 0, errNoMachine{arn}
	}
	n, err := strconv.Atoi(v[strings.LastIndexByte(v, ':')+1:])
	if err != nil || n <= 0 {
		return 0, errNoMachine{arn}
	}
	return n, nil
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
		c.byKey[key] = &compiled{rev: u.Revision(), created: u.Created(), deleted: true}
		delete(c.alias, key)
		if u.Operation() == jetstream.KeyValuePurge {
			delete(c.older, key) // purged: its history is gone from the bucket too
		}
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
	c.store(key, u.Revision(), u.Created(), u.Value())
}
