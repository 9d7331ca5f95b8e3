package main

import (
	"fmt"
	"io"
)

func init() {
	register(command{name: "update", summary: "change a state machine on a running server (UpdateStateMachine)", run: updateCmd})
}

const updateHelp = `
Usage: stepjet update NAME|ARN [--definition FILE] [--role-arn ARN] [--logging-level L] [--publish]
                              [--tag KEY=VALUE]... [--untag KEY]...

Changes a state machine's definition, role, logging or tracing, as AWS's UpdateStateMachine
does, and prints the answer (updateDate, revisionId, and stateMachineVersionArn with --publish).
Executions already running keep the definition they started with. --tag and --untag set and
remove tags (TagResource, UntagResource), such as the machine's limits
stepjet:max-concurrency and stepjet:max-start-rate, which apply to the next start without a
restart; with only tags to change, the answer printed is {}.

Exit status: 0 on success; 1 when the API refuses the request (AWS's error name and message on
stderr); 2 on bad usage, an unreadable file, or when the server cannot be reached.

Example:
  stepjet update hello --definition examples/hello/hello.asl.json --publish --version-description "v2"
  stepjet update hello --tag stepjet:max-concurrency=10 --tag stepjet:max-start-rate=50
  stepjet update hello --untag stepjet:max-start-rate
`

func updateCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("update", updateHelp, stderr)
	var api apiOptions
	api.register(fs)
	defFile := fs.String("definition", "", "new definition file (\"-\" reads standard input)")
	role := fs.String("role-arn", "", "new IAM role ARN")
	level := fs.String("logging-level", "", "new logging level: ALL, ERROR, FATAL or OFF")
	includeData := fs.Bool("include-execution-data", false, "include inputs and outputs in log events (with --logging-level)")
	logGroup := fs.String("log-group-arn", "", "CloudWatch log group ARN to record as the log destination")
	tracing := fs.String("tracing", "", "set tracing: on or off")
	publish := fs.Bool("publish", false, "publish the result as a new version")
	versionDesc := fs.String("version-description", "", "description of the published version (with --publish)")
	var tags tagsFlag
	fs.Var(&tags, "tag", "set a tag key=value (repeatable; TagResource)")
	var untags keysFlag
	fs.Var(&untags, "untag", "remove the tag KEY (repeatable; UntagResource)")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "stepjet update: want one NAME or ARN (stepjet update --help)")
		return exitUsage
	}
	in := map[string]any{}
	if *defFile != "" {
		def, err := readInput(*defFile)
		if err != nil {
			fmt.Fprintf(stderr, "stepjet update: %v\n", err)
			return exitUsage
		}
		in["definition"] = string(def)
	}
	if *role != "" {
		in["roleArn"] = *role
	}
	if lc := loggingConfig(*level, *includeData, *logGroup, pos[0]); lc != nil {
		in["loggingConfiguration"] = lc
	}
	switch *tracing {
	case "":
	case "on", "off":
		in["tracingConfiguration"] = map[string]any{"enabled": *tracing == "on"}
	default:
		fmt.Fprintln(stderr, "stepjet update: --tracing is on or off")
		return exitUsage
	}
	if *publish {
		in["publish"] = true
		if *versionDesc != "" {
			in["versionDescription"] = *versionDesc
		}
	}
	c, ok := api.client("update", stderr)
	if !ok {
		return exitUsage
	}
	arn, err := c.machineArn(pos[0])
	if err != nil {
		return reportCallError(stderr, "update", err)
	}
	out := map[string]any{}
	if len(in) > 0 || len(tags)+len(untags) == 0 {
		in["stateMachineArn"] = arn
		if err := c.call("UpdateStateMachine", in, &out); err != nil {
			return reportCallError(stderr, "update", err)
		}
	}
	if len(tags) > 0 {
		if err := c.call("TagResource", map[string]any{"resourceArn": arn, "tags": tags}, nil); err != nil {
			return reportCallError(stderr, "update", err)
		}
	}
	if len(untags) > 0 {
		if err := c.call("UntagResource", map[string]any{"resourceArn": arn, "tagKeys": untags}, nil); err != nil {
			return reportCallError(stderr, "update", err)
		}
	}
	printJSON(stdout, out)
	return exitOK
}
