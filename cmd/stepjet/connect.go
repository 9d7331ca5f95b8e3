package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/natsconn"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
)

// connectNATS connects client command cmd to the NATS server of a running service (logs and
// trigger, which the API has no operation for); when it cannot, it says so on stderr (the usual
// cause: no `stepjet serve` running) and ok is false.
func connectNATS(cmd string, conn *natsconn.Options, stderr io.Writer) (nc *nats.Conn, ok bool) {
	nc, err := conn.Connect()
	if err != nil {
		fmt.Fprintf(stderr, "stepjet %s: cannot connect to NATS at %s: %v (is `stepjet serve` running? --nats-url or $NATS_URL name another)\n", cmd, conn.URL, err)
		return nil, false
	}
	return nc, true
}

// errNoMachine is the API's answer for a machine name that names nothing.
func errNoMachine(name string) *apiCallError {
	return &apiCallError{Name: "StateMachineDoesNotExist", Message: "no state machine named '" + name + "' (stepjet list shows them)"}
}

// lookupMachine reads the latest revision of machine name from the server's registry over NATS,
// for the commands that work on NATS but must refuse a machine that does not exist, as the API
// would. It reads only: a server that never ran stepjet is not given a bucket.
func lookupMachine(ctx context.Context, js jetstream.JetStream, l wire.Layout, name string) (wire.Machine, error) {
	kv, err := js.KeyValue(ctx, l.MachinesBucket())
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return wire.Machine{}, fmt.Errorf("this NATS server holds no stepjet state machines (no KV bucket %s: is it the one `stepjet serve` uses, with the same --prefix?)", l.MachinesBucket())
	}
	if err != nil {
		return wire.Machine{}, fmt.Errorf("reading the state machines: %w", err)
	}
	m, _, err := registry.New(kv, l).Machine(ctx, name)
	if errors.Is(err, registry.ErrNotFound) {
		return wire.Machine{}, errNoMachine(name)
	}
	if err != nil {
		return wire.Machine{}, fmt.Errorf("reading state machine %q: %w", name, err)
	}
	return m, nil
}
