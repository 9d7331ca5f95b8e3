package intrinsics

import (
	"strings"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

// IsCall reports whether s is written as an intrinsic call ("States.X(...)"): it starts with
// "States.", a name and "(". Whether the call is well formed is Parse's business, so a caller
// can send every such string to Parse and report its error.
func IsCall(s string) bool {
	rest, ok := strings.CutPrefix(s, "States.")
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && isNameChar(rest[i]) {
		i++
	}
	return i > 0 && i < len(rest) && rest[i] == '('
}

// Call is a parsed intrinsic call: immutable, JSONPath arguments pre-compiled. It is safe for
// concurrent use.
type Call struct {
	src  string
	root *callNode
}

// Parse parses an intrinsic call with nested calls, string literals with escapes, numbers,
// booleans, null and JSONPath arguments ($, $$ and $variable paths). Errors are *ParseError,
// naming the problem and the character where it was found.
func Parse(s string) (*Call, error) {
	p := &parser{src: s}
	root, err := p.parseCall(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.eof() {
		return nil, p.errorf(p.pos, "unexpected %s after the end of the call", p.describe(p.pos))
	}
	return &Call{src: s, root: root}, nil
}

// String returns the call as it was written.
func (c *Call) String() string { return c.src }

// Canonical returns the call in a normalised form that parses to the same call: arguments as
// written, separated by ", ".
func (c *Call) Canonical() string {
	var b strings.Builder
	c.root.canonical(&b)
	return b.String()
}

// Name returns the called function's name, e.g. "States.Format".
func (c *Call) Name() string { return c.root.fn.name }

// Eval evaluates the call and returns its raw JSON result. Failures hold a *failure.Error (find
// it with errors.As) named States.Runtime, as AWS names both bad arguments and a path that
// selects nothing, with the cause's own text; the interpreter adds the state prefix.
func (c *Call) Eval(env *jsonpath.Env) ([]byte, error) {
	if env == nil {
		env = &jsonpath.Env{}
	}
	m := env.Budget.Meter()
	v, err := c.root.run(env, &m)
	m.Release()
	if fe, ok := err.(*failure.Error); ok && strings.HasPrefix(fe.Cause, "The evaluation built") {
		// Say which call went over the limit.
		return nil, &failure.Error{Name: fe.Name, Cause: "The intrinsic function call '" + abbreviate(c.src) + "' built too much: " + fe.Cause}
	}
	return v, err
}
