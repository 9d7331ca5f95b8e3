package jsonpath

import (
	"unsafe"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/limits"
)

// Root says which document a path reads.
type Root int

const (
	RootInput    Root = iota // $... : the state's input (or the effective input, per field)
	RootContext              // $$... : the context object
	RootVariable             // $name... : a workflow variable (Assign)
)

// Path is a compiled JSONPath. It is immutable and safe for concurrent use.
type Path struct {
	src      string
	root     Root
	variable string
	segs     []segment
	definite bool
	norm     string // Jayway's normalized rendering of the body, e.g. $['a'][0]
	plan     []step // definite paths: the steps as gjson lookups
}

// Compile parses a JSONPath as ASL accepts it: "$", "$.a.b", "$['a']", "$[0]", "$[-1]", "$..x",
// "$.a[*]", filters "$[?(@.x > 1 && @.y == 'z')]", slices "$[1:3]", unions "$[0,2]", context
// paths "$$.Execution.Id" and variable paths "$var" / "$var.x[0]". A malformed path gives a
// *SyntaxError naming the problem and its character offset.
func Compile(s string) (*Path, error) {
	ps := &parser{src: s}
	root, name, err := ps.parseRoot()
	if err != nil {
		return nil, err
	}
	segs, err := ps.parseSegments(false)
	if err != nil {
		return nil, err
	}
	p := &Path{src: s, root: root, variable: name, segs: segs, definite: segsDefinite(segs)}
	p.norm = normalize(segs)
	if p.definite {
		p.plan = planSteps(segs)
	}
	return p, nil
}

// CompileReference parses a Reference Path (ResultPath and similar): definite, no filters,
// wildcards, slices or unions.
func CompileReference(s string) (*Path, error) {
	p, err := Compile(s)
	if err != nil {
		return nil, err
	}
	for _, sg := range p.segs {
		if sg.kind != segKey && sg.kind != segIndex {
			return nil, &SyntaxError{Path: s, Offset: 0, Msg: "a reference path must name a single node (no '..', '*', filters, slices or unions)"}
		}
	}
	return p, nil
}

// MustCompile is Compile for paths known at build time; it panics on a malformed path.
func MustCompile(s string) *Path {
	p, err := Compile(s)
	if err != nil {
		panic(err)
	}
	return p
}

func (p *Path) String() string { return p.src }

// Root tells which document the path reads; Variable names the variable for RootVariable.
func (p *Path) Root() Root       { return p.root }
func (p *Path) Variable() string { return p.variable }

// Definite reports whether the path names at most one value (no wildcard, deep scan, filter,
// slice or index union). Definite paths return the value; indefinite ones always return an array.
// As in Jayway, a union of names as the last step ($['a','b']) is definite: it returns an object
// holding the members that exist.
func (p *Path) Definite() bool { return p.definite }

// Normalized renders the path's body in Jayway's bracket form, e.g. "$['a']['b'][0]", the form AWS
// quotes in its error texts. Context and variable paths render from "$" too.
func (p *Path) Normalized() string { return p.norm }

// Members returns the member names of a path made of member steps only ($.a.b gives a, b; so
// does $['a']['b']), and false for the root alone or any path with another kind of step. It lets
// a caller that reads many such paths from one document plan a single pass over it.
func (p *Path) Members() ([]string, bool) {
	if len(p.segs) == 0 {
		return nil, false
	}
	names := make([]string, len(p.segs))
	for i := range p.segs {
		if p.segs[i].kind != segKey {
			return nil, false
		}
		names[i] = p.segs[i].key
	}
	return names, true
}

// IsRoot reports whether the path is its root alone ("$", "$$" or "$var").
func (p *Path) IsRoot() bool { return len(p.segs) == 0 }

// Eval returns the raw JSON the path selects in doc (the path's root is ignored: doc is the
// document the caller picked for it). A definite path that selects nothing returns a
// *NotFoundError. The result of a definite path may share memory with doc: do not modify either
// in place.
func (p *Path) Eval(doc []byte) ([]byte, error) {
	return p.evalMetered(doc, nil)
}

// evalMetered is Eval counting an indefinite path's result against m (nil: the default limit).
func (p *Path) evalMetered(doc []byte, m *limits.Meter) ([]byte, error) {
	if len(p.segs) == 0 {
		return doc, nil
	}
	s := bytesToString(doc)
	if p.definite {
		raw, err := p.evalDefinite(s)
		if err != nil {
			return nil, err
		}
		return stringToBytes(raw), nil
	}
	return p.evalIndefinite(s, m)
}

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
	// Budget bounds evaluation: its context stops long paths and intrinsic functions, its
	// limits what they build. nil means no deadline and the default limits.
	Budget *limits.Budget
	// Compact promises that Input, Context and every variable are valid, compact JSON (no
	// whitespace between tokens), so a value read from them can be copied as it is, with no
	// re-scan, and a plain member path can be answered by a byte scan. The engine keeps every
	// document of an execution compact, as AWS prints JSON.
	Compact bool
}

// Eval evaluates p against the document its root names. A variable that is not defined (or an
// Env without Vars) gives a *failure.Error named States.Runtime.
func (e *Env) Eval(p *Path) ([]byte, error) {
	switch p.root {
	case RootContext:
		return e.eval(p, e.Context)
	case RootVariable:
		var v []byte
		ok := false
		if e.Vars != nil {
			v, ok = e.Vars.Get(p.variable)
		}
		if !ok {
			return nil, failure.New(failure.Runtime, "Invalid path '%s': The variable '$%s' was not found", p.src, p.variable)
		}
		return e.eval(p, v)
	default:
		return e.eval(p, e.Input)
	}
}

// eval evaluates p on doc, one of the Env's documents.
func (e *Env) eval(p *Path, doc []byte) ([]byte, error) {
	if e.Compact {
		if v, ok := p.evalMembers(doc); ok {
			return v, nil
		}
	}
	if p.definite {
		return p.Eval(doc)
	}
	m := e.Budget.Meter()
	v, err := p.evalMetered(doc, &m)
	m.Release()
	if fe, ok := err.(*failure.Error); ok {
		// Say which path went over the limit.
		return nil, &failure.Error{Name: fe.Name, Cause: "The JSONPath '" + p.src + "' selected too much: " + fe.Cause}
	}
	return v, err
}

func segsDefinite(segs []segment) bool {
	for i, s := range segs {
		switch s.kind {
		case segKey, segIndex:
		case segKeys:
			if i != len(segs)-1 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// bytesToString views b as a string without copying; gjson then returns substrings of it.
func bytesToString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// stringToBytes views s as bytes without copying. The capacity is the length, so an append by a
// caller copies rather than writing over the document s came from.
func stringToBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
