// Package validate checks a state machine definition as ValidateStateMachineDefinition does and
// reports AWS-shaped diagnostics. SKELETON: signatures fixed.
package validate

// Diagnostic is one finding, shaped like ValidateStateMachineDefinition's diagnostics.
type Diagnostic struct {
	Severity string `json:"severity"` // ERROR or WARNING
	Code     string `json:"code"`     // e.g. SCHEMA_VALIDATION_FAILED
	Message  string `json:"message"`
	Location string `json:"location"` // JSON pointer such as /States/Foo/Next
}

// Options tune validation.
type Options struct {
	// Type is STANDARD or EXPRESS (default EXPRESS): Express refuses .sync, .waitForTaskToken,
	// activities and Distributed Map.
	Type string
}

// Definition validates the definition text and returns every diagnostic, errors first.
func Definition(def []byte, opts Options) []Diagnostic { panic("skeleton") }
