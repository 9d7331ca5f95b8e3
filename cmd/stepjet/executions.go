package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

func init() {
	register(command{name: "executions", summary: "list a state machine's kept executions, newest first (ListExecutions)", run: executionsCmd})
	register(command{name: "describe-execution", summary: "show one kept execution (DescribeExecution)", run: describeExecutionCmd})
}

const executionsHelp = `
Usage: stepjet executions NAME|ARN [--status STATUS] [--max N] [--json | --arns]

Lists the executions of state machine NAME (or of a version or alias, by its ARN) that the
server keeps (serve --records, on by default: see --records-max-age), newest first: name,
status, start, duration and execution ARN. --status keeps one status (RUNNING, SUCCEEDED,
FAILED, TIMED_OUT, ABORTED); --max stops after N (default 100; 0 lists all kept); --json prints
ListExecutions' answer (all pages joined), --arns only the ARNs, one a line.

Exit status: 0 on success (also when none is kept); 1 when the API refuses the request
(StateMachineDoesNotExist, or StateMachineTypeNotSupported from a server that keeps no records:
AWS's error name and message on stderr); 2 on bad usage or when the server cannot be reached.

Examples:
  stepjet executions hello
  stepjet executions hello --status FAILED --json
  stepjet executions hello --status SUCCEEDED --arns --max 1
`

// listedExecution is a ListExecutions item.
type listedExecution struct {
	ExecutionArn           string  `json:"executionArn"`
	StateMachineArn        string  `json:"stateMachineArn"`
	Name                   string  `json:"name"`
	Status                 string  `json:"status"`
	StartDate              float64 `json:"startDate"`
	StopDate               float64 `json:"stopDate,omitempty"`
	StateMachineVersionArn string  `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string  `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           int     `json:"redriveCount"`
}

var executionStatuses = []string{"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"}

func executionsCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("executions", executionsHelp, stderr)
	var api apiOptions
	api.register(fs)
	status := fs.String("status", "", "only executions with this `status`")
	maxN := fs.Int("max", 100, "list at most this many (0: all kept)")
	asJSON := fs.Bool("json", false, "print ListExecutions' answer as JSON")
	arnsOnly := fs.Bool("arns", false, "print only the execution ARNs, one a line")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "stepjet executions: want one state machine NAME or ARN (stepjet executions --help)")
		return exitUsage
	}
	*status = strings.ToUpper(*status)
	if *status != "" && !slices.Contains(executionStatuses, *status) {
		fmt.Fprintf(stderr, "stepjet executions: --status %q is not one of %s\n", *status, strings.Join(executionStatuses, ", "))
		return exitUsage
	}
	if *maxN < 0 || (*asJSON && *arnsOnly) {
		fmt.Fprintln(stderr, "stepjet executions: --max must be 0 or more, and --json and --arns do not go together")
		return exitUsage
	}
	c, ok := api.client("executions", stderr)
	if !ok {
		return exitUsage
	}
	arn, err := c.machineArn(pos[0])
	if err != nil {
		return reportCallError(stderr, "executions", err)
	}
	all := []listedExecution{}
	token := ""
	for *maxN == 0 || len(all) < *maxN {
		in := map[string]any{"stateMachineArn": arn, "maxResults": 1000}
		if *maxN > 0 {
			in["maxResults"] = min(1000, *maxN-len(all))
		}
		if *status != "" {
			in["statusFilter"] = *status
		}
		if token != "" {
			in["nextToken"] = token
		}
		var out struct {
			Executions []listedExecution `json:"executions"`
			NextToken  string            `json:"nextToken"`
		}
		if err := c.call("ListExecutions", in, &out); err != nil {
			return reportCallError(stderr, "executions", err)
		}
		all = append(all, out.Executions...)
		if token = out.NextToken; token == "" {
			break
		}
	}
	switch {
	case *asJSON:
		printJSON(stdout, map[string]any{"executions": all})
	case *arnsOnly:
		for _, x := range all {
			fmt.Fprintln(stdout, x.ExecutionArn)
		}
	default:
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tSTATUS\tSTARTED\tDURATION\tARN")
		for _, x := range all {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", x.Name, x.Status, epochTime(x.StartDate).Format(time.RFC3339), duration(x.StartDate, x.StopDate), x.ExecutionArn)
		}
		_ = tw.Flush()
	}
	return exitOK
}

// epochTime is an AWS JSON timestamp (epoch seconds) as a time.
func epochTime(s float64) time.Time { return time.UnixMilli(int64(s * 1000)).UTC() }

// duration is how long an execution ran ("-" while it runs).
func duration(start, stop float64) string {
	if stop == 0 {
		return "-"
	}
	return epochTime(stop).Sub(epochTime(start)).String()
}

const describeExecutionHelp = `
Usage: stepjet describe-execution ARN

Prints DescribeExecution's answer for an execution the server keeps: status, machine (and
version or alias) ARN, start and stop dates, input, output, error and cause.

Exit status: 0 on success; 1 when the API refuses the request (ExecutionDoesNotExist when it is
not kept, InvalidArn: AWS's error name and message on stderr); 2 on bad usage or when the
server cannot be reached.

Examples:
  stepjet describe-execution "$(stepjet executions hello --status SUCCEEDED --arns --max 1)"
`

func describeExecutionCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("describe-execution", describeExecutionHelp, stderr)
	var api apiOptions
	api.register(fs)
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || pos[0] == "" {
		fmt.Fprintln(stderr, "stepjet describe-execution: want one execution ARN (stepjet executions NAME lists them)")
		return exitUsage
	}
	c, ok := api.client("describe-execution", stderr)
	if !ok {
		return exitUsage
	}
	var out map[string]any
	if err := c.call("DescribeExecution", map[string]any{"executionArn": pos[0]}, &out); err != nil {
		return reportCallError(stderr, "describe-execution", err)
	}
	printJSON(stdout, out)
	return exitOK
}

// isTerminal reports whether w is a terminal (pretty output) rather than a pipe or file (JSON).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
