// Package triggers binds user subjects to state machines: every message published on a bound
// subject (e.g. orders.placed) starts an async execution of its machine. Bindings live in the
// KV bucket wire.Layout.TriggersBucket, keyed by wire.EncodeKey(subject); executors watch it.
package triggers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
)

// Binding is one trigger as stored in the bucket.
type Binding struct {
	Subject   string    `json:"subject"`
	Machine   string    `json:"machine"`
	CreatedAt time.Time `json:"createdAt"`
}

// ErrInvalidSubject is returned for subjects that cannot be bound.
var ErrInvalidSubject = errors.New("invalid trigger subject")

// MaxSubjectLen bounds a bound subject, far below the server's control-line limit.
const MaxSubjectLen = 1024

// Validate checks that subject is a valid NATS subject (wildcards allowed) outside stepjet's own
// prefix, where a binding would loop or steal the executors' traffic.
func Validate(l wire.Layout, subject string) error {
	if len(subject) > MaxSubjectLen {
		return fmt.Errorf("%w: the subject is longer than %d characters", ErrInvalidSubject, MaxSubjectLen)
	}
	if subject == "" || strings.ContainsAny(subject, " \t\r\n") || strings.HasPrefix(subject, ".") ||
		strings.HasSuffix(subject, ".") || strings.Contains(subject, "..") {
		return fmt.Errorf("%w: %q is not a NATS subject", ErrInvalidSubject, subject)
	}
	toks := strings.Split(subject, ".")
	for i, t := range toks {
		if t == ">" && i != len(toks)-1 {
			return fmt.Errorf("%w: '>' must be the last token of %q", ErrInvalidSubject, subject)
		}
		if (strings.Contains(t, "*") && t != "*") || (strings.Contains(t, ">") && t != ">") {
			return fmt.Errorf("%w: wildcards must be whole tokens in %q", ErrInvalidSubject, subject)
		}
	}
	p := l.Prefix
	if p == "" {
		p = wire.DefaultPrefix
	}
	if toks[0] == p || toks[0] == "*" || toks[0] == ">" || strings.HasPrefix(subject, "$") || strings.HasPrefix(subject, "_INBOX") {
		return fmt.Errorf("%w: %q overlaps stepjet's or the system's own subjects", ErrInvalidSubject, subject)
	}
	return nil
}

// Put binds subject to machine (replacing an existing binding of that subject).
func Put(ctx context.Context, kv jetstream.KeyValue, l wire.Layout, subject, machine string) (Binding, error) {
	if err := Validate(l, subject); err != nil {
		return Binding{}, err
	}
	if err := wire.CheckName("state machine name", machine); err != nil {
		return Binding{}, fmt.Errorf("a trigger needs a valid state machine name: %w", err)
	}
	b := Binding{Subject: subject, Machine: machine, CreatedAt: time.Now().UTC()}
	data, _ := json.Marshal(b)
	if _, err := kv.Put(ctx, wire.EncodeKey(subject), data); err != nil {
		return Binding{}, err
	}
	return b, nil
}

// Delete removes the binding of subject; jetstream.ErrKeyNotFound if there is none.
func Delete(ctx context.Context, kv jetstream.KeyValue, subject string) error {
	key := wire.EncodeKey(subject)
	if _, err := kv.Get(ctx, key); err != nil {
		return err
	}
	return kv.Delete(ctx, key)
}

// List returns all bindings, sorted by subject.
func List(ctx context.Context, kv jetstream.KeyValue) ([]Binding, error) {
	lister, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	var out []Binding
	for key := range lister.Keys() {
		e, err := kv.Get(ctx, key)
		if err != nil {
			continue // deleted meanwhile
		}
		if b, ok := Decode(e.Value()); ok {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Subject < out[j].Subject })
	return out, nil
}

// Decode parses a bucket value.
func Decode(v []byte) (Binding, bool) {
	var b Binding
	if err := json.Unmarshal(v, &b); err != nil || b.Subject == "" || b.Machine == "" {
		return Binding{}, false
	}
	return b, true
}
