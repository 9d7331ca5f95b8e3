// Package jsonpath compiles the JSONPaths of the Amazon States Language once and evaluates them on
// raw JSON bytes. SKELETON: signatures fixed for the other packages; bodies are being written.
package jsonpath

// Root says which document a path reads.
type Root int

const (
	RootInput    Root = iota // $... : the state's input (or the effective input, per field)
	RootContext              // $$... : the context object
	RootVariable             // $name... : a workflow variable (Assign)
)

// Path is a compiled JSONPath. It is immutable and safe for concurrent use.
type Path struct {
	src string
}

// Compile parses a JSONPath as ASL accepts it: "$", "$.a.b", "$['a']", "$[0]", "$[-1]", "$..x",
// "$.a[*]", filters "$[?(@.x > 1 && @.y == 'z')]", slices "$[1:3]", unions "$[0,2]", context
// paths "$$.Execution.Id" and variable paths "$var" / "$var.x[0]".
func Compile(s string) (*Path, error) { panic("skeleton") }

// CompileReference parses a Reference Path (ResultPath and similar): definite, no filters,
// wildcards, slices or unions.
func CompileReference(s string) (*Path, error) { panic("skeleton") }

func (p *Path) String() string { return p.src }

// Root tells which document the path reads; Variable names the variable for RootVariable.
func (p *Path) Root() Root       { panic("skeleton") }
func (p *Path) Variable() string { panic("skeleton") }

// Definite reports whether the path names at most one value (no wildcard, deep scan, filter,
// slice or union). Definite paths return the value; indefinite ones always return an array.
func (p *Path) Definite() bool { panic("skeleton") }

// Eval returns the raw JSON the path selects in doc (the path's root is ignored: doc is the
// document the caller picked for it). A definite path that selects nothing returns a
// *NotFoundError.
func (p *Path) Eval(doc []byte) ([]byte, error) { panic("skeleton") }

// Set returns doc with value placed at the reference path p (ResultPath semantics: "$" replaces
// the whole document, missing objects on the way are created). A path that cannot be applied
// (through a scalar or an array where an object is needed) is a *failure.Error named
// States.ResultPathMatchFailure with AWS's cause text.
func Set(doc []byte, p *Path, value []byte) ([]byte, error) { panic("skeleton") }

// NotFoundError says a definite path selected nothing. Detail is AWS's wording, e.g.
// "No results for path: $['x']" or "Missing property in path $['a']".
type NotFoundError struct {
	Path   string
	Detail string
}

func (e *NotFoundError) Error() string { return "Invalid path '" + e.Path + "' : " + e.Detail }

// Variables gives a path access to workflow variables.
type Variables interface {
	Get(name string) ([]byte, bool)
}

// Env is the set of documents a path may read.
type Env struct {
	Input   []byte
	Context []byte
	Vars    Variables
}

// Eval evaluates p against the document its root names.
func (e *Env) Eval(p *Path) ([]byte, error) { panic("skeleton") }
