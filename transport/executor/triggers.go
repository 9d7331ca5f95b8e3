package executor

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"github.com/stepjet/stepjet/transport/triggers"
	"github.com/stepjet/stepjet/transport/wire"
)

// triggerSet keeps one queue subscription per binding in the triggers bucket, so every message
// on a bound subject becomes exactly one async start (one executor of the group takes it).
type triggerSet struct {
	e      *Executor
	kv     jetstream.KeyValue
	mu     sync.Mutex
	subs   map[string]*triggerSub // by subject
	closed bool
}

type triggerSub struct {
	machine string
	sub     *nats.Subscription
}

func newTriggerSet(e *Executor, kv jetstream.KeyValue) *triggerSet {
	return &triggerSet{e: e, kv: kv, subs: map[string]*triggerSub{}}
}

// watch applies the bucket's current bindings, then follows changes until ctx ends. It returns
// once the current bindings are subscribed.
func (t *triggerSet) watch(ctx context.Context) error {
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

// fire turns a message on a bound subject into an async start. The message's Nats-Msg-Id (if
// any) becomes the execution name, so a re-sent event starts one execution. A request gets the
// StartExecution-shaped answer.
func (t *triggerSet) fire(machine string, m *nats.Msg) {
	opts := client.StartOptions{}
	if m.Header != nil {
		opts.Name = m.Header.Get(wire.HeaderMsgID)
		opts.TraceHeader = tracectx.Header(m.Header).Get(wire.HeaderTraceParent) // any case
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	input := m.Data
	if !json.Valid(input) {
		// An event that is not JSON still starts the workflow, as a JSON string.
		input, _ = json.Marshal(string(m.Data))
	}
	s, err := client.StartAsync(ctx, t.e.js, t.e.cfg.Layout, machine, input, opts)
	if err != nil {
		t.e.cfg.Logger.Error("trigger start failed", "subject", m.Subject, "machine", machine, "err", err)
		if m.Reply != "" {
			b, _ := json.Marshal(map[string]string{"__type": "ServiceUnavailable", "message": err.Error()})
			_ = m.Respond(b)
		}
		return
	}
	t.e.metrics.triggered.Add(1)
	if m.Reply != "" {
		b, _ := json.Marshal(struct {
			ExecutionArn string  `json:"executionArn"`
			StartDate    float64 `json:"startDate"`
		}{s.ExecutionArn, epoch(s.StartDate)})
		_ = m.Respond(b)
	}
}

// close unsubscribes every trigger.
func (t *triggerSet) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	for s, ts := range t.subs {
		_ = ts.sub.Unsubscribe()
		delete(t.subs, s)
	}
}
