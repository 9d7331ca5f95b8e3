// Package validate checks a state machine definition as ValidateStateMachineDefinition does and
// reports AWS-shaped diagnostics: strict JSON, the Amazon States Language schema per state type and
// query language, transitions and reachability, JSONPath / intrinsic / JSONata syntax, and the
// features an EXPRESS state machine may not use.
//
// It walks the tree asl.Parse builds, the same tree engine.Compile compiles (Parse returns it), so
// what the validator accepted is exactly what the compiler reads.
package validate

import (
	"errors"
	"sort"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stepjet/stepjet/engine/asl"
)

// Diagnostic is one finding, shaped like ValidateStateMachineDefinition's diagnostics.
type Diagnostic struct {
	Severity string `json:"severity"`           // ERROR or WARNING
	Code     string `json:"code"`               // e.g. SCHEMA_VALIDATION_FAILED
	Message  string `json:"message"`            //
	Location string `json:"location,omitempty"` // JSON pointer such as /States/Foo/Next; AWS omits it for some codes
}

// Options tune validation.
type Options struct {
	// Type is STANDARD or EXPRESS (default EXPRESS): Express refuses .sync, .waitForTaskToken,
	// activities and Distributed Map.
	Type string
}

// Severities and the diagnostic codes this package emits (AWS's names).
const (
	SeverityError   = "ERROR"
	SeverityWarning = "WARNING"

	CodeInvalidJSON        = "INVALID_JSON_DESCRIPTION"
	CodeSchema             = "SCHEMA_VALIDATION_FAILED"
	CodeMissingTarget      = "MISSING_TRANSITION_TARGET"
	CodeMissingEnd         = "MISSING_END_STATE"
	CodeDuplicateStateName = "DUPLICATE_STATE_NAME"
	CodeInvalidStateName   = "INVALID_STATE_NAME"
)

// Result is the whole ValidateStateMachineDefinition answer.
type Result struct {
	Result      string       `json:"result"` // OK or FAIL
	Diagnostics []Diagnostic `json:"diagnostics"`
	Truncated   bool         `json:"truncated"`
}

// Validate returns the ValidateStateMachineDefinition-shaped result for def: FAIL when any
// diagnostic is an ERROR.
func Validate(def []byte, opts Options) Result {
	d := Definition(def, opts)
	r := Result{Result: "OK", Diagnostics: d}
	if HasErrors(d) {
		r.Result = "FAIL"
	}
	if r.Diagnostics == nil {
		r.Diagnostics = []Diagnostic{}
	}
	return r
}

// HasErrors reports whether any diagnostic has severity ERROR.
func HasErrors(diags []Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Definition validates the definition text and returns every diagnostic, errors first.
func Definition(def []byte, opts Options) []Diagnostic {
	_, diags := Parse(def, opts)
	return diags
}

// Parse reads the definition into its tree (asl.Parse, the one reading of a definition) and
// validates that tree. It returns every diagnostic, errors first, and the tree when the text
// parsed (nil otherwise): a caller that compiles the definition walks the same tree the
// validator judged, so the two can never read a field differently.
func Parse(def []byte, opts Options) (*asl.Node, []Diagnostic) {
	c := &checker{express: !strings.EqualFold(opts.Type, "STANDARD")}
	root, err := asl.Parse(def)
	switch {
	case err != nil:
		c.parseFailure(def, err)
	case root.Kind != asl.Object:
		c.add(CodeSchema, "Definition must be a valid JSON object", "")
	default:
		c.machine(root)
	}
	sort.SliceStable(c.diags, func(i, j int) bool {
		return c.diags[i].Severity == SeverityError && c.diags[j].Severity != SeverityError
	})
	return root, c.diags
}

// InvalidDefinitionMessage renders the ERROR diagnostics as the message of the InvalidDefinition
// exception CreateStateMachine and UpdateStateMachine return, e.g.
// "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'X' is not supported at /States/S'".
// Diagnostics are joined with ", "; one without a location reads "at null", as AWS's does.
func InvalidDefinitionMessage(diags []Diagnostic) string {
	var b strings.Builder
	b.WriteString("Invalid State Machine Definition: '")
	n := 0
	for _, d := range diags {
		if d.Severity != SeverityError {
			continue
		}
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		loc := d.Location
		if loc == "" {
			loc = "null"
		}
		b.WriteString(d.Code + ": " + d.Message + " at " + loc)
	}
	b.WriteString("'")
	return b.String()
}

// parseFailure turns a parse error into AWS's diagnostic: blank input is "not a JSON object",
// duplicate state names are DUPLICATE_STATE_NAME, anything else quotes Jackson's text.
func (c *checker) parseFailure(def []byte, err error) {
	if strings.TrimSpace(string(def)) == "" {
		c.add(CodeSchema, "Definition must be a valid JSON object", "")
		return
	}
	var dup *asl.DuplicateError
	if errors.As(err, &dup) {
		s := &jscan{src: []rune(string(def)), text: string(def)}
		loc := s.location(len([]rune(string(def[:min(int(dup.Offset), len(def))]))))
		if dup.StateNames() {
			c.add(CodeDuplicateStateName, "Duplicate State name: '"+dup.Key+"'", dup.Object.Location()+"/"+dup.Key)
			return
		}
		c.add(CodeInvalidJSON, "Duplicate field '"+dup.Key+"'\n at "+loc, loc)
		return
	}
	if msg, loc, ok := jacksonError(def); ok {
		c.add(CodeInvalidJSON, msg, loc)
		return
	}
	// The strict parser refused something Jackson would have described differently (invalid
	// UTF-8, for one): say what and where as plainly as we can.
	var se *jsontext.SyntacticError
	off := int64(0)
	if errors.As(err, &se) {
		off = se.ByteOffset
	}
	s := &jscan{src: []rune(string(def)), text: string(def)}
	loc := s.location(len([]rune(string(def[:min(int(off), len(def))]))))
	c.add(CodeInvalidJSON, "Invalid JSON: "+strings.TrimPrefix(err.Error(), "jsontext: ")+"\n at "+loc, loc)
}

// checker collects diagnostics while walking a parsed definition.
type checker struct {
	express bool
	diags   []Diagnostic
	// exprCtx says which $states fields exist for the JSONata expressions being checked.
	exprCtx exprContext
}

func (c *checker) add(code, msg, loc string) {
	c.diags = append(c.diags, Diagnostic{Severity: SeverityError, Code: code, Message: msg, Location: loc})
}

func (c *checker) schema(msg, loc string) { c.add(CodeSchema, msg, loc) }

// warn records a WARNING: AWS still accepts the definition.
func (c *checker) warn(code, msg, loc string) {
	c.diags = append(c.diags, Diagnostic{Severity: SeverityWarning, Code: code, Message: msg, Location: loc})
}

func (c *checker) errorCount() int {
	n := 0
	for _, d := range c.diags {
		if d.Severity == SeverityError {
			n++
		}
	}
	return n
}
