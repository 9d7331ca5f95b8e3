// Package client starts stepjet executions over NATS: async starts published to the executions
// stream, and sync starts as core requests. The CLI, the AWS API and triggers use it, and so can
// any Go program.
//
//	js, _ := jetstream.New(nc)
//	s, err := client.StartAsync(ctx, js, wire.Layout{}, "order-processing", []byte(`{"id":1}`), client.StartOptions{})
//	fmt.Println(s.ExecutionArn)
package client

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
)

// StartOptions tune a start. The zero value starts the machine's latest revision with a
// generated name.
type StartOptions struct {
	// Name is the execution name; with the machine it is also the start's Nats-Msg-Id
	// (wire.DedupID), so a second start of that machine with the same name inside the
	// executions stream's de-duplication window is dropped (Started.Duplicate).
	Name string
	// StateMachineArn selects a version or alias ARN of the machine instead of its latest
	// revision.
	StateMachineArn string
	// TraceHeader is passed on as the traceparent header and the result's traceHeader.
	TraceHeader string
}

// Started is what an async start returns, as StartExecution does.
type Started struct {
	ExecutionArn string    `json:"executionArn"`
	StartDate    time.Time `json:"-"`
	// Duplicate reports that a start with this name was already accepted (this one was dropped).
	Duplicate bool `json:"-"`
}

func start(l wire.Layout, machine string, input []byte, o StartOptions) (wire.Start, error) {
	if machine == "" {
		return wire.Start{}, errors.New("a state machine name is required")
	}
	if len(input) == 0 {
		input = []byte("{}")
	}
	if !json.Valid(input) {
		return wire.Start{}, errors.New("the input is not valid JSON")
	}
	s := l.NewStart(machine, o.Name, input)
	s.MachineArn, s.TraceParent = o.StateMachineArn, o.TraceHeader
	return s, nil
}

// StartAsync publishes a start for machine (wire.Layout.StartMsg) and waits for the stream to
// store it.
func StartAsync(ctx context.Context, js jetstream.JetStream, l wire.Layout, machine string, input []byte, o StartOptions) (Started, error) {
	s, err := start(l, machine, input, o)
	if err != nil {
		return Started{}, err
	}
	// No ARN header: the executor derives it from the name and the stream sequence, which a
	// duplicate's publish-ack also reports (the first start's), so a duplicate start returns
	// the ARN of the execution that runs.
	s.Arn = ""
	m, err := l.StartMsg(s)
	if err != nil {
		return Started{}, err
	}
	ack, err := js.PublishMsg(ctx, m)
	if err != nil {
		return Started{}, err
	}
	return Started{ExecutionArn: l.DeriveArn(machine, s.Name, ack.Sequence), StartDate: s.Date, Duplicate: ack.Duplicate}, nil
}

// StartSync runs an execution through the executors' sync queue group (wire.Layout.SyncMsg) and
// returns its result. It is at-most-once: a timeout leaves the outcome unknown. An executor
// that did not run the execution (draining, busy, or refusing the start) answers with a
// *wire.SyncError.
func StartSync(ctx context.Context, nc *nats.Conn, l wire.Layout, machine string, input []byte, o StartOptions) (wire.Result, error) {
	s, err := start(l, machine, input, o)
	if err != nil {
		return wire.Result{}, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 5*time.Minute+10*time.Second)
		defer cancel()
	}
	s.Deadline, _ = ctx.Deadline()
	m, err := l.SyncMsg(s)
	if err != nil {
		return wire.Result{}, err
	}
	reply, err := nc.RequestMsgWithContext(ctx, m)
	if errors.Is(err, nats.ErrNoResponders) {
		return wire.Result{}, errors.New("no stepjet executor is serving sync starts (is `stepjet serve` running?)")
	}
	if err != nil {
		return wire.Result{}, err
	}
	if e := wire.ParseSyncReply(reply.Data); e != nil {
		return wire.Result{}, e
	}
	var res wire.Result
	if err := json.Unmarshal(reply.Data, &res); err != nil {
		return wire.Result{}, errors.New("malformed sync reply: " + err.Error())
	}
	return res, nil
}
