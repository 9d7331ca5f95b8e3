package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/replay"
)

func init() {
	register(command{name: "replay", summary: "re-run a kept execution locally with its recorded Task answers, and say where a definition differs", run: replayCmd})
}

// Exit codes of replay beyond the shared ones: the replay differs from the recorded run, or it
// reached a Task invocation the recording has no answer for.
const (
	exitDiffers    = 3
	exitUnanswered = 4
)

const replayHelp = `
Usage: stepjet replay ARN [--definition NEW.asl.json] [--write-mock-config FILE [--test-case NAME]] [--json]

Re-runs an execution the server keeps (serve --records, with its history and data: the
machine's stepjet:history tag not OFF, stepjet:history-data not false) in this process, with
every Task state answered by what it answered the first time, and says where the run differs
from the recorded one: the first state where the path of states entered parts (in which Map
iteration or Parallel branch, after which state, what each run entered), and the final status,
error, cause and output (a JSON diff by path). With --definition, the new definition runs
instead of the recorded one: a fix tested against real traffic.

It reads DescribeExecution, DescribeStateMachineForExecution and GetExecutionHistory (with
data) from the API. The recorded answers become an AWS Step Functions Local mock configuration,
which is what answers the replay's Task states; --write-mock-config also writes it to FILE
(state machine: the execution's machine name, test case: --test-case, default the execution's
name), for stepjet run --mock-config or Step Functions Local. Invocations are numbered as Step
Functions Local numbers them: per state, retries included, across Map iterations in item order.

A Task invocation the recording has no answer for (a new definition calls something new, or
calls it more often) is not invented: the replay stops there, ABORTED, and says which. Waits
end at once; times read from the recorded start.

Exit status: 0 when the replay entered the same states and ended the same way (it says so);
3 when it differs; 4 when it stopped at a Task with no recorded answer; 1 when the API refuses
(ExecutionDoesNotExist, InvalidArn) or the execution cannot be replayed (still running, no
history kept, history without data); 2 on bad usage, an invalid definition (diagnostics on
stderr), or when the server cannot be reached.

Examples:
  stepjet replay "$(stepjet executions hello --status SUCCEEDED --arns --max 1)"
  stepjet replay "$(stepjet executions hello --status SUCCEEDED --arns --max 1)" \
      --definition examples/hello/hello.asl.json --write-mock-config hello-mocks.json --json
`

// keptExecution is what replay reads of DescribeExecution.
type keptExecution struct {
	ExecutionArn    string  `json:"executionArn"`
	StateMachineArn string  `json:"stateMachineArn"`
	Name            string  `json:"name"`
	Status          string  `json:"status"`
	StartDate       float64 `json:"startDate"`
	StopDate        float64 `json:"stopDate"`
	Input           *string `json:"input"`
	Output          *string `json:"output"`
	Error           string  `json:"error"`
	Cause           string  `json:"cause"`
}

// mockConfigNote says where replay wrote the mock configuration and under which names.
type mockConfigNote struct {
	File         string `json:"file"`
	StateMachine string `json:"stateMachine"`
	TestCase     string `json:"testCase"`
}

func replayCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("replay", replayHelp, stderr)
	var api apiOptions
	api.register(fs)
	defPath := fs.String("definition", "", "run this definition (ASL JSON file) instead of the recorded one")
	mockOut := fs.String("write-mock-config", "", "also write the recorded answers to this file as a Step Functions Local mock configuration")
	testCase := fs.String("test-case", "", "the mock configuration's test case name (default: the execution's name)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || pos[0] == "" {
		fmt.Fprintln(stderr, "stepjet replay: want one execution ARN (stepjet executions NAME lists them)")
		return exitUsage
	}
	arn := pos[0]
	var newDef []byte
	if *defPath != "" {
		b, err := os.ReadFile(*defPath)
		if err != nil {
			fmt.Fprintf(stderr, "stepjet replay: %v\n", err)
			return exitUsage
		}
		newDef = b
	}
	c, ok := api.client("replay", stderr)
	if !ok {
		return exitUsage
	}

	var ex keptExecution
	if err := c.call("DescribeExecution", map[string]any{"executionArn": arn}, &ex); err != nil {
		return reportCallError(stderr, "replay", err)
	}
	if ex.Status == "RUNNING" {
		fmt.Fprintf(stderr, "stepjet replay: execution %s is still RUNNING: replay one that has ended\n", arn)
		return exitFail
	}
	var sm struct {
		Name       string `json:"name"`
		Definition string `json:"definition"`
		RoleArn    string `json:"roleArn"`
	}
	if err := c.call("DescribeStateMachineForExecution", map[string]any{"executionArn": arn}, &sm); err != nil {
		return reportCallError(stderr, "replay", err)
	}
	rec, err := readRecording(c, arn, []byte(sm.Definition), epochTime(ex.StopDate), 5*time.Second)
	if err != nil {
		if errors.Is(err, replay.ErrNoHistory) || errors.Is(err, replay.ErrNoData) || errors.Is(err, replay.ErrIncomplete) {
			fmt.Fprintf(stderr, "stepjet replay: cannot replay %s: %v%s\n", arn, err, replayHint(err))
			return exitFail
		}
		return reportCallError(stderr, "replay", err)
	}
	// DescribeExecution's answer is the execution's outcome; the history says the same.
	out := rec.Outcome.Output
	if ex.Output != nil && json.Valid([]byte(*ex.Output)) {
		out = json.RawMessage(*ex.Output)
	}
	rec.Outcome = replay.Outcome{Status: ex.Status, Error: ex.Error, Cause: ex.Cause}
	if ex.Status == "SUCCEEDED" {
		rec.Outcome.Output = out
	}
	if ex.Input != nil {
		rec.Input = []byte(*ex.Input)
	}

	machine := sm.Name
	if *testCase == "" {
		*testCase = ex.Name
	}
	var note *mockConfigNote
	if *mockOut != "" {
		if err := os.WriteFile(*mockOut, rec.MockConfig(machine, *testCase), 0o644); err != nil {
			fmt.Fprintf(stderr, "stepjet replay: %v\n", err)
			return exitUsage
		}
		note = &mockConfigNote{File: *mockOut, StateMachine: machine, TestCase: *testCase}
	}

	def, defName := []byte(sm.Definition), "the recorded definition"
	if newDef != nil {
		def, defName = newDef, *defPath
	}
	run, err := replay.Run(context.Background(), def, rec, replay.Options{
		Machine: machine, TestCase: *testCase,
		Name: ex.Name, ExecutionArn: arn, StateMachineArn: ex.StateMachineArn, StateMachineName: machine,
		RoleArn: sm.RoleArn, StartTime: epochTime(ex.StartDate),
	})
	if err != nil {
		var inv *engine.InvalidDefinitionError
		if errors.As(err, &inv) {
			printCompileError(stderr, defName, err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "stepjet replay: %v\n", err)
		return exitFail
	}
	report := replay.Compare(rec, run)
	if *asJSON {
		printJSON(stdout, struct {
			ExecutionArn string          `json:"executionArn"`
			Definition   string          `json:"definition"`
			MockConfig   *mockConfigNote `json:"mockConfig,omitempty"`
			*replay.Report
		}{arn, defName, note, report})
	} else {
		printReport(stdout, arn, defName, note, report)
	}
	switch {
	case report.Same:
		return exitOK
	case report.Unanswered != nil:
		return exitUnanswered
	}
	return exitDiffers
}

// readRecording reads the execution's whole history with data. The history is written off the
// executor's hot path, so it may lag the record by a moment: the history of an execution that
// ended in the last half minute is read again, for up to settle, until it is there to its end.
func readRecording(c *apiClient, arn string, def []byte, stopped time.Time, settle time.Duration) (*replay.Recording, error) {
	deadline := time.Now().Add(settle)
	if time.Since(stopped) > 30*time.Second {
		deadline = time.Now() // long ended: what is kept is all there will be
	}
	for {
		raws, err := allEvents(c, arn, true)
		if err != nil {
			return nil, err
		}
		events, err := replay.ParseEvents(raws)
		if err != nil {
			return nil, err
		}
		rec, err := replay.Read(events, def)
		lagging := errors.Is(err, replay.ErrIncomplete) || errors.Is(err, replay.ErrNoHistory)
		if !lagging || time.Now().After(deadline) {
			return rec, err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// replayHint says what to change when a history cannot be replayed.
func replayHint(err error) string {
	switch {
	case errors.Is(err, replay.ErrNoHistory):
		return " (the machine's tag stepjet:history is OFF, or ERROR and the execution succeeded, or serve runs with --history OFF; set it to ALL to keep the next executions' histories)"
	case errors.Is(err, replay.ErrNoData):
		return " (the machine's tag stepjet:history-data is false, or serve runs with --history-data=false: the recorded answers are not kept)"
	}
	return ""
}

// printReport writes the report for a terminal: what ran, whether it is the same, and where not.
func printReport(w io.Writer, arn, defName string, note *mockConfigNote, r *replay.Report) {
	fmt.Fprintf(w, "Replayed %s\n  with %s\n", arn, defName)
	fmt.Fprintf(w, "  recorded: %s, %d states entered\n  replay:   %s, %d states entered\n",
		r.Recorded.Status, r.States[0], r.Replayed.Status, r.States[1])
	if note != nil {
		fmt.Fprintf(w, "Mock config written to %s (state machine %q, test case %q):\n  stepjet run DEFINITION --name %s --mock-config %s --test-case %s --input INPUT\n",
			note.File, note.StateMachine, note.TestCase, shellQuote(note.StateMachine), shellQuote(note.File), shellQuote(note.TestCase))
	}
	if r.Same {
		fmt.Fprintln(w, "Same: the replay entered the same states and ended the same way.")
		return
	}
	fmt.Fprintln(w, "DIFFERS")
	if r.Unanswered != nil {
		fmt.Fprintf(w, "Stopped: %s; the replay stopped there (ABORTED).\n", r.Unanswered)
	}
	if r.Divergence != nil {
		fmt.Fprintf(w, "Path: first divergence %s.\n", r.Divergence)
	} else {
		fmt.Fprintln(w, "Path: the same.")
	}
	if len(r.Differences) > 0 {
		fmt.Fprintln(w, "Outcome (recorded -> replay):")
		for _, d := range r.Differences {
			what := d.Field
			if d.Path != "" {
				what += " " + d.Path
			}
			fmt.Fprintf(w, "  %s: %s -> %s\n", what, shown(d.Recorded), shown(d.Replayed))
		}
		if r.MoreDifferences > 0 {
			fmt.Fprintf(w, "  ... and %d more output differences (--json lists the first %d too)\n", r.MoreDifferences, replay.MaxDifferences)
		}
	} else {
		fmt.Fprintln(w, "Outcome: the same.")
	}
}

// shown is a JSON value for a line of the report: "(absent)" when there is none, long ones cut.
func shown(v json.RawMessage) string {
	if v == nil {
		return "(absent)"
	}
	s := string(v)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// shellQuote quotes s for a shell command line when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
