package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/stepjet/stepjet/engine/validate"
)

func init() {
	register(command{name: "validate", summary: "check a definition as ValidateStateMachineDefinition does", run: validateCmd})
}

const validateHelp = `
Usage: stepjet validate DEFINITION [--type EXPRESS|STANDARD]

Checks an Amazon States Language definition without running it and prints a result shaped like
AWS's ValidateStateMachineDefinition response: "result" OK or FAIL and "diagnostics", each with
severity, code, message and location (a JSON pointer such as /States/Pay/Next).

validate needs no server: it runs the same checks as the server's CreateStateMachine and
ValidateStateMachineDefinition, in this process.

Exit status: 0 when the result is OK, 1 when it is FAIL, 2 on bad usage or an unreadable file.

Examples:
  stepjet validate examples/hello/hello.asl.json
`

func validateCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("validate", validateHelp, stderr)
	typ := fs.String("type", "EXPRESS", "state machine type the definition is meant for: EXPRESS or STANDARD")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "stepjet validate: want exactly one DEFINITION file (stepjet validate --help)")
		return exitUsage
	}
	if *typ != "EXPRESS" && *typ != "STANDARD" {
		fmt.Fprintln(stderr, "stepjet validate: --type is EXPRESS or STANDARD")
		return exitUsage
	}
	def, err := readInput(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "stepjet validate: %v\n", err)
		return exitUsage
	}
	out := validate.Validate(def, validate.Options{Type: *typ})
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(out)
	if out.Result == "FAIL" {
		return exitFail
	}
	return exitOK
}
