package payload

import (
	"context"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonata"
	"github.com/tidwall/gjson"
)

// JSONataTemplate is a compiled JSONata-mode template: any JSON value in which strings of the
// form "{% expr %}" are JSONata expressions. It is immutable (apart from a buffer size hint) and
// safe for concurrent use.
type JSONataTemplate struct {
	plan
	holes []*Expression
	// canon says the template's literal parts are canonical (jsonata.Canonical with null in
	// every hole): filled with JSONata values, which are, the whole is.
	canon bool
	// index, for a canonical template that is an object, is where its members are: the
	// next state reads the output without scanning it (jsonata.Scope.IndexObject).
	index []memberAt
}

// at is a place in a filled template: offset bytes into parts[part].
type at struct{ part, offset int }

// memberAt is where one member of a template object is: its key between its quotes, and its
// value.
type memberAt struct{ keyStart, keyEnd, valStart, valEnd at }

// maxIndexedParts bounds the parts of a template whose output is indexed as it is written.
const maxIndexedParts = 64

// CompileJSONata compiles a JSONata-mode template; field names the field (e.g. "Output",
// "Arguments") for AWS's cause texts ("... specified for the field 'Output/FunctionResult' ...").
// Inside the template, an object key adds "/key" to the field path and an array element adds
// "[i]". Strings that are not exactly "{%" ... "%}" are literal, as are keys ending in ".$".
func CompileJSONata(field string, tmpl []byte) (*JSONataTemplate, error) {
	if !gjson.ValidBytes(tmpl) {
		return nil, &CompileError{Field: field, Message: "The value for the field '" + field + "' is not valid JSON"}
	}
	t := &JSONataTemplate{}
	var b planBuilder
	if err := t.compile(&b, gjson.ParseBytes(tmpl), field, ""); err != nil {
		return nil, err
	}
	b.finish(&t.plan)
	t.canon = len(t.holes) > 0 && jsonata.Canonical(t.probe())
	if !t.canon || len(t.parts) > maxIndexedParts {
		t.index = nil
	}
	return t, nil
}

// probe is the template with null in every hole.
func (t *JSONataTemplate) probe() []byte {
	var out []byte
	for i, part := range t.parts {
		if i > 0 {
			out = append(out, "null"...)
		}
		out = append(out, part...)
	}
	return out
}

func (t *JSONataTemplate) compile(b *planBuilder, v gjson.Result, field, ptr string) error {
	switch {
	case v.IsObject():
		top := ptr == "" && len(b.parts) == 0 && len(b.cur) == 0 // the template's own object
		b.lit('{')
		for i, m := range members(v, func(k string) string { return k }) {
			if i > 0 {
				b.lit(',')
			}
			var place memberAt
			place.keyStart = at{len(b.parts), len(b.cur) + 1}
			b.str(m.key)
			place.keyEnd = at{len(b.parts), len(b.cur) - 1}
			b.lit(':')
			place.valStart = at{len(b.parts), len(b.cur)}
			if err := t.compile(b, m.value, field+"/"+m.key, ptr+"/"+escapePointer(m.key)); err != nil {
				return err
			}
			place.valEnd = at{len(b.parts), len(b.cur)}
			if top && place.keyEnd.offset-place.keyStart.offset == len(m.key) { // a key with escapes is not indexed
				t.index = append(t.index, place)
			} else if top {
				top = false
				t.index = nil
			}
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
			n := strconv.Itoa(i)
			err = t.compile(b, e, field+"["+n+"]", ptr+"/"+n)
			i++
			return err == nil
		})
		if err != nil {
			return err
		}
		b.lit(']')
	case v.Type == gjson.String && IsJSONata(v.Str):
		e, err := compileExpression(field, v.Str)
		if err != nil {
			err.Pointer = ptr
			return err
		}
		b.hole()
		t.holes = append(t.holes, e)
	case v.Type == gjson.String:
		b.str(v.Str) // re-escaped as AWS prints it: "\u00e9" becomes "é"
	default:
		b.cur = appendCompact(b.cur, []byte(v.Raw))
	}
	return nil
}

// Static reports whether the template holds no JSONata expression.
func (t *JSONataTemplate) Static() bool { return len(t.holes) == 0 }

// Eval fills the template. An expression that fails is a *failure.Error named
// States.QueryEvaluationError with AWS's cause "The JSONata expression '<expr>' specified for the
// field '<field path>' threw an error during evaluation. <message>"; one that returns nothing
// (JSONata's undefined), wherever it sits, fails with "... returned nothing (undefined).".
// The result is a fresh slice the caller owns.
func (t *JSONataTemplate) Eval(b jsonata.Bindings) ([]byte, error) {
	return t.eval(jsonata.BudgetContext(b), b)
}

// EvalContext is Eval with a context whose cancellation stops long evaluations.
func (t *JSONataTemplate) EvalContext(ctx context.Context, b jsonata.Bindings) ([]byte, error) {
	return t.eval(ctx, b)
}

// eval fills the template under ctx.
func (t *JSONataTemplate) eval(ctx context.Context, b jsonata.Bindings) ([]byte, error) {
	if s, ok := t.static(); ok {
		return append([]byte(nil), s...), nil
	}
	buf := t.buffer()
	// starts[i] is where parts[i] was written, for the index.
	var starts [maxIndexedParts]int
	buf = append(buf, t.parts[0]...)
	for i, e := range t.holes {
		// A JSONata value is written compact and never empty: it goes straight into buf.
		var err error
		if buf, err = e.appendEval(ctx, buf, b); err != nil {
			return nil, err
		}
		if i+1 < len(starts) {
			starts[i+1] = len(buf)
		}
		buf = append(buf, t.parts[i+1]...)
	}
	t.remember(len(buf))
	if sc, ok := b.(*jsonata.Scope); ok && t.canon {
		// The next state reads this output as its input: it need not check it again, nor,
		// when it is an object, find its members.
		if t.index != nil {
			var room [16]jsonata.MemberSpan
			spans := room[:0]
			for _, m := range t.index {
				spans = append(spans, jsonata.MemberSpan{
					Key: [2]int{starts[m.keyStart.part] + m.keyStart.offset, starts[m.keyEnd.part] + m.keyEnd.offset},
					Val: [2]int{starts[m.valStart.part] + m.valStart.offset, starts[m.valEnd.part] + m.valEnd.offset},
				})
			}
			sc.IndexObject(buf, spans)
		} else {
			sc.MarkCanonical(buf)
		}
	}
	return buf, nil
}

// IsJSONata reports whether s is a JSONata expression as ASL writes one: the whole string starts
// with "{%" and ends with "%}". Nothing is trimmed: " {% x %}" is a literal string.
//
// It is the one answer to "is this string a JSONata expression?" in stepjet: the compiler, the
// validator (engine/validate) and DescribeStateMachine's variable references (transport/awsapi)
// all ask it. It follows AWS's rule that a JSONata state evaluates a string "surrounded by {% %}
// characters" and passes every other string through unchanged; the validator additionally
// refuses a string that starts with "{%" without being one, as AWS does.
func IsJSONata(s string) bool {
	return len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// Expression is one compiled "{% %}" string, for fields that hold a single expression
// (TimeoutSeconds, Seconds, Items, MaxConcurrency, Condition, ...) and for a template's holes.
type Expression struct {
	expr  *jsonata.Expr
	src   string // the expression between the delimiters, trimmed, as AWS quotes it
	field string
}

// CompileExpression compiles s, which must satisfy IsJSONata, for the field named field (a field
// path such as "TimeoutSeconds" or "Output/a[0]"). Failures are *CompileError.
func CompileExpression(field, s string) (*Expression, error) {
	e, err := compileExpression(field, s)
	if err != nil {
		return nil, err // not a typed nil: callers compare with nil
	}
	return e, nil
}

func compileExpression(field, s string) (*Expression, *CompileError) {
	if !IsJSONata(s) {
		return nil, &CompileError{Field: field, Message: "The value for the field '" + field + "' is not a JSONata expression: it must start with '{%' and end with '%}'"}
	}
	inner := s[2 : len(s)-2]
	src := strings.TrimSpace(inner)
	x, err := jsonata.Compile(inner)
	if err != nil {
		return nil, &CompileError{
			Field:   field,
			Message: "The JSONata expression '" + src + "' specified for the field '" + field + "' is invalid: " + asFailure(err, failure.QueryEvaluationError).Cause,
			Err:     err,
		}
	}
	return &Expression{expr: x, src: src, field: field}, nil
}

// String returns the expression's text between the delimiters, trimmed.
func (e *Expression) String() string { return e.src }

// Field returns the field path the expression was compiled for.
func (e *Expression) Field() string { return e.field }

// Eval evaluates the expression and returns its raw JSON value. A failure, or a result that is
// nothing (undefined), is a *failure.Error named States.QueryEvaluationError with AWS's cause.
func (e *Expression) Eval(b jsonata.Bindings) ([]byte, error) {
	return e.eval(jsonata.BudgetContext(b), b)
}

// EvalContext is Eval with a context whose cancellation stops long evaluations.
func (e *Expression) EvalContext(ctx context.Context, b jsonata.Bindings) ([]byte, error) {
	return e.eval(ctx, b)
}

// eval is Eval under ctx.
func (e *Expression) eval(ctx context.Context, b jsonata.Bindings) ([]byte, error) {
	v, defined, err := e.expr.EvalContext(ctx, b)
	return e.result(v, defined, err)
}

// appendEval is eval appending the value to buf.
func (e *Expression) appendEval(ctx context.Context, buf []byte, b jsonata.Bindings) ([]byte, error) {
	v, defined, err := e.expr.AppendEvalContext(ctx, buf, b)
	return e.result(v, defined, err)
}

// result is what eval returns for what the expression gave.
func (e *Expression) result(v []byte, defined bool, err error) ([]byte, error) {
	if err == jsonata.ErrUnsupportedResult {
		return nil, &failure.Error{Name: failure.QueryEvaluationError, Cause: jsonata.UnsupportedSentence(e.src, e.field)}
	}
	if err != nil {
		return nil, e.threw(err)
	}
	if !defined {
		return nil, &failure.Error{Name: failure.QueryEvaluationError, Cause: jsonata.UndefinedSentence(e.src, e.field)}
	}
	return v, nil
}

// threw wraps an evaluator failure in AWS's sentence naming the expression and the field.
func (e *Expression) threw(err error) error {
	fe := asFailure(err, failure.QueryEvaluationError)
	return &failure.Error{Name: fe.Name, Cause: jsonata.ErrorSentence(e.src, e.field, fe.Cause)}
}
