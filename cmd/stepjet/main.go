// Command stepjet runs AWS Step Functions Express workflows: one execution in-process
// (`stepjet run`), a whole service over NATS JetStream (`stepjet serve`), and client commands
// against a running service.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand. Each lives in its own file and registers itself in init.
type command struct {
	name    string
	summary string // one line for the command list
	// run gets the arguments after the command name and returns the process exit code.
	run func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// Exit codes shared by the commands.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and reports a failure (e.g. validate: FAIL, an API error)
	exitUsage = 2 // bad usage, an invalid definition, an unreadable file, no server to talk to
)

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		return versionCmd(args[1:], stdout, stderr)
	case "help":
		return helpCmd(args[1:], stdout, stderr)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "stepjet: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdout, stderr)
}

// helpCmd is `stepjet help [COMMAND]`: the command list, or one command's help on stdout.
func helpCmd(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		usage(stdout)
		return exitOK
	case len(args) > 1:
		fmt.Fprintln(stderr, "stepjet help: want at most one COMMAND (stepjet help shows the list)")
		return exitUsage
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "stepjet help: unknown command %q (stepjet help shows the list)\n", args[0])
		return exitUsage
	}
	return c.run([]string{"--help"}, stdout, stdout)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "stepjet runs AWS Step Functions Express workflows (Amazon States Language) on NATS JetStream.")
	fmt.Fprintln(w, "\nUsage: stepjet COMMAND [options]   (stepjet help COMMAND, or stepjet COMMAND --help, for a command's options)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
run and validate need no server. The commands that have an AWS API operation (create, update,
delete, list, describe, start, sync) send it to a running server's API: --endpoint, default
$STEPJET_ENDPOINT or http://127.0.0.1:8083, signed with SigV4 when AWS credentials are set
(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or AWS_PROFILE). logs and trigger, which the API has
no operation for, talk to its NATS server: --nats-url, default $NATS_URL or nats://127.0.0.1:4222.

Exit status: 0 on success; 1 when the command ran and reports a failure (an API error, with
AWS's error name and message on stderr; validate: FAIL); 2 on bad usage, an unreadable file, an
invalid definition, or when the server cannot be reached.

Examples:
  stepjet run examples/hello/hello.asl.json --input examples/hello/input.json
  stepjet help run
  stepjet version
`)
}
