package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/history"
	"github.com/stepjet/stepjet/engine/mock"
	"github.com/stepjet/stepjet/transport/wire"
)

func init() {
	register(command{name: "run", summary: "run one execution in-process (no NATS) and print its result", run: runCmd})
}

const runHelp = `
Usage: stepjet run DEFINITION [--input JSON|FILE|-] [--mock-config FILE --test-case NAME] [--events FILE]

Runs one execution of the state machine in DEFINITION (Amazon States Language JSON) in this
process, with no NATS server, and prints one JSON object shaped like AWS's StartSyncExecution
response: status SUCCEEDED, FAILED or TIMED_OUT, output as a JSON string, error and cause when
FAILED (a TIMED_OUT execution has neither, as AWS reports it).

Task states are answered by a Step Functions Local mock configuration (--mock-config), so a
workflow can be tested with no workers at all. The machine is named after the definition file up
to its first dot (order.asl.json -> order); that name is the key of the mock config's
StateMachines member (--name overrides it).

stepjet run is a local test harness, like Step Functions Local: by default it accepts every
definition AWS accepts (--type STANDARD), and runs a Distributed Map over its input inline, with
the same results. --type EXPRESS checks the definition as an Express machine (what stepjet serve
runs) instead; stepjet validate says the same without running.

--input is JSON text ('{"guests":["Ada"]}'), a file, or - for standard input; an existing file
of that name wins.

Exit status: 0 when the execution ran, whatever its status; 2 on bad usage or an invalid
definition (diagnostics on stderr).

Examples:
  stepjet run examples/hello/hello.asl.json --input examples/hello/input.json
  stepjet run examples/hello/hello.asl.json --input '{"guests":["Ada","Grace","Linus"]}'
  stepjet run examples/ecommerce/order-processing.asl.json --input examples/ecommerce/orders/ok.json \
      --mock-config examples/ecommerce/mocks.json --test-case HappyPath
`

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", runHelp, stderr)
	inputPath := fs.String("input", "", inputUsage)
	mockPath := fs.String("mock-config", "", "Step Functions Local mock configuration (MockConfigFile.json)")
	testCase := fs.String("test-case", "", "test case in the mock configuration to answer Task states with")
	name := fs.String("name", "", "state machine name (default: the definition file name up to its first dot)")
	execName := fs.String("execution-name", "", "execution name (default: a fresh UUID)")
	eventsPath := fs.String("events", "", "also write the execution's history events to this file as NDJSON, as GetExecutionHistory answers them (- for stderr)")
	timeout := fs.Duration("timeout", engine.DefaultTimeout, "execution deadline (at most 5m for Express)")
	typ := fs.String("type", "STANDARD", "rules the definition is checked against: STANDARD (every definition AWS accepts) or EXPRESS")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "stepjet run: want exactly one DEFINITION file (stepjet run --help)")
		return exitUsage
	}
	if (*mockPath == "") != (*testCase == "") {
		fmt.Fprintln(stderr, "stepjet run: --mock-config and --test-case go together")
		return exitUsage
	}
	if *typ != "STANDARD" && *typ != "EXPRESS" {
		fmt.Fprintln(stderr, "stepjet run: --type is STANDARD or EXPRESS")
		return exitUsage
	}
	if *timeout <= 0 || *timeout > engine.DefaultTimeout {
		fmt.Fprintln(stderr, "stepjet run: --timeout must be more than 0 and at most 5m (the Express limit)")
		return exitUsage
	}
	defPath := pos[0]
	def, err := os.ReadFile(defPath)
	if err != nil {
		fmt.Fprintf(stderr, "stepjet run: %v\n", err)
		return exitUsage
	}
	input, err := executionInput(*inputPath)
	if err != nil {
		fmt.Fprintf(stderr, "stepjet run: %v\n", err)
		return exitUsage
	}
	if !json.Valid(input) {
		fmt.Fprintf(stderr, "stepjet run: the input (--input %s) is not valid JSON\n", *inputPath)
		return exitUsage
	}
	machineName := *name
	if machineName == "" {
		machineName = machineNameOf(defPath)
	}

	m, err := engine.Compile(def, engine.CompileOptions{Type: *typ})
	if err != nil {
		printCompileError(stderr, defPath, err)
		return exitUsage
	}

	opts := engine.RunOptions{Timeout: *timeout}
	if *mockPath != "" {
		raw, err := os.ReadFile(*mockPath)
		if err != nil {
			fmt.Fprintf(stderr, "stepjet run: %v\n", err)
			return exitUsage
		}
		cfg, err := mock.Load(raw)
		if err != nil {
			fmt.Fprintf(stderr, "stepjet run: mock config %s: %v\n", *mockPath, err)
			return exitUsage
		}
		inv, err := cfg.Invoker(machineName, *testCase)
		if err != nil {
			fmt.Fprintf(stderr, "stepjet run: mock config %s: %v\n", *mockPath, err)
			return exitUsage
		}
		opts.Tasks = inv
	}
	if *eventsPath != "" {
		var w io.Writer = stderr
		if *eventsPath != "-" {
			f, err := os.Create(*eventsPath)
			if err != nil {
				fmt.Fprintf(stderr, "stepjet run: %v\n", err)
				return exitUsage
			}
			defer f.Close()
			w = f
		}
		opts.Events = &ndjsonSink{w: w}
	}

	layout := wire.Layout{}
	if *execName == "" {
		*execName = newUUID()
	}
	opts.Name = *execName
	opts.StateMachineName = machineName
	opts.StateMachineArn = layout.StateMachineArn(machineName)
	opts.ExecutionArn = layout.ExecutionArn(machineName, *execName, newUUID())
	opts.StartTime = time.Now()

	res := m.Run(context.Background(), input, opts)
	out := resultOf(opts, res)
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(stderr, "stepjet run: %v\n", err)
		return exitFail
	}
	return exitOK
}

// resultOf shapes an engine result like AWS's StartSyncExecution response.
func resultOf(opts engine.RunOptions, res engine.Result) wire.Result {
	out := wire.Result{
		ExecutionArn:    opts.ExecutionArn,
		StateMachineArn: opts.StateMachineArn,
		Name:            opts.Name,
		StartDate:       epochSeconds(res.StartDate),
		StopDate:        epochSeconds(res.StopDate),
		Status:          string(res.Status),
		Input:           string(res.Input),
		InputDetails:    &wire.PayloadDetails{Included: true},
		Error:           res.Error,
		Cause:           res.Cause,
		BillingDetails:  billing(res.StartDate, res.StopDate),
	}
	if res.Status == engine.StatusSucceeded {
		out.Output = string(res.Output)
		out.OutputDetails = &wire.PayloadDetails{Included: true}
	}
	return out
}

// billing mirrors Express billing: 64 MB, duration rounded up to 100 ms.
func billing(start, stop time.Time) *wire.BillingDetails {
	ms := stop.Sub(start).Milliseconds()
	ms = (ms + 99) / 100 * 100
	if ms < 100 {
		ms = 100
	}
	return &wire.BillingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMs: ms}
}

func epochSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMilli()) / 1000
}

// machineNameOf names a machine after its definition file up to the first dot.
func machineNameOf(path string) string {
	base := filepath.Base(path)
	if i := strings.IndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	return base
}

func printCompileError(w io.Writer, file string, err error) {
	var inv *engine.InvalidDefinitionError
	if errors.As(err, &inv) {
		fmt.Fprintf(w, "stepjet: %s is not a valid state machine definition:\n", file)
		for _, d := range inv.Diagnostics {
			where := ""
			if d.Location != "" {
				where = " at " + d.Location
			}
			fmt.Fprintf(w, "  %s %s%s: %s\n", d.Severity, d.Code, where, d.Message)
		}
		return
	}
	fmt.Fprintf(w, "stepjet: %s: %v\n", file, err)
}

// ndjsonSink writes history events as GetExecutionHistory answers them and the server keeps
// them (engine/history), one per line: what stepjet history --json prints.
type ndjsonSink struct {
	w   io.Writer
	buf []byte
}

func (s *ndjsonSink) Event(ev engine.HistoryEvent) {
	s.buf = append(history.AppendJSON(s.buf[:0], ev, history.Options{}), '\n')
	s.w.Write(s.buf)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
