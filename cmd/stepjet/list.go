package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

func init() {
	register(command{name: "list", summary: "list the state machines on a running server (ListStateMachines)", run: listCmd})
}

const listHelp = `
Usage: stepjet list [--json]

Lists the state machines of a running stepjet server, oldest first: name, type, creation date
and ARN (--json prints ListStateMachines' answer instead, all pages joined).

Exit status: 0 on success; 1 when the API refuses the request (AWS's error name and message on
stderr); 2 on bad usage or when the server cannot be reached.

Examples:
  stepjet list
  stepjet list --json --endpoint http://127.0.0.1:8083
`

type listedMachine struct {
	StateMachineArn string  `json:"stateMachineArn"`
	Name            string  `json:"name"`
	Type            string  `json:"type"`
	CreationDate    float64 `json:"creationDate"`
}

func listCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("list", listHelp, stderr)
	var api apiOptions
	api.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		fmt.Fprintln(stderr, "stepjet list: takes no arguments (stepjet list --help)")
		return exitUsage
	}
	c, ok := api.client("list", stderr)
	if !ok {
		return exitUsage
	}
	all := []listedMachine{}
	token := ""
	for {
		in := map[string]any{"maxResults": 1000}
		if token != "" {
			in["nextToken"] = token
		}
		var out struct {
			StateMachines []listedMachine `json:"stateMachines"`
			NextToken     string          `json:"nextToken"`
		}
		if err := c.call("ListStateMachines", in, &out); err != nil {
			return reportCallError(stderr, "list", err)
		}
		all = append(all, out.StateMachines...)
		if token = out.NextToken; token == "" {
			break
		}
	}
	if *asJSON {
		printJSON(stdout, map[string]any{"stateMachines": all})
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tCREATED\tARN")
	for _, m := range all {
		created := time.UnixMilli(int64(m.CreationDate * 1000)).UTC().Format(time.RFC3339)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Name, m.Type, created, m.StateMachineArn)
	}
	tw.Flush()
	return exitOK
}
