// Package payload compiles payload templates (Parameters, ResultSelector, ItemSelector in JSONPath
// mode; Arguments, Output and Assign values in JSONata mode) once, and fills them per execution.
//
// A template is flattened at compile time into pre-serialized static bytes and the holes between
// them (a path, an intrinsic call or a JSONata expression); Eval appends the static bytes and
// each hole's raw JSON into one buffer, with no decoding of the input and no encoding/json round
// trip. Output keeps the template's key order and is compact, as AWS prints JSON.
//
//	t, err := payload.Compile([]byte(`{"orderId.$": "$.order.id", "static": {"a": 1}}`))
//	out, err := t.Eval(&jsonpath.Env{Input: input}) // {"orderId":"o-1","static":{"a":1}}
package payload

import (
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/intrinsics"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/tidwall/gjson"
)

// Template is a compiled JSONPath-mode payload template. It is immutable (apart from a buffer
// size hint) and safe for concurrent use.
type Template struct {
	plan
	holes []pathHole
	// fetch answers the plain member paths among the holes in one pass over the input.
	fetch *fetchNode
}

// pathHole is one ".$" field: a JSONPath or an intrinsic call.
type pathHole struct {
	field string // the key as written, with ".$"
	path  *jsonpath.Path
	call  *intrinsics.Call
}

// Compile compiles a JSONPath-mode template: any JSON value; inside objects, keys ending in ".$"
// take a path ($, $$, $var) or an intrinsic call, and the ".$" is dropped from the output key.
// Objects nested in objects and in arrays are templates too. A ".$" field whose value is not a
// string holding a valid path or intrinsic call is a *CompileError.
func Compile(tmpl []byte) (*Template, error) {
	if !gjson.ValidBytes(tmpl) {
		return nil, &CompileError{Message: "The template is not valid JSON"}
	}
	t := &Template{}
	var b planBuilder
	if err := t.compile(&b, gjson.ParseBytes(tmpl), ""); err != nil {
		return nil, err
	}
	b.finish(&t.plan)
	t.fetch = planFetch(t.holes)
	return t, nil
}

func (t *Template) compile(b *planBuilder, v gjson.Result, ptr string) error {
	switch {
	case v.IsObject():
		b.lit('{')
		for i, m := range members(v, dropDollar) {
			if i > 0 {
				b.lit(',')
			}
			b.str(m.key)
			b.lit(':')
			mptr := ptr + "/" + escapePointer(m.field)
			if m.key == m.field {
				if err := t.compile(b, m.value, mptr); err != nil {
					return err
				}
				continue
			}
			h, err := compileHole(m.field, m.value, mptr)
			if err != nil {
				return err
			}
			b.hole()
			t.holes = append(t.holes, h)
		}
		b.lit('}')
	case v.IsArray():
		b.lit('[')
		i := 0
		var err error
		v.ForEach(func(_, e gjson.Result) bool {
			if i > 0 {
				b.lit(',')
			}
			err = t.compile(b, e, ptr+"/"+strconv.Itoa(i))
			i++
			return err == nil
		})
		if err != nil {
			return err
		}
		b.lit(']')
	case v.Type == gjson.String:
		b.str(v.Str) // re-escaped as AWS prints it: "\u00e9" becomes "é"
	default:
		b.cur = appendCompact(b.cur, []byte(v.Raw))
	}
	return nil
}

// dropDollar gives the output key of a template key: "x.$" becomes "x".
func dropDollar(k string) string {
	if s, ok := strings.CutSuffix(k, ".$"); ok {
		return s
	}
	return k
}

// compileHole compiles the value of a ".$" field.
func compileHole(field string, v gjson.Result, ptr string) (pathHole, error) {
	bad := func(err error) error {
		return &CompileError{
			Field:   field,
			Pointer: ptr,
			Message: "The value for the field '" + field + "' must be a valid JSONPath or a valid intrinsic function call",
			Err:     err,
		}
	}
	if v.Type != gjson.String {
		return pathHole{}, bad(nil)
	}
	s := v.Str
	h := pathHole{field: field}
	var err error
	switch {
	case intrinsics.IsCall(s):
		h.call, err = intrinsics.Parse(s)
	case strings.HasPrefix(s, "$"):
		h.path, err = jsonpath.Compile(s)
	default:
		return pathHole{}, bad(nil)
	}
	if err != nil {
		return pathHole{}, bad(err)
	}
	return h, nil
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// Static reports whether the template has no ".$" fields, so Eval always gives the same bytes.
func (t *Template) Static() bool { return len(t.holes) == 0 }

// Eval fills the template. A path that selects nothing is a *failure.Error named States.Runtime
// with AWS's cause: "The JSONPath '$.x' specified for the field 'x.$' could not be found in the
// input '<input JSON>'", where the input is the document the path reads (the state's input for
// $, the context object for $$, the variable for $var) printed compactly. Intrinsic failures
// pass through as the *failure.Error they are. The result is a fresh slice the caller owns.
func (t *Template) Eval(env *jsonpath.Env) ([]byte, error) {
	if s, ok := t.static(); ok {
		return append([]byte(nil), s...), nil
	}
	if env == nil {
		env = &jsonpath.Env{}
	}
	if t.fetch != nil {
		var fetched [maxFetchHoles][]byte
		t.fetch.fetchAll(env.Input, fetched[:len(t.holes)], env.Compact)
		return t.fill(env, fetched[:len(t.holes)])
	}
	return t.fill(env, nil)
}

// fill appends the parts and the holes' values: fetched[i] when the fetch plan found it, else
// the hole evaluated alone.
func (t *Template) fill(env *jsonpath.Env, fetched [][]byte) ([]byte, error) {
	buf := t.buffer()
	buf = append(buf, t.parts[0]...)
	for i := range t.holes {
		var v []byte
		if fetched != nil {
			v = fetched[i]
		}
		if v == nil {
			var err error
			if v, err = t.holes[i].eval(env); err != nil {
				return nil, err
			}
		}
		if env.Compact && t.holes[i].path != nil && len(v) > 0 {
			// A path's value is a piece of a document the Env promises is compact.
			buf = append(buf, v...)
		} else {
			buf = appendValue(buf, v)
		}
		buf = append(buf, t.parts[i+1]...)
	}
	t.remember(len(buf))
	return buf, nil
}

func (h *pathHole) eval(env *jsonpath.Env) ([]byte, error) {
	if h.call != nil {
		v, err := h.call.Eval(env)
		if err != nil {
			return nil, asFailure(err, failure.Runtime)
		}
		return v, nil
	}
	v, err := env.Eval(h.path)
	if err == nil {
		return v, nil
	}
	if isNotFound(err) {
		return nil, pathNotFound(h.path.String(), h.field, h.document(env))
	}
	return nil, asFailure(err, failure.Runtime)
}

// document returns the JSON a path read, for the "could not be found in the input" cause.
func (h *pathHole) document(env *jsonpath.Env) []byte {
	switch h.path.Root() {
	case jsonpath.RootContext:
		return env.Context
	case jsonpath.RootVariable:
		if env.Vars != nil {
			if v, ok := env.Vars.Get(h.path.Variable()); ok {
				return v
			}
		}
	}
	return env.Input
}
