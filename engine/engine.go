// Package engine is the Amazon States Language interpreter: a definition is parsed, validated and
// compiled once into an immutable *Machine, which then runs any number of executions concurrently
// on raw JSON bytes. The engine does no I/O of its own: Task states reach the world through a
// TaskInvoker, history events leave through an EventSink, and time comes from a Clock.
package engine

import (
	"context"
	"time"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/validate"
)

// Error is a named ASL error (States.Runtime, States.TaskFailed, a worker's own name, ...) with
// its cause text.
type Error = failure.Error

// Diagnostic is a validation finding shaped like ValidateStateMachineDefinition's.
type Diagnostic = validate.Diagnostic

// InvalidDefinitionError is returned by Compile for a definition that does not validate.
type InvalidDefinitionError struct {
	Diagnostics []Diagnostic
}

func (e *InvalidDefinitionError) Error() string {
	if len(e.Diagnostics) == 0 {
		return "invalid state machine definition"
	}
	d := e.Diagnostics[0]
	return "invalid state machine definition: " + d.Code + " at " + d.Location + ": " + d.Message
}

// Status is an execution's outcome, as AWS names it.
type Status string

const (
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
	StatusTimedOut  Status = "TIMED_OUT"
	// StatusAborted is an execution stopped from outside (StopExecution): its context ended
	// with an *Abort cause.
	StatusAborted Status = "ABORTED"
)

// Abort is the cause to cancel an execution's context with (context.WithCancelCause) to stop
// it as AWS's StopExecution does: the execution ends ABORTED, its history with an
// ExecutionAborted event carrying Name (as its error) and Cause; either may be empty.
type Abort struct {
	Name  string
	Cause string
}

func (a *Abort) Error() string { return "execution stopped: " + a.Name + " " + a.Cause }

// Defaults for Express workflows.
const (
	DefaultTimeout  = 5 * time.Minute
	MaxPayloadBytes = 256 * 1024
	// DefaultMapConcurrency is how many iterations of an inline Map state run at once at
	// most: AWS runs up to 40 concurrently, whatever MaxConcurrency asks above that.
	DefaultMapConcurrency = 40
	// MaxCauseLength and MaxErrorLength are AWS's limits on a failure's cause (32,768
	// characters) and error name (256): longer ones are cut to the limit.
	MaxCauseLength = 32768
	MaxErrorLength = 256
)

// TaskRequest is what a Task state asks of its invoker.
type TaskRequest struct {
	Resource     string // the state's Resource ARN
	StateName    string
	Input        []byte // the effective parameters (Parameters / Arguments applied), raw JSON
	ExecutionArn string
	// Attempt counts the invocations of this state in this execution so far (0 for the first),
	// retries included; Step Functions Local mocks index responses by it.
	Attempt int
	// TaskToken is empty: Express has no .waitForTaskToken.
	Timeout time.Duration // the state's TimeoutSeconds, 0 when unset
}

// TaskInvoker runs Task states. It returns the raw service result (for
// arn:aws:states:::lambda:invoke the whole invoke response with Payload and StatusCode; for a bare
// function ARN the function's payload). A task failure is returned as *Error with the service's
// error name (e.g. a worker's errorType) and cause. It must not write over req.Input, which is
// one of the execution's documents. (A machine with JSONata states copies a result that
// arrives in the invoker's own buffer, as JSONata's index of what it read relies on every
// document keeping its bytes within an execution.)
type TaskInvoker interface {
	Invoke(ctx context.Context, req TaskRequest) ([]byte, error)
}

// TaskStarter is a TaskInvoker that can also start a task without blocking: StartTask returns
// false when it cannot start req so (the engine then calls Invoke); otherwise it calls done
// exactly once, on any goroutine, with what Invoke would have returned, also when ctx ends
// first. Under RunOptions.Park a Task state of the top level then parks its execution until
// done is called (Parked.OnDone).
type TaskStarter interface {
	TaskInvoker
	StartTask(ctx context.Context, req TaskRequest, done func([]byte, error)) bool
}

// TaskFunc adapts a function to TaskInvoker.
type TaskFunc func(ctx context.Context, req TaskRequest) ([]byte, error)

func (f TaskFunc) Invoke(ctx context.Context, req TaskRequest) ([]byte, error) { return f(ctx, req) }

// ScriptedInvoker is a TaskInvoker that answers a state's invocations in the order they are made
// (a replayed script, such as a Step Functions Local mock configuration whose responses are
// numbered by invocation). With one, a Map state runs its iterations one at a time in item order,
// so the n-th answer goes to the n-th item on every run instead of to whichever iteration's call
// arrives first.
type ScriptedInvoker interface {
	TaskInvoker
	Scripted() bool
}

// HistoryEvent is one event of an execution's history, with AWS's type names
// (ExecutionStarted, PassStateEntered, TaskScheduled, ...) and detail shapes. Details is the raw
// JSON of the event's details member (e.g. executionStartedEventDetails), named by DetailsKey.
type HistoryEvent struct {
	Timestamp       time.Time
	Type            string
	ID              int64
	PreviousEventID int64
	DetailsKey      string
	Details         []byte
	// Build, for a DeferringSink, is set instead of Details: it appends the details' JSON to
	// b, whenever it is called, as often as it is called. What it reads (strings, and the
	// execution's documents: the engine never modifies a document once made) stays as it was.
	Build func(b []byte) []byte
}

// EventSink receives an execution's history events in order. A nil sink costs nothing.
type EventSink interface {
	Event(ev HistoryEvent)
}

// DeferringSink is an EventSink that gets each event's details as a builder (HistoryEvent.Build)
// when DefersDetails returns true: one that may never keep an event (history kept only for
// executions that fail) builds only those it keeps.
type DeferringSink interface {
	EventSink
	DefersDetails() bool
}

// DatalessSink is an EventSink that keeps no execution data: implemented with KeepsData
// returning false, the engine builds its events as RunOptions.EventsWithoutData does.
type DatalessSink interface {
	EventSink
	KeepsData() bool
}

// Clock gives the engine its time; nil means the system clock.
type Clock interface {
	Now() time.Time
	// After behaves like time.After.
	After(d time.Duration) <-chan time.Time
}

// RunOptions configures one execution. The zero value works: no tasks, no events, the system
// clock, a five-minute deadline and generated names.
type RunOptions struct {
	Tasks  TaskInvoker
	Events EventSink
	// EventsWithoutData builds the events without execution data: no input, output,
	// parameters or assignedVariables members (nor their …Details), as AWS shows history with
	// includeExecutionData false. Quoting every state's input and output into its events is
	// most of what history costs an execution; a sink that drops them anyway should not pay it.
	// (A DatalessSink asks for the same.)
	EventsWithoutData bool
	// Observer, when set, hears every state, Map iteration and Parallel branch begin and end.
	Observer Observer
	Clock    Clock
	// Timeout is the execution's deadline; 0 means DefaultTimeout. A definition's top-level
	// TimeoutSeconds, when lower, takes its place. Exceeding it ends the execution as
	// TIMED_OUT with States.Timeout.
	Timeout time.Duration
	// Name, ExecutionArn, StateMachineArn and RoleArn feed the context object ($$.Execution...).
	Name             string
	ExecutionArn     string
	StateMachineArn  string
	StateMachineName string
	RoleArn          string
	StartTime        time.Time // zero means now
	// EvalBytes and EvalItems bound what one evaluation (a JSONPath, an intrinsic function,
	// a JSONata expression) may build; 0 means limits.EvalBytes (16 MiB) and
	// limits.EvalItems (1 Mi). Over the limit, the execution fails with
	// States.DataLimitExceeded. See docs/limits.md.
	EvalBytes int64
	EvalItems int64
	// MapConcurrency caps how many iterations of an inline Map state run at once, whatever
	// its MaxConcurrency says (0, unlimited, or a large number); 0 means
	// DefaultMapConcurrency (40, as AWS runs inline Map states). Results are the same at any
	// concurrency: only how many iterations are in flight changes.
	MapConcurrency int
	// Redrive, when set, resumes an execution that failed, timed out or was aborted, from the
	// plan Machine.PlanRedrive made of its history, instead of starting it: the history goes
	// on with ExecutionRedriven, $$.Execution.RedriveCount is the plan's count, and the
	// deadline counts from the redrive. StartTime stays the original start.
	Redrive *Redrive
	// Gate, when set, bounds how many threads of control of the executions sharing it run
	// engine code at once (see Gate); nil runs every thread as the Go scheduler lets it.
	Gate Gate
	// Park lets a waiting execution give back its goroutine: at a Wait state of the top level
	// (not in a Parallel branch or Map iteration), or a Task state of the top level whose
	// invoker is a TaskStarter, Run returns at once with Result.Parked set, and the caller
	// resumes it (Parked.Resume) when the wait is over or the task answered. A process holding
	// thousands of waiting executions then holds no goroutine, nor its stack, for each.
	Park bool
}

// Result is the outcome of one execution.
type Result struct {
	Status Status
	Input  []byte
	Output []byte // set when Status is SUCCEEDED
	// Error and Cause are set when Status is FAILED. A TIMED_OUT execution has neither, as
	// AWS's DescribeExecution reports it (States.Timeout is in its ExecutionTimedOut event).
	Error     string
	Cause     string
	StartDate time.Time
	StopDate  time.Time
	// Parked, when set (RunOptions.Park), is the execution parked at a Wait or Task state: it
	// has not ended, and every other field is empty.
	Parked *Parked
}

// Funcs runs Task states with Go functions registered in-process by resource ARN, e.g.
//
//	engine.Funcs{"arn:aws:lambda:us-east-1:123456789012:function:Charge": engine.TaskFunc(charge)}
//
// A Task whose Resource is not registered fails with States.TaskFailed naming the resource.
type Funcs map[string]TaskInvoker

// Invoke calls the function registered for req.Resource.
func (f Funcs) Invoke(ctx context.Context, req TaskRequest) ([]byte, error) {
	if inv, ok := f[req.Resource]; ok {
		return inv.Invoke(ctx, req)
	}
	return nil, &Error{Name: failure.TaskFailed, Cause: "No function is registered for the resource '" + req.Resource + "'"}
}
