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

Example:
  stepjet describe hello
  stepjet describe hello --definition > hello.asl.json
`

func describeCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("describe", describeHelp, stderr)
	endpoint := fs.String("endpoint", defaultEndpoint, "the stepjet API")
	defOnly := fs.Bool("definition", false, "print only the definition")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "stepjet describe: want one NAME or ARN (stepjet describe --help)")
		return exitUsage
	}
	arn, err := machineArn(*endpoint, pos[0])
	if err != nil {
		return reportCallError(stderr, "describe", err)
	}
	var out map[string]any
	if err := awsCall(*endpoint, "DescribeStateMachine", map[string]any{"stateMachineArn": arn}, &out); err != nil {
		return reportCallError(stderr, "describe", err)
	}
	if *defOnly {
		fmt.Fprintln(stdout, out["definition"])
		return exitOK
	}
	printJSON(stdout, out)
	return exitOK
}
