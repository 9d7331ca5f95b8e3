package engine

import (
	"time"

	"github.com/stepjet/stepjet/engine/asl"
	"github.com/stepjet/stepjet/engine/validate"
)

// CompileOptions tune Compile.
type CompileOptions struct {
	// Type is EXPRESS (default) or STANDARD, for validation.
	Type string
}

// Machine is a compiled state machine: immutable and shared by all its executions.
type Machine struct {
	top *program
	// tasks is the number of Task states in the whole definition (branches and processors
	// included); each has an index for counting its invocations per execution.
	tasks int
	// timeout is the definition's top-level TimeoutSeconds (0 when absent): AWS ends an
	// execution that runs longer with States.Timeout, whatever deadline its caller allows.
	timeout time.Duration
	// jsonata says some state is in JSONata mode (Run's checkInput).
	jsonata bool
}

// Compile validates and compiles a definition. An invalid one returns *InvalidDefinitionError.
// The definition is read once (validate.Parse): the compiler walks the tree the validator judged.
func Compile(def []byte, opts CompileOptions) (*Machine, error) {
	root, diags := validate.Parse(def, validate.Options{Type: opts.Type})
	var errs []Diagnostic
	for _, d := range diags {
		if d.Severity == "ERROR" {
			errs = append(errs, d)
		}
	}
	if len(errs) > 0 {
		return nil, &InvalidDefinitionError{Diagnostics: errs}
	}
	return compileTree(root)
}

// compileDefinition compiles a definition without validating it (the compiler's own refusals
// are then the only ones).
func compileDefinition(def []byte) (*Machine, error) {
	root, err := asl.Parse(def)
	if err != nil {
		return nil, compileError("", "", err)
	}
	return compileTree(root)
}

// compileTree compiles the tree of a definition.
func compileTree(root *asl.Node) (*Machine, error) {
	if _, err := object(root, "a definition"); err != nil {
		return nil, compileError("", "", err)
	}
	c := &compiler{}
	if ql, _ := root.Get("QueryLanguage").Str(); ql == "JSONata" {
		c.topJSONata = true
	}
	top, err := c.program(root)
	if err != nil {
		if _, ok := err.(*InvalidDefinitionError); ok {
			return nil, err
		}
		return nil, &InvalidDefinitionError{Diagnostics: []Diagnostic{{
			Severity: "ERROR", Code: "SCHEMA_VALIDATION_FAILED", Message: err.Error(), Location: "/",
		}}}
	}
	m := &Machine{top: top, tasks: c.tasks, jsonata: c.anyJSONata}
	if n, ok := root.Get("TimeoutSeconds").Float(); ok && n > 0 {
		m.timeout = time.Duration(n) * time.Second
	}
	return m, nil
}
