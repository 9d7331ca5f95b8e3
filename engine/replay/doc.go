// Package replay re-runs a kept execution with every Task state answered by what it answered the
// first time, and says where a (possibly changed) definition takes a different path or ends
// differently. It is the logic of `stepjet replay`; it reads history events and runs the engine,
// and does no I/O of its own.
//
// A history (AWS's HistoryEvent objects, as GetExecutionHistory returns them with
// includeExecutionData) becomes a Recording: the execution's input and outcome, the path of
// states it entered, and every Task invocation's answer. The answers are written as an AWS Step
// Functions Local mock configuration (MockConfig), which is what answers the Tasks of the replay
// (engine/mock), so a written configuration replays the same way under `stepjet run
// --mock-config` or Step Functions Local:
//
//	rec, err := replay.Read(events, recordedDefinition)
//	run, err := replay.Run(ctx, newDefinition, rec, replay.Options{Machine: "order", TestCase: "exec-1"})
//	report := replay.Compare(rec, run)
//	fmt.Println(report.Same)
//
// Invocations are numbered as Step Functions Local numbers them: one counter per state and
// execution, advanced by every invocation (retries included), across Map iterations and loops.
// Map iterations are numbered in item order (the replay runs them one at a time in that order,
// as engine.ScriptedInvoker asks), whatever order they ran in the first time.
package replay
