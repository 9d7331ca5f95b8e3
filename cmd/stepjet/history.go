package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/tidwall/gjson"
)

func init() {
	register(command{name: "history", summary: "print a kept execution's history events, optionally following (GetExecutionHistory)", run: historyCmd})
}

const historyHelp = `
Usage: stepjet history ARN [--follow] [--json] [--no-data]

Prints the history events of an execution the server keeps (AWS's HistoryEvent shape: id,
timestamp, type and the event's details). In a terminal, one line an event: id, time, type and
the state or error; piped (or with --json), one JSON object a line, as stepjet run --events
writes them. --follow keeps printing new events until the execution ends (or Ctrl-C).
--no-data leaves inputs and outputs out (includeExecutionData false).

A machine's history level is its tag stepjet:history: ALL (default), ERROR (the whole history of
executions that did not succeed, none of those that did) or OFF; tag stepjet:history-data false
keeps no inputs and outputs. Set them with the AWS API's TagResource.

Exit status: 0 after printing (also after Ctrl-C); 1 when the API refuses the request
(ExecutionDoesNotExist, InvalidArn: AWS's error name and message on stderr); 2 on bad usage or
when the server cannot be reached.

Examples:
  stepjet history "$(stepjet executions hello --status SUCCEEDED --arns --max 1)"
  stepjet history "$(stepjet executions hello --status SUCCEEDED --arns --max 1)" --follow --json
`

// terminalEvents end an execution's history.
var terminalEvents = []string{"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}

func historyCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("history", historyHelp, stderr)
	var api apiOptions
	api.register(fs)
	follow := fs.Bool("follow", false, "keep printing new events until the execution ends")
	asJSON := fs.Bool("json", false, "one JSON event a line, also in a terminal")
	noData := fs.Bool("no-data", false, "leave inputs and outputs out")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || pos[0] == "" {
		fmt.Fprintln(stderr, "stepjet history: want one execution ARN (stepjet executions NAME lists them)")
		return exitUsage
	}
	c, ok := api.client("history", stderr)
	if !ok {
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer func() {
		// A Ctrl-C that arrives as history returns must not kill it after the fact (exit 0
		// is promised): SIGINT stays ignored for the rest of the process, which is ending.
		signal.Ignore(syscall.SIGINT)
		stop()
	}()
	pretty := !*asJSON && isTerminal(stdout)
	var tw *tabwriter.Writer
	if pretty {
		tw = tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	}
	var printed int64 // the id of the last event printed
	for {
		events, err := allEvents(c, pos[0], !*noData)
		if err != nil {
			if ctx.Err() != nil {
				return exitOK
			}
			return reportCallError(stderr, "history", err)
		}
		ended := false
		for _, ev := range events {
			id := gjson.GetBytes(ev, "id").Int()
			if slices.Contains(terminalEvents, gjson.GetBytes(ev, "type").String()) {
				ended = true
			}
			if id <= printed {
				continue
			}
			printed = id
			if pretty {
				fmt.Fprintln(tw, prettyEvent(ev))
			} else {
				fmt.Fprintf(stdout, "%s\n", ev)
			}
		}
		if tw != nil {
			_ = tw.Flush()
		}
		if !*follow || ended {
			return exitOK
		}
		select {
		case <-ctx.Done():
			return exitOK
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// allEvents reads every page of an execution's history.
func allEvents(c *apiClient, arn string, data bool) ([]json.RawMessage, error) {
	var all []json.RawMessage
	token := ""
	for {
		in := map[string]any{"executionArn": arn, "maxResults": 1000, "includeExecutionData": data}
		if token != "" {
			in["nextToken"] = token
		}
		var out struct {
			Events    []json.RawMessage `json:"events"`
			NextToken string            `json:"nextToken"`
		}
		if err := c.call("GetExecutionHistory", in, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Events...)
		if token = out.NextToken; token == "" {
			return all, nil
		}
	}
}

// prettyEvent is one event as a terminal line: id, time, type, and what it is about (the
// state's name, the error and cause, or the output).
func prettyEvent(ev json.RawMessage) string {
	r := gjson.ParseBytes(ev)
	var about []string
	r.ForEach(func(k, v gjson.Result) bool {
		if !strings.HasSuffix(k.String(), "EventDetails") {
			return true
		}
		for _, f := range []string{"name", "resource", "error", "cause", "output"} {
			if x := v.Get(f); x.Exists() {
				s := x.String()
				if len(s) > 120 {
					s = s[:120] + "…"
				}
				about = append(about, f+"="+s)
			}
		}
		return false
	})
	ts := epochTime(r.Get("timestamp").Float()).Format("15:04:05.000")
	return fmt.Sprintf("%d\t%s\t%s\t%s", r.Get("id").Int(), ts, r.Get("type").String(), strings.Join(about, " "))
}
