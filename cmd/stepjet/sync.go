package main

import "io"

func init() {
	register(command{name: "sync", summary: "run a sync execution on a running server and print its result (StartSyncExecution)", run: syncCmd})
}

const syncHelp = `
Usage: stepjet sync NAME|ARN [--input JSON|FILE|-] [--name EXECUTION] [--endpoint URL]

Runs state machine NAME (or the machine, version or alias ARN) synchronously through the
server's API, as AWS's StartSyncExecution does (at-most-once), and prints its answer: status
SUCCEEDED, FAILED or TIMED_OUT, output as a JSON string, error and cause when FAILED.

--input is JSON text, a file, or - for standard input (an existing file of that name wins);
default {}.

Exit status: 0 when the execution ran, whatever its status; 1 when the API refuses it
(StateMachineDoesNotExist, InvalidExecutionInput, ServiceUnavailable, ...: AWS's error name and
message on stderr); 2 on bad usage, an unreadable input file, or when the server cannot be
reached.

Examples:
  stepjet sync hello --input examples/hello/input.json
  stepjet sync hello --input '{"guests":["Ada","Grace"]}' --name quiet-1
  echo '{"guests":["Ada","Grace","Linus"]}' | stepjet sync hello --input -
`

func syncCmd(args []string, stdout, stderr io.Writer) int {
	return startExecution("sync", syncHelp, args, stdout, stderr)
}
