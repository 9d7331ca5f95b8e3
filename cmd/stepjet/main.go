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
	exitFail  = 1 // the command ran and reports a failure (e.g. validate: FAIL)
	exitUsage = 2 // bad usage or an invalid definition
)

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "stepjet: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "stepjet runs AWS Step Functions Express workflows (Amazon States Language) on NATS JetStream.")
	fmt.Fprintln(w, "\nUsage: stepjet COMMAND [options]   (stepjet COMMAND --help for a command's options)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nExample:\n  stepjet run examples/hello/hello.asl.json --input examples/hello/input.json")
}
