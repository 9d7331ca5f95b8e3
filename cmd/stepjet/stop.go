package main

import (
	"fmt"
	"io"
)

func init() {
	register(command{name: "stop", summary: "stop a running execution (StopExecution)", run: stopCmd})
}

const stopHelp = `
Usage: stepjet stop ARN [--error NAME] [--cause TEXT]

Stops a running execution, wherever it runs, as AWS's StopExecution does: it ends ABORTED with
an ExecutionAborted event carrying --error and --cause, and an async execution stopped this way
is not run again; an async start still queued is never run (its record says ABORTED at once).
Prints the answer: stopDate. An execution that has ended already keeps its status; the answer
is when it ended.

Exit status: 0 on success; 1 when the API refuses the request (ExecutionDoesNotExist when it is
not kept, InvalidArn: AWS's error name and message on stderr); 2 on bad usage or when the
server cannot be reached.

Examples:
  stepjet stop "$(stepjet executions hello --status SUCCEEDED --arns --max 1)" --cause "no longer needed"
`

func stopCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("stop", stopHelp, stderr)
	var api apiOptions
	api.register(fs)
	errName := fs.String("error", "", "the error the execution is stopped with (up to 256 characters)")
	cause := fs.String("cause", "", "why it is stopped (up to 32768 characters)")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || pos[0] == "" {
		fmt.Fprintln(stderr, "stepjet stop: want one execution ARN (stepjet executions NAME --status RUNNING lists them)")
		return exitUsage
	}
	c, ok := api.client("stop", stderr)
	if !ok {
		return exitUsage
	}
	in := map[string]any{"executionArn": pos[0]}
	if *errName != "" {
		in["error"] = *errName
	}
	if *cause != "" {
		in["cause"] = *cause
	}
	var out map[string]any
	if err := c.call("StopExecution", in, &out); err != nil {
		return reportCallError(stderr, "stop", err)
	}
	printJSON(stdout, out)
	return exitOK
}
