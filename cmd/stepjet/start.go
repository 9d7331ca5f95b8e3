package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

func init() {
	register(command{name: "start", summary: "start an async execution on a running server (StartExecution)", run: startCmd})
}

const startHelp = `
Usage: stepjet start NAME|ARN [--input JSON|FILE|-] [--name EXECUTION] [--endpoint URL]

Starts an asynchronous (at-least-once) execution of state machine NAME (or of the machine,
version or alias ARN) through the server's API, as AWS's StartExecution does, and prints its
answer: executionArn and startDate. The result lands in the STEPJET_RESULTS stream (follow it
with: stepjet logs NAME --results --follow).

--input is JSON text, a file, or - for standard input (an existing file of that name wins);
default {}. An execution name may be used once: starting the same name again answers
ExecutionAlreadyExists, and nothing starts.

Exit status: 0 when the execution was started; 1 when the API refuses it (StateMachineDoesNotExist,
ExecutionAlreadyExists, InvalidExecutionInput, ...: AWS's error name and message on stderr); 2 on
bad usage, an unreadable input file, or when the server cannot be reached.

Examples:
  stepjet start hello --input '{"guests":["Ada","Grace","Linus"]}' --name party-1001
  stepjet start hello --input examples/hello/input.json
  echo '{"guests":["Ada"]}' | stepjet start hello --input -
`

func startCmd(args []string, stdout, stderr io.Writer) int {
	return startExecution("start", startHelp, args, stdout, stderr)
}

// startExecution is start and sync: the same request to StartExecution or StartSyncExecution.
func startExecution(cmd, help string, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet(cmd, help, stderr)
	var api apiOptions
	api.register(fs)
	inputArg := fs.String("input", "", inputUsage)
	execName := fs.String("name", "", "execution name (default: a fresh UUID)")
	op := "StartExecution"
	var wait *time.Duration
	if cmd == "sync" {
		op = "StartSyncExecution"
		wait = fs.Duration("timeout", 6*time.Minute, "how long to wait for the result (an execution runs at most 5m)")
	}
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "stepjet %s: want exactly one state machine NAME or ARN (stepjet %s --help)\n", cmd, cmd)
		return exitUsage
	}
	input, err := executionInput(*inputArg)
	if err != nil {
		fmt.Fprintf(stderr, "stepjet %s: %v\n", cmd, err)
		return exitUsage
	}
	c, ok := api.client(cmd, stderr)
	if !ok {
		return exitUsage
	}
	if wait != nil {
		if *wait <= 0 {
			fmt.Fprintf(stderr, "stepjet %s: --timeout must be more than 0\n", cmd)
			return exitUsage
		}
		c.timeout = *wait
	}
	arn, err := c.machineArn(pos[0])
	if err != nil {
		return reportCallError(stderr, cmd, err)
	}
	in := map[string]any{"stateMachineArn": arn, "input": string(input)}
	if *execName != "" || flagSet(fs, "name") { // --name "" is a name the API refuses, not no name
		in["name"] = *execName
	}
	var out json.RawMessage
	if err := c.call(op, in, &out); err != nil {
		return reportCallError(stderr, cmd, err)
	}
	printJSON(stdout, out)
	return exitOK
}
