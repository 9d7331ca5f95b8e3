package main

import (
	"fmt"
	"io"
)

func init() {
	register(command{name: "redrive", summary: "restart a failed, timed out or aborted execution where it stopped (RedriveExecution)", run: redriveCmd})
}

const redriveHelp = `
Usage: stepjet redrive ARN [--client-token TOKEN]

Restarts an execution that FAILED, TIMED_OUT or was ABORTED, as AWS's RedriveExecution does
(AWS redrives Standard executions only; stepjet redrives Express ones from the history it
keeps): the states that did not finish run again with the input they were entered with, on the
definition revision the execution ran; the Map iterations and Parallel branches that succeeded
keep their output and do not run again; variables are what they were. The execution keeps its
ARN; its redrive count goes up by one and its history goes on with an ExecutionRedriven event.
Prints the answer: redriveDate. Follow the redriven run with: stepjet history ARN --follow.

A redrive needs the execution's history with its data: a machine tagged stepjet:history=OFF or
stepjet:history-data=false cannot be redriven (describe-execution says why in
redriveStatusReason). Repeating a --client-token answers the redrive it made, without another.

Exit status: 0 when the execution was redriven; 1 when the API refuses it
(ExecutionNotRedrivable with the reason, ExecutionDoesNotExist, InvalidArn: AWS's error name
and message on stderr); 2 on bad usage or when the server cannot be reached.

Examples:
  stepjet sync hello --input '{"guests":"nobody"}' > /dev/null; stepjet redrive "$(stepjet executions hello --status FAILED --arns --max 1)"
`

func redriveCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("redrive", redriveHelp, stderr)
	var api apiOptions
	api.register(fs)
	token := fs.String("client-token", "", "makes the request idempotent: the same token answers the same redrive (1 to 64 printable characters)")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || pos[0] == "" {
		fmt.Fprintln(stderr, "stepjet redrive: want one execution ARN (stepjet executions NAME --status FAILED lists them)")
		return exitUsage
	}
	c, ok := api.client("redrive", stderr)
	if !ok {
		return exitUsage
	}
	in := map[string]any{"executionArn": pos[0]}
	if *token != "" {
		in["clientToken"] = *token
	}
	var out map[string]any
	if err := c.call("RedriveExecution", in, &out); err != nil {
		return reportCallError(stderr, "redrive", err)
	}
	printJSON(stdout, out)
	return exitOK
}
