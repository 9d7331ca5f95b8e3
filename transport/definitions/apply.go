package definitions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/stepjet/stepjet/internal/ids"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
)

// Action says what Apply did to one machine.
type Action string

const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
)

// Outcome is Apply's report for one machine.
type Outcome struct {
	Name   string
	Arn    string
	Action Action
}

// Apply creates or updates each machine so the registry holds exactly its definition and
// settings; a machine already so is not written (no new revision). Several executors applying the
// same directory at once is safe: the registry's compare-and-set makes one of them write and the
// others find the machine unchanged. An update gives the machine a new revisionId, as
// UpdateStateMachine does.
func Apply(ctx context.Context, reg *registry.Registry, ms []Machine, now time.Time) ([]Outcome, error) {
	out := make([]Outcome, 0, len(ms))
	for _, m := range ms {
		o, err := apply(ctx, reg, m, now)
		if err != nil {
			return out, fmt.Errorf("definitions: %s: %w", m.File, err)
		}
		out = append(out, o)
	}
	return out, nil
}

func apply(ctx context.Context, reg *registry.Registry, m Machine, now time.Time) (Outcome, error) {
	want := record(reg.Layout(), m, now)
	o := Outcome{Name: m.Name, Arn: want.Arn}
	for attempt := 0; attempt < 10; attempt++ {
		have, rev, err := reg.Machine(ctx, m.Name)
		if errors.Is(err, registry.ErrNotFound) {
			err = reg.CreateMachine(ctx, want)
			if errors.Is(err, registry.ErrExists) {
				continue // another executor created it first: compare with theirs
			}
			o.Action = Created
			return o, err
		}
		if err != nil {
			return o, err
		}
		if have.Type != "EXPRESS" {
			return o, fmt.Errorf("machine %s exists with type %s; stepjet applies EXPRESS machines only (delete it first)", m.Name, have.Type)
		}
		if same(have, want) {
			o.Action = Unchanged
			return o, nil
		}
		upd := have
		upd.Definition, upd.RoleArn = want.Definition, want.RoleArn
		upd.LoggingConfiguration, upd.TracingConfiguration, upd.Tags = want.LoggingConfiguration, want.TracingConfiguration, want.Tags
		upd.RevisionID = ids.New()
		err = reg.PutMachine(ctx, upd, rev)
		if errors.Is(err, registry.ErrConflict) {
			continue
		}
		o.Action = Updated
		return o, err
	}
	return o, fmt.Errorf("machine %s kept changing while being applied", m.Name)
}

// record is the registry record the machine's files describe, shaped as CreateStateMachine
// stores one.
func record(l wire.Layout, m Machine, now time.Time) wire.Machine {
	s := m.Settings
	rec := wire.Machine{
		Name:         m.Name,
		Arn:          l.StateMachineArn(m.Name),
		Definition:   m.Definition,
		RoleArn:      s.RoleArn,
		Type:         "EXPRESS",
		Tags:         s.Tags,
		CreationDate: now,
	}
	if rec.RoleArn == "" {
		rec.RoleArn = "arn:aws:iam::" + l.AccountOrDefault() + ":role/stepjet"
	}
	if lc := s.LoggingConfiguration; lc != nil {
		norm := *lc
		if norm.Level != "OFF" && len(norm.Destinations) == 0 {
			// AWS wants a destination for any level but OFF; record the log group the `stepjet
			// create` command would (log events go to the logs stream either way).
			var d Destination
			d.CloudWatchLogsLogGroup = &struct {
				LogGroupArn string `json:"logGroupArn"`
			}{"arn:aws:logs:" + l.RegionOrDefault() + ":" + l.AccountOrDefault() + ":log-group:/stepjet/" + m.Name + ":*"}
			norm.Destinations = []Destination{d}
		}
		rec.LoggingConfiguration, _ = json.Marshal(norm)
	}
	if s.TracingConfiguration != nil {
		rec.TracingConfiguration, _ = json.Marshal(s.TracingConfiguration)
	}
	return rec
}

// same reports whether the stored machine already is what the files describe.
func same(have, want wire.Machine) bool {
	return have.Definition == want.Definition && have.RoleArn == want.RoleArn &&
		sameJSON(have.LoggingConfiguration, want.LoggingConfiguration, Logging{Level: "OFF"}) &&
		sameJSON(have.TracingConfiguration, want.TracingConfiguration, Tracing{}) &&
		maps.Equal(have.Tags, want.Tags)
}

// sameJSON compares two stored configurations by meaning (an absent one is AWS's default), so
// a record written by the API in another field order or spelling is not rewritten.
func sameJSON[T any](a, b json.RawMessage, def T) bool {
	norm := func(raw json.RawMessage) []byte {
		v := def
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &v); err != nil {
				return raw
			}
		}
		out, _ := json.Marshal(v)
		return out
	}
	return bytes.Equal(norm(a), norm(b))
}
