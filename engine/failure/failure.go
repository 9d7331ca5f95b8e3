// Package failure holds the error values of the Amazon States Language: an error name such as
// States.Runtime and the cause text AWS gives with it. Every engine package returns these, so a
// failure keeps its AWS name from where it arose to the execution result.
package failure

import "fmt"

// Predefined error names of the Amazon States Language.
const (
	ALL                             = "States.ALL"
	HeartbeatTimeout                = "States.HeartbeatTimeout"
	Timeout                         = "States.Timeout"
	TaskFailed                      = "States.TaskFailed"
	Permissions                     = "States.Permissions"
	ResultPathMatchFailure          = "States.ResultPathMatchFailure"
	ParameterPathFailure            = "States.ParameterPathFailure"
	BranchFailed                    = "States.BranchFailed"
	NoChoiceMatched                 = "States.NoChoiceMatched"
	IntrinsicFailure                = "States.IntrinsicFailure"
	ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
	ItemReaderFailed                = "States.ItemReaderFailed"
	ResultWriterFailed              = "States.ResultWriterFailed"
	Runtime                         = "States.Runtime"
	DataLimitExceeded               = "States.DataLimitExceeded"
	QueryEvaluationError            = "States.QueryEvaluationError"
)

// Error is a named ASL error with its cause text. Sub-packages of the engine return the cause's
// own text (for example "Invalid path '$.x' : No results for path: $['x']"); the interpreter adds
// AWS's "An error occurred while executing the state 'S' (entered at the event id #N). " prefix
// where AWS adds it.
type Error struct {
	Name  string
	Cause string
}

func (e *Error) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// New returns an *Error with the given name and a formatted cause.
func New(name, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Name: name, Cause: format}
	}
	return &Error{Name: name, Cause: fmt.Sprintf(format, args...)}
}
