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
Bindings live in NATS (the API has no operation for them): trigger talks to --nats-url.

Exit status: 0 on success; 1 when MACHINE does not exist (StateMachineDoesNotExist) or --delete
finds no binding; 2 on bad usage (such as a subject that cannot be bound) or when NATS cannot be
reached.

Examples:
  stepjet trigger greetings.new hello
  nats req greetings.new '{"guests":["Ada","Grace","Linus"]}'
  stepjet trigger --list
  stepjet trigger --delete greetings.new
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
		return exitUsage
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
		printJSON(stdout, map[string]any{"triggers": bs})
		return exitOK
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
		// A binding to a machine that does not exist would start nothing, silently, at every
		// event: refuse it as StartExecution would.
		if err := triggers.Validate(layout, pos[0]); err != nil {
			fmt.Fprintf(stderr, "stepjet trigger: %v\n", err)
			return exitUsage
		}
		if _, err := lookupMachine(ctx, js, layout, pos[1]); err != nil {
			return reportCallError(stderr, "trigger", err)
		}
		b, err := triggers.Put(ctx, kv, layout, pos[0], pos[1])
		if errors.Is(err, triggers.ErrInvalidSubject) {
			fmt.Fprintf(stderr, "stepjet trigger: %v\n", err)
			return exitUsage
		} else if err != nil {
			fmt.Fprintf(stderr, "stepjet trigger: %v\n", err)
			return exitFail
		}
		printJSON(stdout, b)
		return exitOK
	}
}
