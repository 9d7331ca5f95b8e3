package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/natsconn"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/triggers"
	"github.com/stepjet/stepjet/transport/wire"
)

func init() {
	register(command{name: "trigger", summary: "bind a NATS subject to a state machine (event triggers)", run: triggerCmd})
}

const triggerHelp = `
Usage: stepjet trigger SUBJECT MACHINE      bind SUBJECT to MACHINE
       stepjet trigger --list                list the bindings
       stepjet trigger --delete SUBJECT      remove a binding

Every message published on a bound subject starts an async execution of its machine with the
message body as input (a body that is not JSON arrives as a JSON string). A Nats-Msg-Id header
becomes the execution name, so a re-sent event runs once; a request (nats req) is answered with
the executionArn. Subjects may use wildcards (orders.*, events.>) but not stepjet's own prefix.

Example:
  stepjet trigger orders.placed order-processing
  nats pub orders.placed '{"orderId":"1001"}'
`

func triggerCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("trigger", triggerHelp, stderr)
	var conn natsconn.Options
	conn.Register(fs, natsconn.DefaultURL)
	list := fs.Bool("list", false, "list the bindings")
	del := fs.Bool("delete", false, "remove the binding of SUBJECT")
	prefix := fs.String("prefix", wire.DefaultPrefix, "subject prefix of stepjet's NATS layout")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	switch {
	case *list && len(pos) == 0, *del && len(pos) == 1, !*list && !*del && len(pos) == 2:
	default:
		fmt.Fprintln(stderr, "stepjet trigger: want SUBJECT MACHINE, --list, or --delete SUBJECT (stepjet trigger --help)")
		return exitUsage
	}
	layout := wire.Layout{Prefix: *prefix}
	nc, ok := connectNATS("trigger", &conn, stderr)
	if !ok {
		return exitFail
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	kv, err := provision.EnsureBucket(ctx, js, provision.Config{Layout: layout}.Buckets()[1])
	if err != nil {
		fmt.Fprintf(stderr, "stepjet trigger: %v\n", err)
		return exitFail
	}
	switch {
	case *list:
		bs, err := triggers.List(ctx, kv)
		if err != nil {
			fmt.Fprintf(stderr, "stepjet trigger: %v\n", err)
			return exitFail
		}
		if bs == nil {
			bs = []triggers.Binding{}
		}
		return emitJSON(stdout, stderr, map[string]any{"triggers": bs})
	case *del:
		if err := triggers.Delete(ctx, kv, pos[0]); errors.Is(err, jetstream.ErrKeyNotFound) {
			fmt.Fprintf(stderr, "stepjet trigger: no trigger is bound to %q\n", pos[0])
			return exitFail
		} else if err != nil {
			fmt.Fprintf(stderr, "stepjet trigger: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(stderr, "removed the trigger on %s\n", pos[0])
		return exitOK
	default:
		b, err := triggers.Put(ctx, kv, layout, pos[0], pos[1])
		if errors.Is(err, triggers.ErrInvalidSubject) {
			fmt.Fprintf(stderr, "stepjet trigger: %v\n", err)
			return exitUsage
		} else if err != nil {
			fmt.Fprintf(stderr, "stepjet trigger: %v\n", err)
			return exitFail
		}
		return emitJSON(stdout, stderr, b)
	}
}
