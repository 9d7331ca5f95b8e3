package executor

import (
	"context"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/triggers"
	"github.com/stepjet/stepjet/transport/wire"
)

// triggerSet keeps one queue subscription per binding in the triggers bucket, so every message
// on a bound subject becomes exactly one async start (one executor of the group takes it). The
// starts of every binding go through one triggers.Starter (published in bulk).
type triggerSet struct {
	e       *Executor
	kv      jetstream.KeyValue
	starter *triggers.Starter
	mu      sync.Mutex
	subs    map[string]*triggerSub // by subject
	closed  bool
}

type triggerSub struct {
	machine string
	sub     *nats.Subscription
}

func newTriggerSet(e *Executor, kv jetstream.KeyValue) *triggerSet {
	starter := triggers.NewStarter(e.js, triggers.StarterOptions{Layout: e.cfg.Layout, Logger: e.cfg.Logger,
		Started: func() { e.metrics.triggered.Add(1) }})
	return &triggerSet{e: e, kv: kv, starter: starter, subs: map[string]*triggerSub{}}
}

// watch applies the bucket's current bindings, then follows changes until ctx ends. It returns
// once the current bindings are subscribed.
func (t *triggerSet) watch(ctx context.Context) error {
	if err := t.starter.Start(ctx); err != nil {
		return err
	}
	w, err := t.kv.WatchAll(ctx)
	if err != nil {
		return err
	}
	ready := make(chan struct{})
	go func() {
		defer w.Stop()
		initial := true
		for {
			select {
			case <-ctx.Done():
				if initial {
					close(ready)
				}
				return
			case u, ok := <-w.Updates():
				if !ok {
					if initial {
						close(ready)
					}
					return
				}
				if u == nil { // end of the current values
					if initial {
						initial = false
						close(ready)
					}
					continue
				}
				t.apply(u)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
	}
	return nil
}

func (t *triggerSet) apply(u jetstream.KeyValueEntry) {
	subject, ok := wire.DecodeKey(u.Key())
	if !ok {
		return
	}
	var b triggers.Binding
	if u.Operation() == jetstream.KeyValuePut {
		b, ok = triggers.Decode(u.Value())
		if !ok {
			return
		}
		// The bucket is writable by anyone with NATS access: a binding is subscribed only if
		// it is valid (bounded, outside stepjet's subjects), as triggers.Put would store it.
		if err := triggers.Validate(t.e.cfg.Layout, b.Subject); err != nil {
			t.e.cfg.Logger.Error("trigger binding ignored", "key", truncate(u.Key()), "err", err)
			return
		}
		subject = b.Subject
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	old := t.subs[subject]
	if old != nil && u.Operation() == jetstream.KeyValuePut && old.machine == b.Machine {
		return
	}
	if old != nil {
		_ = old.sub.Unsubscribe()
		delete(t.subs, subject)
	}
	if u.Operation() != jetstream.KeyValuePut {
		// Only a binding this executor held is news: the watch replays the bucket's delete
		// markers at every start, and those were announced when they happened.
		if old != nil {
			t.e.cfg.Logger.Info("trigger removed", "subject", subject)
		}
		return
	}
	machine := b.Machine
	sub, err := t.e.cfg.NC.QueueSubscribe(subject, t.e.cfg.Layout.SyncQueue()+"-triggers", func(m *nats.Msg) { t.fire(machine, m) })
	if err != nil {
		t.e.cfg.Logger.Error("trigger subscription failed", "subject", subject, "machine", machine, "err", err)
		return
	}
	_ = sub.SetPendingLimits(-1, -1)
	t.subs[subject] = &triggerSub{machine: machine, sub: sub}
	t.e.cfg.Logger.Info("trigger bound", "subject", subject, "machine", machine)
}

// fire turns a message on a bound subject into an async start (triggers.Starter.Fire).
func (t *triggerSet) fire(machine string, m *nats.Msg) { t.starter.Fire(machine, m) }

// close unsubscribes every trigger, then waits (bounded) for the starts already published to be
// stored and their events answered.
func (t *triggerSet) close() {
	t.mu.Lock()
	t.closed = true
	for s, ts := range t.subs {
		_ = ts.sub.Unsubscribe()
		delete(t.subs, s)
	}
	t.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := t.starter.Shutdown(ctx); err != nil {
		t.e.cfg.Logger.Warn("triggers: starts still unacknowledged at shutdown", "err", err)
	}
}
