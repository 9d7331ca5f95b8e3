package engine

import "context"

// CompileOptions tune Compile.
type CompileOptions struct {
	// Type is EXPRESS (default) or STANDARD, for validation.
	Type string
}

// Machine is a compiled state machine: immutable and shared by all its executions.
type Machine struct{}

// Compile validates and compiles a definition. An invalid one returns *InvalidDefinitionError.
func Compile(def []byte, opts CompileOptions) (*Machine, error) { panic("skeleton") }

// Run executes the machine on input to completion (or to its deadline, or until ctx ends).
func (m *Machine) Run(ctx context.Context, input []byte, opts RunOptions) Result { panic("skeleton") }
