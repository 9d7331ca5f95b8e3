package main

import (
	"fmt"
	"io"
)

func init() {
	register(command{name: "delete", summary: "delete a state machine on a running server (DeleteStateMachine)", run: deleteCmd})
}

const deleteHelp = `
Usage: stepjet delete NAME|ARN

Deletes a state machine with its versions and aliases, as AWS's DeleteStateMachine does. New
starts are refused from then on; executions already running finish.

Exit status: 0 on success; 1 when the API refuses the request (AWS's error name and message on
stderr); 2 on bad usage or when the server cannot be reached.

Examples:
  stepjet delete hello
  stepjet delete arn:aws:states:us-east-1:123456789012:stateMachine:hello
`

func deleteCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("delete", deleteHelp, stderr)
	var api apiOptions
	api.register(fs)
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "stepjet delete: want one NAME or ARN (stepjet delete --help)")
		return exitUsage
	}
	c, ok := api.client("delete", stderr)
	if !ok {
		return exitUsage
	}
	arn, err := c.machineArn(pos[0])
	if err != nil {
		return reportCallError(stderr, "delete", err)
	}
	if err := c.call("DeleteStateMachine", map[string]any{"stateMachineArn": arn}, nil); err != nil {
		return reportCallError(stderr, "delete", err)
	}
	fmt.Fprintf(stdout, "deleted %s\n", arn)
	return exitOK
}
