package triggers

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/fastpub"
	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"github.com/stepjet/stepjet/transport/wire"
)

// StarterOptions configure a Starter. The zero value works (default layout, logs discarded).
type StarterOptions struct {
	Layout wire.Layout
	Logger *slog.Logger
	// Started, when set, is called once for each event whose start was stored (or found to be
	// a re-sent event's, de-duplicated): the executor's triggered counter.
	Started func()
	// Publish tunes the fast-ingest publisher (zero: fastpub's defaults).
	Publish fastpub.Options
}

// Starter turns events on bound subjects into async starts. Starts are published in bulk
// through one fast-ingest publisher (package fastpub: ADR-50 batches, one acknowledgement
// every few hundred messages instead of one each), so a burst of events is not one stream
// round trip per event. A start whose batch failed (fastpub cannot say whether it was stored)
// is published again by itself and waited for, which its Nats-Msg-Id makes safe, so an event is
// lost only when that fails too, as before. An event sent as a request is answered, with the
// StartExecution shape, only once its start is stored; a failed start is logged and answered
// ServiceUnavailable. Safe for concurrent use.
type Starter struct {
	js     jetstream.JetStream
	opts   StarterOptions
	pub    *fastpub.Publisher
	mu     sync.RWMutex // held for reading around a publish, for writing to close
	closed bool
}

// NewStarter makes a Starter that publishes on js. Start it before Fire.
func NewStarter(js jetstream.JetStream, o StarterOptions) *Starter {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Publish.Logger == nil {
		o.Publish.Logger = o.Logger
	}
	return &Starter{js: js, opts: o, pub: fastpub.New(js, o.Publish)}
}

// Start starts the publisher.
func (s *Starter) Start(ctx context.Context) error { return s.pub.Start(ctx) }

// Shutdown stops taking events (later ones are answered ServiceUnavailable) and waits, until
// ctx ends, for the starts already published to be acknowledged and their events answered.
func (s *Starter) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	return s.pub.Shutdown(ctx)
}

// errClosed answers events that arrive after Shutdown.
var errClosed = errors.New("this stepjet executor is shutting down; retry (another executor takes it)")

// Fire turns one event on a subject bound to machine into an async start. The event's
// Nats-Msg-Id (if any) becomes the execution name, so a re-sent event starts one execution;
// its traceparent header is passed on. An event that is not JSON starts the workflow with it as
// a JSON string.
func (s *Starter) Fire(machine string, m *nats.Msg) {
	var name, trace string
	if m.Header != nil {
		name = m.Header.Get(wire.HeaderMsgID)
		trace = tracectx.Header(m.Header).Get(wire.HeaderTraceParent) // any case
	}
	input := m.Data
	if !json.Valid(input) {
		input, _ = json.Marshal(string(m.Data))
	}
	if name != "" && m.Reply != "" {
		// The answer names the execution that runs, and for a re-sent event that is the first
		// one's ARN, derived from its stream sequence, which only a publish-ack reports.
		s.fireAndWait(machine, m, input, client.StartOptions{Name: name, TraceHeader: trace})
		return
	}
	st := s.opts.Layout.NewStart(machine, name, input)
	st.TraceParent = trace
	if name != "" {
		// No ARN header: the executor derives it from the name and the stream sequence, so a
		// re-sent event's start (de-duplicated) has the first one's ARN.
		st.Arn = ""
	}
	// A generated name is unique: the ARN NewStart fixed is the execution's, and the answer's.
	msg, err := s.opts.Layout.StartMsg(st)
	if err != nil {
		s.answer(machine, m, client.Started{}, err)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		s.answer(machine, m, client.Started{}, errClosed)
		return
	}
	s.pub.Publish(msg, func(err error) {
		if err == nil {
			s.answer(machine, m, client.Started{ExecutionArn: st.Arn, StartDate: st.Date}, nil)
			return
		}
		// fastpub gives errors on a goroutine of its own (one per failed batch), off its owner
		// and the connection's, so a fallback may publish synchronously there: no goroutine
		// per failed start.
		s.republish(machine, m, msg, st)
	})
}

// republish publishes a start whose batch failed again, by itself, and answers its event.
func (s *Starter) republish(machine string, m, msg *nats.Msg, st wire.Start) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ack, err := s.js.PublishMsg(ctx, msg)
	started := client.Started{ExecutionArn: st.Arn, StartDate: st.Date}
	if err == nil && started.ExecutionArn == "" {
		started.ExecutionArn = s.opts.Layout.DeriveArn(machine, st.Name, ack.Sequence)
	}
	s.answer(machine, m, started, err)
}

// fireAndWait publishes one start and waits for its publish-ack (as StartExecution does).
func (s *Starter) fireAndWait(machine string, m *nats.Msg, input []byte, o client.StartOptions) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	started, err := client.StartAsync(ctx, s.js, s.opts.Layout, machine, input, o)
	s.answer(machine, m, started, err)
}

// answer counts a stored start and answers a request: the StartExecution shape, or
// ServiceUnavailable with what went wrong.
func (s *Starter) answer(machine string, m *nats.Msg, started client.Started, err error) {
	if err != nil {
		s.opts.Logger.Error("trigger start failed", "subject", m.Subject, "machine", machine, "err", err)
		if m.Reply != "" {
			b, _ := json.Marshal(map[string]string{"__type": "ServiceUnavailable", "message": err.Error()})
			_ = m.Respond(b)
		}
		return
	}
	if s.opts.Started != nil {
		s.opts.Started()
	}
	if m.Reply != "" {
		b, _ := json.Marshal(struct {
			ExecutionArn string  `json:"executionArn"`
			StartDate    float64 `json:"startDate"`
		}{started.ExecutionArn, epoch(started.StartDate)})
		_ = m.Respond(b)
	}
}

// epoch is a date as AWS's JSON protocol writes it: seconds since 1970, with milliseconds.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
