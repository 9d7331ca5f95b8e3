package engine

import (
	"github.com/stepjet/stepjet/engine/choice"
	"github.com/stepjet/stepjet/engine/intrinsics"
	"github.com/stepjet/stepjet/engine/jsonata"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/stepjet/stepjet/engine/payload"
)

// stateType is a state's Type field.
type stateType uint8

const (
	typePass stateType = iota
	typeTask
	typeChoice
	typeWait
	typeSucceed
	typeFail
	typeParallel
	typeMap
)

// The state's history event types, by state type.
var (
	enteredEvent = [...]string{"PassStateEntered", "TaskStateEntered", "ChoiceStateEntered", "WaitStateEntered",
		"SucceedStateEntered", "FailStateEntered", "ParallelStateEntered", "MapStateEntered"}
	failedEvent = [...]string{typeMap: "MapStateFailed", typeParallel: "ParallelStateFailed"}
	exitedEvent = [...]string{"PassStateExited", "TaskStateExited", "ChoiceStateExited", "WaitStateExited",
		"SucceedStateExited", "FailStateExited", "ParallelStateExited", "MapStateExited"}
)

// program is one set of states with its StartAt: the machine's top level, a Parallel branch or a
// Map processor.
type program struct {
	startAt int
	states  []*state
}

// end marks "no next state".
const end = -1

// state is one compiled state. Every path, template, rule and expression is compiled once; a
// state is immutable after Compile and shared by all executions.
type state struct {
	name    string
	typ     stateType
	next    int // index of Next in the program, or end
	jsonata bool

	// needsContext says whether any field of the state reads the context object ($$ or
	// $states.context), so other states need not build it.
	needsContext bool

	// JSONPath data flow. A nil path is "$" (identity); the *Null flags are an explicit null.
	inputPath      *jsonpath.Path
	inputPathNull  bool
	parameters     *payload.Template
	resultSelector *payload.Template
	resultPath     *jsonpath.Path
	resultPathNull bool
	outputPath     *jsonpath.Path
	outputPathNull bool
	assign         *payload.Template

	// JSONata data flow.
	arguments     *payload.JSONataTemplate
	output        *payload.JSONataTemplate
	assignJSONata *payload.JSONataTemplate

	// Pass
	result []byte

	task     *taskSpec
	choice   *choiceSpec
	wait     *waitSpec
	fail     *failSpec
	parallel *parallelSpec
	mapSpec  *mapSpec

	retry []retrier
	catch []catcher
}

// intField is a numeric field given as a literal, a JSONPath (the *Path form) or a JSONata
// expression.
type intField struct {
	set   bool
	value int64
	path  *jsonpath.Path
	expr  *jsonata.Expr
	field string // the field's name for cause texts, e.g. "TimeoutSecondsPath"
	// min and max bound a value that is only known when the state runs (max 0: unbounded), as
	// the validator bounds a literal one.
	min, max int64
}

type taskSpec struct {
	resource     string
	index        int // the machine-wide index of this Task state, for attempt counting
	timeout      intField
	heartbeat    intField
	lambdaInvoke bool // arn:aws:states:::lambda:invoke
	resourceType string
	resourceName string
	region       string
}

type choiceRule struct {
	rule          *choice.Rule  // JSONPath mode
	condition     *jsonata.Expr // JSONata mode
	constant      int8          // JSONata mode: a literal true (1) or false (-1) Condition
	next          int
	assign        *payload.Template
	assignJSONata *payload.JSONataTemplate
	output        *payload.JSONataTemplate
}

type choiceSpec struct {
	rules   []choiceRule
	deflt   int
	hasDflt bool
}

type waitSpec struct {
	seconds       intField
	timestamp     string // literal Timestamp
	timestampPath *jsonpath.Path
	timestampExpr *jsonata.Expr
	hasTimestamp  bool
}

type failSpec struct {
	errorLit, causeLit         string
	hasError, hasCause         bool
	errorPath, causePath       *jsonpath.Path
	errorCall, causeCall       *intrinsics.Call // intrinsic forms of ErrorPath/CausePath
	errorExpr, causeExpr       *jsonata.Expr
	errorPathSrc, causePathSrc string
}

type parallelSpec struct {
	branches []*program
}

type mapSpec struct {
	processor *program
	// unsupported names a field stepjet cannot run (ItemReader, ResultWriter); running the state
	// fails.
	unsupported string

	itemsPath           *jsonpath.Path
	itemsExpr           *jsonata.Expr
	itemsLit            *payload.JSONataTemplate // JSONata Items given as a JSON array (with "{% %}" inside)
	itemSelector        *payload.Template
	itemSelectorJSONata *payload.JSONataTemplate

	maxConcurrency intField

	toleratedPercent intField
	toleratedCount   intField

	batcher *batcher
}

type batcher struct {
	batchInput        *payload.Template
	batchInputJSONata *payload.JSONataTemplate
	maxItems          intField
	maxBytes          intField
}
