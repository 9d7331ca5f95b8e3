package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/natsconn"
	"github.com/stepjet/stepjet/transport/wire"
)

func init() {
	register(command{name: "logs", summary: "print a state machine's log events (or results), optionally following", run: logsCmd})
}

const logsHelp = `
Usage: stepjet logs NAME [--follow] [--since DURATION] [--results]

Prints state machine NAME's Express log events (CloudWatch Logs shape, one JSON object a line)
from the STEPJET_LOGS stream. A machine logs only with a loggingConfiguration (level ALL, ERROR
or FATAL; includeExecutionData for inputs and outputs). --results prints execution results from
STEPJET_RESULTS instead. NAME "-" means every machine.

Example:
  stepjet logs order-processing --follow
  stepjet logs order-processing --results --since 10m
`

func logsCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("logs", logsHelp, stderr)
	var conn natsconn.Options
	conn.Register(fs, natsconn.DefaultURL)
	follow := fs.Bool("follow", false, "keep printing new events until interrupted")
	since := fs.Duration("since", 0, "only events newer than this (e.g. 10m; default: all kept)")
	results := fs.Bool("results", false, "print execution results instead of log events")
	prefix := fs.String("prefix", wire.DefaultPrefix, "subject prefix of stepjet's NATS layout")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "stepjet logs: want exactly one state machine NAME, or - for all (stepjet logs --help)")
		return exitUsage
	}
	layout := wire.Layout{Prefix: *prefix}
	stream, subject := layout.LogsStream(), layout.LogSubject(pos[0])
	if *results {
		stream, subject = layout.ResultsStream(), layout.ResultSubject(pos[0])
	}
	if pos[0] == "-" {
		subject = ""
	}
	nc, ok := connectNATS("logs", &conn, stderr)
	if !ok {
		return exitFail
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if subject != "" {
		cfg.FilterSubjects = []string{subject}
	}
	if *since > 0 {
		t := time.Now().Add(-*since)
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &t
	}
	cons, err := js.OrderedConsumer(ctx, stream, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "stepjet logs: %v\n", err)
		return exitFail
	}
	for {
		// Without --follow, stop once caught up (nothing more within a short wait).
		wait := 500 * time.Millisecond
		if *follow {
			wait = 5 * time.Second
		}
		msg, err := cons.Next(jetstream.FetchMaxWait(wait))
		if ctx.Err() != nil {
			return exitOK
		}
		if err != nil {
			if isTimeout(err) {
				if *follow {
					continue
				}
				return exitOK
			}
			fmt.Fprintf(stderr, "stepjet logs: %v\n", err)
			return exitFail
		}
		line := bytes.TrimSpace(msg.Data())
		if _, err := stdout.Write(append(line, '\n')); err != nil {
			return exitFail
		}
	}
}

func isTimeout(err error) bool {
	return errors.Is(err, nats.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, jetstream.ErrNoHeartbeat)
}
