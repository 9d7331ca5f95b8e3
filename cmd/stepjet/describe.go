package main

import (
	"fmt"
	"io"
)

func init() {
	register(command{name: "describe", summary: "show a state machine on a running server (DescribeStateMachine)", run: describeCmd})
}

const describeHelp = `
Usage: stepjet describe NAME|ARN [--definition]

Prints DescribeStateMachine's answer for a state machine (or a version, by its ARN ending in
:N): ARN, type, definition, logging and tracing configuration, revision. --definition prints just
the definition, ready to edit and pass to stepjet update.

Exit status: 0 on success; 1 when the API refuses the request (StateMachineDoesNotExist, ...:
AWS's error name and message on stderr); 2 on bad usage or when the server cannot be reached.

Examples:
  stepjet describe hello
  stepjet describe hello --definition > hello.asl.json
`

func describeCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("describe", describeHelp, stderr)
	var api apiOptions
	api.register(fs)
	defOnly := fs.Bool("definition", false, "print only the definition")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "stepjet describe: want one NAME or ARN (stepjet describe --help)")
		return exitUsage
	}
	c, ok := api.client("describe", stderr)
	if !ok {
		return exitUsage
	}
	arn, err := c.machineArn(pos[0])
	if err != nil {
		return reportCallError(stderr, "describe", err)
	}
	var out map[string]any
	if err := c.call("DescribeStateMachine", map[string]any{"stateMachineArn": arn}, &out); err != nil {
		return reportCallError(stderr, "describe", err)
	}
	if *defOnly {
		fmt.Fprintln(stdout, out["definition"])
		return exitOK
	}
	printJSON(stdout, out)
	return exitOK
}
