package intrinsics

import (
	"errors"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/stepjet/stepjet/engine/limits"
)

// node is one argument of a call, parsed once and evaluated many times.
type node interface {
	// eval returns the argument's JSON value.
	eval(env *jsonpath.Env) (gjson.Result, error)
	// canonical writes the node as it re-parses: literals and paths as written, single spaces
	// after commas.
	canonical(b *strings.Builder)
}

// literalNode is a string, number, true, false or null written in the call.
type literalNode struct {
	src string       // as written, quotes and escapes included
	val gjson.Result // its JSON value, encoded once at parse time
	// isString and escapedBraces serve States.Format: a literal template is split at parse time
	// on its unescaped "{}" placeholders.
	isString      bool
	escapedBraces bool
}

func newLiteral(src, raw string) *literalNode {
	return &literalNode{src: src, val: gjson.Parse(raw)}
}

func newStringLiteral(src, decoded string) *literalNode {
	l := newLiteral(src, string(appendJSONString(nil, decoded)))
	l.isString = true
	return l
}

func (l *literalNode) eval(*jsonpath.Env) (gjson.Result, error) { return l.val, nil }
func (l *literalNode) canonical(b *strings.Builder)             { b.WriteString(l.src) }

// pathNode is a JSONPath argument ($..., $$... or $variable...), compiled at parse time.
type pathNode struct {
	path *jsonpath.Path
	src  string
}

func (p *pathNode) canonical(b *strings.Builder) { b.WriteString(p.src) }

func (p *pathNode) eval(env *jsonpath.Env) (gjson.Result, error) {
	raw, err := env.Eval(p.path)
	if err != nil {
		return gjson.Result{}, pathFailure(err)
	}
	return gjson.ParseBytes(raw), nil
}

// pathFailure turns a path's error into the ASL error the state fails with: a path that selects
// nothing is States.Runtime with the path package's wording; errors that already carry an ASL
// name keep it.
func pathFailure(err error) error {
	var fe *failure.Error
	if errors.As(err, &fe) {
		return fe
	}
	var nf *jsonpath.NotFoundError
	if errors.As(err, &nf) {
		return &failure.Error{Name: failure.Runtime, Cause: nf.Error()}
	}
	return &failure.Error{Name: failure.Runtime, Cause: err.Error()}
}

// callNode is a States.X(...) call, at the top or nested as an argument.
type callNode struct {
	fn   *function
	args []node
	// format holds a States.Format template split at parse time when it is a literal.
	format []string
}

func (c *callNode) canonical(b *strings.Builder) {
	b.WriteString(c.fn.name)
	b.WriteByte('(')
	for i, a := range c.args {
		if i > 0 {
			b.WriteString(", ")
		}
		a.canonical(b)
	}
	b.WriteByte(')')
}

// run evaluates the arguments and applies the function, returning raw JSON.
// run evaluates the call. What it builds is counted against m: its arguments before the call
// (a function's result is at most a small multiple of them: States.Format and States.Array
// copy theirs) and its result after, so nested calls that each copy large arguments fail once
// they have built more than an evaluation may.
func (c *callNode) run(env *jsonpath.Env, m *limits.Meter) ([]byte, error) {
	var buf [4]gjson.Result // most calls take at most 3 arguments: no allocation for them
	args := buf[:0]
	size := 0
	for _, a := range c.args {
		var v gjson.Result
		var err error
		// A nested call shares the meter; the meter stays off the heap as long as it is
		// passed to concrete methods only.
		if call, ok := a.(*callNode); ok {
			v, err = call.evalMetered(env, m)
		} else {
			v, err = a.eval(env)
		}
		if err != nil {
			return nil, err
		}
		args = append(args, v)
		size += len(v.Raw)
	}
	if err := m.Bytes(size); err != nil {
		return nil, err
	}
	if err := m.Err(); err != nil {
		return nil, err
	}
	out, err := c.fn.impl(c, args)
	if err != nil {
		return nil, err
	}
	if err := m.Bytes(len(out)); err != nil {
		return nil, err
	}
	return out, nil
}

func (c *callNode) eval(env *jsonpath.Env) (gjson.Result, error) {
	m := env.Budget.Meter()
	defer m.Release()
	return c.evalMetered(env, &m)
}

func (c *callNode) evalMetered(env *jsonpath.Env, m *limits.Meter) (gjson.Result, error) {
	out, err := c.run(env, m)
	if err != nil {
		return gjson.Result{}, err
	}
	return gjson.ParseBytes(out), nil
}
