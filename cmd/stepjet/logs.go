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
	"github.com/tidwall/gjson"
)

func init() {
	register(command{name: "logs", summary: "print a state machine's log events (or results), optionally following", run: logsCmd})
}

const logsHelp = `
Usage: stepjet logs NAME|- [--follow] [--since DURATION] [--results] [--nats-url URL]

Prints state machine NAME's Express log events (CloudWatch Logs shape, one JSON object a line)
from the STEPJET_LOGS stream, read over NATS (the API has no operation for them). A machine logs
only with a loggingConfiguration of level ALL, ERROR or FATAL (stepjet create or stepjet update
--logging-level; --include-execution-data adds inputs and outputs). --results prints execution
results from STEPJET_RESULTS instead, which every machine has. NAME "-" means every machine.
Without --follow it prints what is kept and exits; with --follow it waits for more until
interrupted (Ctrl-C).

Exit status: 0 after printing (nothing, when nothing ran); 1 when NAME does not exist or logs
nothing (its logging is OFF: the message says how to turn it on); 2 on bad usage or when NATS
cannot be reached.

Examples:
  stepjet logs hello --since 10m
  stepjet logs hello --results --follow
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
		return exitUsage
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if pos[0] != "-" {
		// Silence must mean "nothing happened", never "no such machine" or "it logs nothing".
		lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		m, err := lookupMachine(lctx, js, layout, pos[0])
		cancel()
		if err != nil {
			return reportCallError(stderr, "logs", err)
		}
		if level := gjson.GetBytes(m.LoggingConfiguration, "level").String(); !*results && (level == "" || level == "OFF") {
			if level == "" {
				level = "OFF (it has no loggingConfiguration)"
			}
			fmt.Fprintf(stderr, "stepjet logs: state machine '%s' logs nothing: its logging level is %s. Turn logging on with "+
				"`stepjet update %[1]s --logging-level ALL` (or ERROR, FATAL; --include-execution-data adds inputs and outputs), "+
				"or read its execution results with `stepjet logs %[1]s --results`\n", pos[0], level)
			return exitFail
		}
	}
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
