package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/natsconn"
	"github.com/stepjet/stepjet/transport/wire"
)

func init() {
	register(command{name: "start", summary: "start an async execution on a running service (over NATS)", run: startCmd})
}

const startHelp = `
Usage: stepjet start NAME [--input FILE|-] [--name EXECUTION] [--nats-url URL]

Starts an asynchronous (at-least-once) execution of state machine NAME by publishing its input to
stepjet.start.NAME, and prints a StartExecution-shaped answer: executionArn and startDate. The
result lands in the STEPJET_RESULTS stream (follow it with: stepjet logs NAME --results --follow).
An execution name is also the start's de-duplication id: starting the same name twice within
five minutes runs it once.

Example:
  stepjet start order-processing --input order.json --name order-1001
  echo '{"orderId":"1001"}' | stepjet start order-processing --input -
`

func startCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("start", startHelp, stderr)
	var conn natsconn.Options
	conn.Register(fs, natsconn.DefaultURL)
	inputPath := fs.String("input", "", "execution input: a JSON file, or - for standard input (default {})")
	execName := fs.String("name", "", "execution name (default: derived by the service)")
	arn := fs.String("state-machine-arn", "", "start this version or alias ARN instead of NAME's latest revision")
	prefix := fs.String("prefix", wire.DefaultPrefix, "subject prefix of stepjet's NATS layout")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "stepjet start: want exactly one state machine NAME (stepjet start --help)")
		return exitUsage
	}
	input, err := executionInput(*inputPath)
	if err != nil {
		fmt.Fprintf(stderr, "stepjet start: %v\n", err)
		return exitUsage
	}
	nc, ok := connectNATS("start", &conn, stderr)
	if !ok {
		return exitFail
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := client.StartAsync(ctx, js, wire.Layout{Prefix: *prefix}, pos[0], input, client.StartOptions{Name: *execName, StateMachineArn: *arn})
	if err != nil {
		fmt.Fprintf(stderr, "stepjet start: %v\n", err)
		return exitFail
	}
	if s.Duplicate {
		fmt.Fprintf(stderr, "stepjet start: an execution named %q was already started; this start was dropped\n", *execName)
	}
	return emitJSON(stdout, stderr, struct {
		ExecutionArn string  `json:"executionArn"`
		StartDate    float64 `json:"startDate"`
	}{s.ExecutionArn, float64(s.StartDate.UnixMilli()) / 1000})
}

// emitJSON writes v as indented JSON, as every client command prints its answer.
func emitJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "stepjet: %v\n", err)
		return exitFail
	}
	return exitOK
}
