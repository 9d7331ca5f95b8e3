package main

import (
	"fmt"
	"io"
)

func init() {
	register(command{name: "create", summary: "create a state machine on a running server (CreateStateMachine)", run: createCmd})
}

const createHelp = `
Usage: stepjet create NAME DEFINITION [options]

Creates the state machine NAME from the Amazon States Language file DEFINITION ("-" reads
standard input) on a running stepjet server, as AWS's CreateStateMachine does, and prints the
answer (stateMachineArn, creationDate, and stateMachineVersionArn with --publish). The
definition is validated first: an invalid one is refused with AWS's InvalidDefinition message.

Exit status: 0 on success; 1 when the API refuses the request (AWS's error name and message on
stderr); 2 on bad usage, an unreadable file, or when the server cannot be reached.

Examples (with stepjet serve running):
  stepjet create hello examples/hello/hello.asl.json --logging-level ALL --include-execution-data --tag team=payments
  stepjet sync hello --input '{"guests":["Ada","Grace","Linus"]}'
`

func createCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("create", createHelp, stderr)
	var api apiOptions
	api.register(fs)
	typ := fs.String("type", "EXPRESS", "state machine type: EXPRESS, the only type stepjet runs")
	role := fs.String("role-arn", "arn:aws:iam::123456789012:role/stepjet", "IAM role ARN, recorded as AWS would (stepjet does not assume it)")
	level := fs.String("logging-level", "", "log events to the logs stream: ALL, ERROR, FATAL or OFF")
	includeData := fs.Bool("include-execution-data", false, "include inputs and outputs in log events")
	logGroup := fs.String("log-group-arn", "", "CloudWatch log group ARN to record as the log destination")
	tracing := fs.Bool("tracing", false, "set tracingConfiguration.enabled")
	publish := fs.Bool("publish", false, "also publish version 1")
	versionDesc := fs.String("version-description", "", "description of the published version (with --publish)")
	var tags tagsFlag
	fs.Var(&tags, "tag", "a tag key=value (repeatable)")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, "stepjet create: want NAME and DEFINITION (stepjet create --help)")
		return exitUsage
	}
	if *typ != "EXPRESS" {
		fmt.Fprintf(stderr, "stepjet create: type %q is not supported: stepjet runs Express workflows only (Standard workflows, with .sync, .waitForTaskToken and activities, need AWS)\n", *typ)
		return exitUsage
	}
	def, err := readInput(pos[1])
	if err != nil {
		fmt.Fprintf(stderr, "stepjet create: %v\n", err)
		return exitUsage
	}
	// stepjet runs Express workflows only: the CLI creates nothing else. (The AWS API still
	// accepts type STANDARD, as AWS does, so tools written against AWS work; such a machine is
	// stored but refuses to start.)
	in := map[string]any{"name": pos[0], "definition": string(def), "type": "EXPRESS", "roleArn": *role}
	if lc := loggingConfig(*level, *includeData, *logGroup, pos[0]); lc != nil {
		in["loggingConfiguration"] = lc
	}
	if *tracing {
		in["tracingConfiguration"] = map[string]any{"enabled": true}
	}
	if len(tags) > 0 {
		in["tags"] = tags
	}
	if *publish {
		in["publish"] = true
		if *versionDesc != "" {
			in["versionDescription"] = *versionDesc
		}
	}
	c, ok := api.client("create", stderr)
	if !ok {
		return exitUsage
	}
	var out map[string]any
	if err := c.call("CreateStateMachine", in, &out); err != nil {
		return reportCallError(stderr, "create", err)
	}
	printJSON(stdout, out)
	return exitOK
}
